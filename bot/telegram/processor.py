"""Working through the Telegram inbox: one update at a time per chat, in order, exactly once.

Each update is handled in one transaction that also marks it processed and writes every reply to
the outbox, so a crash either leaves it pending (done again later) or done with its replies queued.
Media are downloaded between transactions, so no database lock is held during a download.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from bot.hotline import Hotline
from bot.inbox_worker import InboxWorker
from bot.outbox_sender import OutboxSender
from bot.runtime import Inbound
from bot.telegram import CHANNEL
from bot.telegram.officers import OfficerDesk
from bot.telegram.render import send_message_calls
from bot.telegram.updates import Interpretation, MediaRef, Unreadable, UpdateKind, interpret, parse
from flows import inbound as ev
from flows.i18n import N_
from flows.outbound import Reply
from flows.vocabulary import CaseEventKind
from storage.attachments import AttachmentStore
from storage.inbox import PendingUpdate
from storage.models import DeliveryAddress
from storage.models_delivery import ChannelMessage, InboxUpdate
from storage.outbox import NORMAL, URGENT, Outbox, Outgoing
from storage.reports import ReportStore
from storage.units import unit_ids
from storage.upsert import insert_ignore

log = logging.getLogger(__name__)
DELETABLE_FOR = timedelta(hours=48)
NO_CHAT = "telegram:no-chat"
TOO_LARGE = "too_large"
ANSWERED = "hotline_answered"
"""Marks a stored update whose button press the webhook's response answered."""


@dataclass(frozen=True)
class _Download:
    inbox_id: int
    update_id: int
    conversation_key: str
    media: MediaRef


