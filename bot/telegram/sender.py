"""Sending the outbox to the Bot API through python-telegram-bot, on the shared ``OutboxSender``.

429 pauses the whole bot for ``retry_after`` (Telegram's limit is per bot) and retries the message
then; 5xx, timeouts and dropped connections back off; 400 gives the message up; 403 means the
person blocked the bot: delivery to them stops and their cases say so. The ids of messages sent
into a reporter's chat are kept so ``/hapus`` can delete them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.hotline import Hotline
from bot.outbox_sender import OutboxSender, Outcome, Result
from bot.pacing import Pacer
from bot.telegram import CHANNEL
from bot.telegram.calls import call, retry_after
from bot.telegram.processor import mark_blocked
from flows.vocabulary import OutboxPurpose
from storage.models_delivery import ChannelMessage, OutboxMessage
from storage.outbox import Claimed, Outbox
from storage.upsert import insert_ignore_many

log = logging.getLogger(__name__)
COUNTED = frozenset({"sendMessage"})
"""Calls Telegram's flood limits count: messages sent (edits, deletions and answers to button presses
are not messages into the chat)."""


def telegram_pacer(hotline: Hotline) -> Pacer:
    settings = hotline.settings
    return Pacer(settings.telegram_rate, settings.telegram_chat_rate, settings.telegram_chat_burst)


class TelegramSender(OutboxSender):
    channel = CHANNEL
    hands_over = True

    def __init__(self, hotline: Hotline, bot: Bot):
        super().__init__(hotline, telegram_pacer(hotline))
        self.bot = bot

    def counted(self, message: Claimed) -> bool:
        return message.method in COUNTED

    async def deliver(self, message: Claimed) -> Result:
        try:
            result = await call(self.bot, message.method, message.params)
        except RetryAfter as exc:
            return Result(Outcome.RETRY, "429", after=retry_after(exc))
        except Forbidden:
            return Result(Outcome.BLOCKED, "403")
        except BadRequest as exc:
            log.warning("telegram refused %s: %s", message.method, type(exc).__name__)
            return Result(Outcome.DEAD, "400")
        except (TelegramError, TimeoutError, OSError) as exc:
            return Result(Outcome.RETRY, type(exc).__name__)
        return Result(Outcome.SENT, detail=result.message_id if isinstance(result, Message) else None)

    async def sent(
        self, session: AsyncSession, sent: Sequence[tuple[Claimed, Result]], now: datetime
    ) -> None:
        into_chats = [
            {"conversation_key": message.destination, "message_id": result.detail, "at": now}
            for message, result in sent
            if result.detail is not None and message.purpose != OutboxPurpose.TO_OFFICER
        ]
        await insert_ignore_many(session, ChannelMessage, into_chats, ["conversation_key", "message_id"])

    async def settled(
        self, session: AsyncSession, outbox: Outbox, row: OutboxMessage, result: Result, now: datetime
    ) -> None:
        if result.outcome == Outcome.BLOCKED:
            await mark_blocked(session, outbox, row.destination, now)
            outbox.dead(row, now, result.error)
