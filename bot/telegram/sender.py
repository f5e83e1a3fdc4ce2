"""Sending the outbox to the Bot API: in order per chat, once, with retries.

A message is leased (so no other sender takes it) before the HTTP call and settled after it, so no
database lock is held while Telegram answers. 429 waits ``retry_after``; 5xx and timeouts back
off; 403 means the person blocked the bot: delivery to them stops and their cases say so.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.hotline import Hotline
from bot.telegram import CHANNEL
from bot.telegram.calls import call, retry_after
from bot.telegram.processor import mark_blocked
from bot.worker import drain_forever
from flows.vocabulary import OutboxPurpose
from storage.models import ChannelMessage, OutboxMessage
from storage.outbox import Outbox
from storage.upsert import insert_ignore

log = logging.getLogger(__name__)


class TelegramSender:
    def __init__(self, hotline: Hotline, bot: Bot):
        self.hotline = hotline
        self.bot = bot
        self.keyring = hotline.settings.keyring
        self.backoff_base = hotline.settings.outbox_backoff_base
        self.lease = timedelta(seconds=hotline.settings.telegram_timeout + 5)
        self.wake = asyncio.Event()

    def outbox(self, session: Any) -> Outbox:
        return Outbox(session, self.keyring, self.backoff_base)

    async def run(self) -> None:
        await drain_forever("telegram outbox", self.run_once, self.wake, self._idle_seconds)

    async def _idle_seconds(self) -> float:
        async with self.hotline.sessions() as session:
            due = await self.outbox(session).next_due(CHANNEL)
        if due is None:
            return 1.0
        wait = (due - self.hotline.runtime.clock()).total_seconds()
        return min(max(wait, 0.05), 1.0)

    async def run_once(self) -> bool:
        """Send the next due message; False when nothing is due."""
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            now = self.hotline.runtime.clock()
            row = await outbox.claim(CHANNEL, now)
            if row is None:
                return False
            row.not_before = now + self.lease
            message_id, method, params = row.id, row.method, outbox.params(row)
        try:
            result = await call(self.bot, method, params)
        except RetryAfter as exc:
            await self._settle(message_id, "retry", "429", retry_after(exc))
        except Forbidden:
            await self._settle(message_id, "blocked", "403")
        except BadRequest as exc:
            log.warning("telegram refused %s: %s", method, type(exc).__name__)
            await self._settle(message_id, "dead", "400")
        except (NetworkError, TelegramError, TimeoutError, OSError) as exc:
            await self._settle(message_id, "retry", type(exc).__name__)
        else:
            await self._settle(message_id, "sent", result=result)
        return True

    async def _settle(
        self,
        message_id: int,
        outcome: str,
        error: str = "",
        after: timedelta | None = None,
        result: Any = None,
    ) -> None:
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            row = await session.get(OutboxMessage, message_id)
            if row is None or row.sent_at is not None:
                return
            now = self.hotline.runtime.clock()
            if outcome == "sent":
                outbox.sent(row, now)
                if isinstance(result, Message) and row.purpose != OutboxPurpose.TO_OFFICER:
                    values = {"conversation_key": row.destination, "message_id": result.message_id, "at": now}
                    await insert_ignore(session, ChannelMessage, values, ["conversation_key", "message_id"])
            elif outcome == "retry":
                outbox.retry(row, now, error, after)
            elif outcome == "blocked":
                await mark_blocked(session, outbox, row.destination, now)
                outbox.dead(row, now, error)
            else:
                outbox.dead(row, now, error)