class TelegramProcessor(InboxWorker[Interpretation, _Download]):
    channel = CHANNEL

    def __init__(self, hotline: Hotline, bot: Bot | None, desk: OfficerDesk):
        super().__init__(hotline)
        self.bot = bot
        self.desk = desk
        self.sends: OutboxSender | None = None
        """Set by the service: an update waits until what was sent to its chat is written down."""
        self.max_bytes = int(hotline.settings.max_attachment_mb * 1024 * 1024)

    def conversation_key(self, chat_id: int | None) -> str:
        return NO_CHAT if chat_id is None else self.keyring.pseudonym(CHANNEL, str(chat_id))

    # Recording (webhook and long polling).

    async def record(self, data: dict[str, Any]) -> bool:
        """Store an update durably; False for a redelivery. Safe to answer 200 afterwards."""
        return await self._store(data, self.read(data))

    async def record_webhook(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """Store an update durably, then what to answer the webhook with: a reporter's button
        press is answered in the response itself (the Bot API takes one method call there), which
        spares a call, an outbox row and its settling per press; the answer carries no text, so
        losing it only leaves the button's spinner turning a few seconds longer."""
        info = self.read(data)
        if info.action != UpdateKind.REPORTER or info.callback_id is None:
            await self._store(data, info)
            return None
        await self._store({**data, ANSWERED: True}, replace(info, answered=True))
        return {"method": "answerCallbackQuery", "callback_query_id": info.callback_id}

    async def _store(self, data: dict[str, Any], info: Interpretation) -> bool:
        key = self.conversation_key(info.chat_id)
        return await self.record_update(str(data["update_id"]), key, data, info)

    # Processing.

    async def prepare(self, item: Interpretation) -> None:
        if self.sends is not None and item.chat_id is not None:
            await self.sends.quiet(self.conversation_key(item.chat_id))
        for event in item.events:
            await self.hotline.runtime.prepare(event)

    def read(self, data: dict[str, Any]) -> Interpretation:
        try:
            if data.get(ANSWERED):
                update = {k: v for k, v in data.items() if k != ANSWERED}
                return replace(interpret(parse(update, self.bot)), answered=True)
            return interpret(parse(data, self.bot))
        except Unreadable as exc:
            return Interpretation(UpdateKind.UNREADABLE, int(data.get("update_id", 0)), argument=str(exc))

    def set_aside(self, item: Interpretation) -> str | None:
        return UpdateKind.UNREADABLE if item.action == UpdateKind.UNREADABLE else None

    async def needs_download(
        self, session: AsyncSession, row: PendingUpdate, info: Interpretation
    ) -> _Download | None:
        if info.media is None or self.bot is None or row.last_error == TOO_LARGE:
            return None
        if info.media.size is not None and info.media.size > self.max_bytes:
            return None
        if await AttachmentStore(session, self.keyring).by_source(f"{CHANNEL}:{row.update_id}"):
            return None
        return _Download(row.id, int(row.update_id), row.conversation_key, info.media)

    async def download(self, job: _Download) -> None:
        now = self.hotline.runtime.clock()
        assert self.bot is not None, "needs_download asks for downloads only with a bot"
        try:
            file = await self.bot.get_file(job.media.file_id)
            if file.file_size is not None and file.file_size > self.max_bytes:
                data = None
            else:
                data = bytes(await file.download_as_bytearray(read_timeout=60))
                if len(data) > self.max_bytes:
                    data = None
        except (TelegramError, TimeoutError, OSError) as exc:
            await self.failed(job.inbox_id, exc)
            return
        async with self.hotline.sessions() as session, session.begin():
            if data is None:
                await session.execute(
                    update(InboxUpdate).where(InboxUpdate.id == job.inbox_id).values(last_error=TOO_LARGE)
                )
                return
            await AttachmentStore(session, self.keyring).add(
                source_key=f"{CHANNEL}:{job.update_id}",
                conversation_key=job.conversation_key,
                kind=job.media.kind,
                mime=job.media.mime,
                data=data,
                now=now,
            )

    async def handle(self, session: AsyncSession, row: PendingUpdate, info: Interpretation) -> None:
        now = self.hotline.runtime.clock()
        outbox = Outbox(session, self.keyring)
        key = row.conversation_key
        chat_id = info.chat_id
        if info.action == UpdateKind.REPORTER and chat_id is not None:
            await self._reporter(session, outbox, row, info, now)
        elif info.action == UpdateKind.OFFICER_LINK and chat_id is not None:
            if info.message_id is not None:
                await self._remember_message(session, key, info.message_id, now)
            for message in await self.desk.link(session, info.argument, chat_id, now):
                await outbox.put(message, now)
        elif info.action == UpdateKind.OFFICER_ACK and chat_id is not None and info.callback_id:
            units = await unit_ids(session)
            text, taken = await self.desk.acknowledge(
                session, info.argument, chat_id, info.callback_id, now, units
            )
            await outbox.put(self._answer_callback(key, info.callback_id, text), now)
            if taken and info.message_id is not None:
                await outbox.put(self._remove_keyboard(key, chat_id, info.message_id), now)
                await outbox.put(self._call(key, "sendMessage", chat_id=chat_id, text=text), now)
        elif info.action == UpdateKind.EDITED and chat_id is not None:
            text = self.hotline.catalogues.text(self._locale(), N_("telegram.edited"))
            await outbox.put(self._call(key, "sendMessage", chat_id=chat_id, text=text), now)
        elif info.action == UpdateKind.LEAVE_GROUP and chat_id is not None:
            if info.callback_id:
                await outbox.put(self._answer_callback(key, info.callback_id), now)
            text = self.hotline.catalogues.text(self._locale(), N_("telegram.private_only"))
            await outbox.put(self._call(key, "sendMessage", chat_id=chat_id, text=text), now)
            await outbox.put(self._call(key, "leaveChat", chat_id=chat_id), now)
        elif info.action == UpdateKind.LEAVE_CHANNEL and chat_id is not None:
            await outbox.put(self._call(key, "leaveChat", chat_id=chat_id), now)
        elif info.action == UpdateKind.BLOCKED:
            await mark_blocked(session, outbox, key, now)
        elif info.action == UpdateKind.UNREADABLE:
            log.warning("telegram update %s set aside: the parser cannot read it (%s)", row.id, info.argument)

    async def _reporter(
        self, session: AsyncSession, outbox: Outbox, row: PendingUpdate, info: Interpretation, now: datetime
    ) -> None:
        assert info.chat_id is not None
        key = row.conversation_key
        priority = NORMAL
        if info.message_id is not None and info.callback_id is None:
            await self._remember_message(session, key, info.message_id, now)
        queued: list[Outgoing] = []
        if info.callback_id is not None:
            if not info.answered:
                queued.append(self._answer_callback(key, info.callback_id))
            if info.message_id is not None:
                queued.append(self._remove_keyboard(key, info.chat_id, info.message_id))
        events = list(info.events)
        if info.media is not None:
            attachment = await AttachmentStore(session, self.keyring).by_source(f"{CHANNEL}:{row.update_id}")
            media_event: ev.Event = (
                ev.Media(info.media.kind, attachment.ref) if attachment else ev.Unsupported(TOO_LARGE)
            )
            events.insert(0, media_event)
        for event in events:
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, str(info.chat_id), event))
            if handled.wiped:
                await outbox.put_many(queued, now)
                queued.clear()
                await self._wipe_chat(session, outbox, key, info.chat_id, now, handled.replies)
            if any(reply.urgent for reply in handled.replies):
                priority = URGENT  # danger: this and what follows in the chat go first
            for params in send_message_calls(info.chat_id, handled.replies):
                queued.append(Outgoing(CHANNEL, key, "sendMessage", params, priority=priority))
        await outbox.put_many(queued, now)

    async def _wipe_chat(
        self,
        session: AsyncSession,
        outbox: Outbox,
        key: str,
        chat_id: int,
        now: datetime,
        replies: list[Reply],
    ) -> None:
        """``/hapus``: delete what Telegram still allows (48 hours), say what could not be deleted;
        what was queued for the chat and not yet sent is not sent."""
        await outbox.drop_destination(key, now, "wiped", leased_too=False)
        rows = (
            await session.scalars(select(ChannelMessage).where(ChannelMessage.conversation_key == key))
        ).all()
        too_old = 0
        for message in rows:
            if now - message.at < DELETABLE_FOR:
                await outbox.put(
                    self._call(key, "deleteMessage", chat_id=chat_id, message_id=message.message_id), now
                )
            else:
                too_old += 1
        await session.execute(delete(ChannelMessage).where(ChannelMessage.conversation_key == key))
        if too_old:
            text = self.hotline.catalogues.text(self._locale(), N_("telegram.wipe_partial"), count=too_old)
            replies.insert(0, Reply(text))

    async def _remember_message(
        self, session: AsyncSession, key: str, message_id: int, now: datetime
    ) -> None:
        values = {"conversation_key": key, "message_id": message_id, "at": now}
        await insert_ignore(session, ChannelMessage, values, ["conversation_key", "message_id"])

    def _locale(self) -> str:
        return self.hotline.settings.deployment.hotline.default_locale

    @staticmethod
    def _call(destination: str, method: str, **params: Any) -> Outgoing:
        return Outgoing(CHANNEL, destination, method, params)

    def _answer_callback(self, destination: str, callback_id: str, text: str | None = None) -> Outgoing:
        """Always answered, so the reporter's button stops spinning (Bot API requirement)."""
        params: dict[str, Any] = {"callback_query_id": callback_id}
        if text:
            params["text"] = text
        return self._call(destination, "answerCallbackQuery", **params)

    def _remove_keyboard(self, destination: str, chat_id: int, message_id: int) -> Outgoing:
        return self._call(
            destination,
            "editMessageReplyMarkup",
            chat_id=chat_id,
            message_id=message_id,
            reply_markup={"inline_keyboard": []},
        )


async def mark_blocked(session: AsyncSession, outbox: Outbox, destination: str, now: datetime) -> None:
    """The reporter blocked the bot: stop delivery, and say so on their cases."""
    await outbox.drop_destination(destination, now, "blocked")
    addresses = (
        await session.scalars(
            select(DeliveryAddress).where(
                DeliveryAddress.conversation_key == destination,
                DeliveryAddress.channel == CHANNEL,
                DeliveryAddress.blocked_at.is_(None),
            )
        )
    ).all()
    reports = ReportStore(session, outbox.keyring, await unit_ids(session))
    for address in addresses:
        address.blocked_at = now
        report = await reports.get(address.report_id)
        if report is not None:
            await reports.add_event(report, CaseEventKind.REPORTER_BLOCKED, now, detail={"channel": CHANNEL})
    await session.flush()
