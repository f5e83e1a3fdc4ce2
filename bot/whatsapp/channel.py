"""The WhatsApp channel: inbox processing, outbox sending through the Graph API, media downloads.

Same guarantees as Telegram (inbox before 200, one conversation at a time, durable outbox, sent
once) plus WhatsApp's own rule: free-form messages only within 24 hours of the reporter's last
message. An officer's reply outside that window is held (and shown so on the case) until the
reporter writes again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from bot.inbox_worker import InboxWorker
from bot.runtime import Inbound
from bot.whatsapp import CHANNEL
from bot.whatsapp.render import payloads
from bot.whatsapp.updates import Incoming, MediaRef, Status, interpret
from bot.worker import drain_forever
from flows import inbound as ev
from flows.i18n import N_
from flows.outbound import Reply
from flows.vocabulary import OutboxPurpose
from storage.attachments import AttachmentStore
from storage.inbox import Inbox
from storage.models import Conversation, InboxUpdate, OutboxMessage, Report
from storage.outbox import Outbox, Outgoing

log = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = "outside_24h_window"
HOLD_UNTIL_WRITES = timedelta(days=3650)
OUTSIDE_WINDOW_ERROR = 131047


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC of the raw body>``, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256=") :], expected)


@dataclass(frozen=True)
class _Download:
    inbox_id: int
    wamid: str
    conversation_key: str
    media: MediaRef


class WhatsAppChannel(InboxWorker[Incoming, _Download]):
    channel = CHANNEL

    def __init__(self, hotline: Hotline):
        settings = hotline.settings
        assert settings.whatsapp_token is not None
        super().__init__(hotline)
        self.api = settings.whatsapp_api_url.rstrip("/")
        self.http = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {settings.whatsapp_token.get_secret_value()}"},
            timeout=settings.telegram_timeout,
        )
        self.backoff_base = settings.outbox_backoff_base
        self.lease = timedelta(seconds=settings.telegram_timeout + 5)
        self.max_bytes = int(settings.max_attachment_mb * 1024 * 1024)
        self.inbox_wake = asyncio.Event()
        self.outbox_wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def key(self, address: str) -> str:
        return self.keyring.pseudonym(CHANNEL, address)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(drain_forever("whatsapp inbox", self.run_once, self.inbox_wake)),
            asyncio.create_task(drain_forever("whatsapp outbox", self.send_once, self.outbox_wake)),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.http.aclose()

    # Recording.

    async def record(self, messages: list[dict[str, Any]], statuses: list[Status]) -> None:
        now = self.hotline.runtime.clock()
        async with self.hotline.sessions() as session, session.begin():
            inbox = Inbox(session, self.keyring)
            for message in messages:
                key = self.key(f"{message['phone_number_id']}:{message['from']}")
                await inbox.record(CHANNEL, str(message["id"]), key, message, now)
            for status in statuses:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.channel == CHANNEL, OutboxMessage.provider_id == status.wamid)
                    .values(delivery_state=status.status[:16])
                )
        self.inbox_wake.set()

    # Processing.

    def read(self, payload: Any) -> Incoming:
        return interpret(payload)

    async def needs_download(
        self, session: AsyncSession, row: InboxUpdate, item: Incoming
    ) -> _Download | None:
        if item.media is None or row.last_error == "too_large":
            return None
        if await AttachmentStore(session, self.keyring).by_source(f"{CHANNEL}:{row.update_id}"):
            return None
        return _Download(row.id, row.update_id, row.conversation_key, item.media)

    def handled(self) -> None:
        self.outbox_wake.set()

    async def download(self, job: _Download) -> None:
        """Media ids expire after a week: fetched as soon as the message is processed."""
        try:
            meta = (await self.http.get(f"{self.api}/{job.media.media_id}")).raise_for_status().json()
            size = int(meta.get("file_size") or 0)
            data = None
            if size <= self.max_bytes:
                data = (await self.http.get(meta["url"])).raise_for_status().content
                data = data if len(data) <= self.max_bytes else None
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            await self.failed(job.inbox_id, exc)
            return
        async with self.hotline.sessions() as session, session.begin():
            if data is None:
                row = await session.get(InboxUpdate, job.inbox_id)
                if row is not None:
                    row.last_error = "too_large"
                return
            await AttachmentStore(session, self.keyring).add(
                source_key=f"{CHANNEL}:{job.wamid}",
                conversation_key=job.conversation_key,
                kind=job.media.kind,
                mime=job.media.mime or "application/octet-stream",
                data=data,
                now=self.hotline.runtime.clock(),
            )

    async def handle(self, session: AsyncSession, row: InboxUpdate, incoming: Incoming) -> None:
        now = self.hotline.runtime.clock()
        key = row.conversation_key
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.destination == key, OutboxMessage.held_reason.is_not(None))
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
            .values(held_reason=None, not_before=now)
        )
        events = list(incoming.events)
        if incoming.media is not None:
            attachment = await AttachmentStore(session, self.keyring).by_source(f"{CHANNEL}:{row.update_id}")
            events.insert(
                0,
                ev.Media(incoming.media.kind, attachment.ref) if attachment else ev.Unsupported("too_large"),
            )
        outbox = Outbox(session, self.keyring)
        for event in events:
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, incoming.address, event))
            for message in self.render(incoming.address, handled.replies, locale=self._locale()):
                await outbox.put(message, now)

    def render(
        self,
        address: str,
        replies: list[Reply],
        *,
        locale: str,
        purpose: OutboxPurpose = OutboxPurpose.REPLY,
        report_id: int | None = None,
    ) -> list[Outgoing]:
        phone_id, _, to = address.partition(":")
        catalogues = self.hotline.catalogues
        choose = catalogues.text(locale, N_("whatsapp.choose"))
        button = catalogues.text(locale, N_("whatsapp.list_button"))
        return [
            Outgoing(
                CHANNEL,
                self.key(address),
                "messages",
                {"phone_number_id": phone_id, "payload": payload},
                report_id,
                purpose,
            )
            for reply in replies
            for payload in payloads(to, reply, choose=choose, list_button=button)
        ]

    def _locale(self) -> str:
        return self.hotline.settings.deployment.hotline.default_locale

    # Sending.

    async def send_once(self) -> bool:
        async with self.hotline.sessions() as session, session.begin():
            outbox = Outbox(session, self.keyring, self.backoff_base)
            now = self.hotline.runtime.clock()
            row = await outbox.claim(CHANNEL, now)
            if row is None:
                return False
            if row.purpose == OutboxPurpose.OFFICER_REPLY and not await self._window_open(
                session, row.destination, now
            ):
                await self._hold(session, outbox, row, now)
                return True
            row.not_before = now + self.lease
            message_id, params = row.id, outbox.params(row)
        try:
            response = await self.http.post(
                f"{self.api}/{params['phone_number_id']}/messages", json=params["payload"]
            )
        except httpx.HTTPError as exc:
            await self._settle(message_id, "retry", type(exc).__name__)
            return True
        if response.status_code == 200:
            wamid = ((response.json().get("messages") or [{}])[0]).get("id")
            await self._settle(message_id, "sent", provider_id=wamid)
        elif response.status_code == 429 or response.status_code >= 500:
            after = response.headers.get("Retry-After")
            delay = timedelta(seconds=int(after)) if after and after.isdigit() else None
            await self._settle(message_id, "retry", str(response.status_code), delay)
        elif _error_code(response) == OUTSIDE_WINDOW_ERROR:
            await self._settle(message_id, "hold", OUTSIDE_WINDOW)
        else:
            await self._settle(message_id, "dead", str(response.status_code))
        return True

    async def _hold(self, session: AsyncSession, outbox: Outbox, row: OutboxMessage, now: datetime) -> None:
        """Outside the window: hold the reply; with an approved template, tell the reporter once."""
        already_held = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.destination == row.destination, OutboxMessage.held_reason.is_not(None))
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
        )
        row.held_reason, row.not_before = OUTSIDE_WINDOW, now + HOLD_UNTIL_WRITES
        template = self.hotline.settings.whatsapp_reply_template
        if template and not already_held:
            params = outbox.params(row)
            report = await session.get(Report, row.report_id) if row.report_id else None
            payload = {
                "messaging_product": "whatsapp",
                "to": params["payload"]["to"],
                "type": "template",
                "template": {
                    "name": template,
                    "language": {"code": self.hotline.settings.whatsapp_template_language},
                    "components": [
                        {
                            "type": "body",
                            "parameters": [{"type": "text", "text": report.reference if report else "-"}],
                        }
                    ],
                },
            }
            notice = Outgoing(
                CHANNEL,
                row.destination,
                "messages",
                {"phone_number_id": params["phone_number_id"], "payload": payload},
                row.report_id,
                OutboxPurpose.WAITING_NOTICE,
            )
            await outbox.put(notice, now)

    async def _window_open(self, session: AsyncSession, destination: str, now: datetime) -> bool:
        last = await session.scalar(
            select(Conversation.last_inbound_at).where(Conversation.key == destination)
        )
        return last is not None and now - last < WINDOW

    async def _settle(
        self,
        message_id: int,
        outcome: str,
        error: str = "",
        after: timedelta | None = None,
        provider_id: str | None = None,
    ) -> None:
        async with self.hotline.sessions() as session, session.begin():
            row = await session.get(OutboxMessage, message_id)
            if row is None or row.sent_at is not None:
                return
            outbox = Outbox(session, self.keyring, self.backoff_base)
            now = self.hotline.runtime.clock()
            if outcome == "sent":
                outbox.sent(row, now)
                row.provider_id, row.delivery_state = provider_id, "sent"
            elif outcome == "retry":
                outbox.retry(row, now, error, after)
            elif outcome == "hold":
                row.held_reason, row.not_before = OUTSIDE_WINDOW, now + HOLD_UNTIL_WRITES
            else:
                outbox.dead(row, now, error)


def _error_code(response: httpx.Response) -> int | None:
    try:
        return int(response.json().get("error", {}).get("code"))
    except (ValueError, TypeError, AttributeError):
        return None
