"""Working through the WhatsApp inbox (on the shared ``InboxWorker``): each message becomes flow
events, the replies are rendered for WhatsApp into the outbox, media are fetched between
transactions (their ids expire after a week), and a reporter writing opens the 24-hour window, so
replies held outside it go out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from bot.inbox_worker import InboxWorker
from bot.runtime import Inbound
from bot.whatsapp import CHANNEL
from bot.whatsapp.render import Renderer
from bot.whatsapp.updates import Incoming, MediaRef, interpret
from flows import inbound as ev
from storage.attachments import AttachmentStore
from storage.inbox import PendingUpdate
from storage.models_delivery import InboxUpdate, OutboxMessage
from storage.outbox import Outbox

log = logging.getLogger(__name__)
TOO_LARGE = "too_large"


@dataclass(frozen=True)
class _Download:
    inbox_id: int
    wamid: str
    conversation_key: str
    media: MediaRef


class WhatsAppProcessor(InboxWorker[Incoming, _Download]):
    channel = CHANNEL

    def __init__(self, hotline: Hotline, http: httpx.AsyncClient, renderer: Renderer):
        super().__init__(hotline)
        self.http = http
        self.renderer = renderer
        self.api = hotline.settings.whatsapp_api_url.rstrip("/")
        self.max_bytes = int(hotline.settings.max_attachment_mb * 1024 * 1024)

    def key(self, address: str) -> str:
        return self.keyring.pseudonym(CHANNEL, address)

    async def record(self, message: dict[str, Any]) -> bool:
        item = interpret(message)
        return await self.record_update(str(message["id"]), self.key(item.address), message, item)

    def read(self, payload: Any) -> Incoming:
        return interpret(payload)

    async def prepare(self, item: Incoming) -> None:
        for event in item.events:
            await self.hotline.runtime.prepare(event)

    async def needs_download(
        self, session: AsyncSession, row: PendingUpdate, item: Incoming
    ) -> _Download | None:
        if item.media is None or row.last_error == TOO_LARGE:
            return None
        if await AttachmentStore(session, self.keyring).by_source(f"{CHANNEL}:{row.update_id}"):
            return None
        return _Download(row.id, row.update_id, row.conversation_key, item.media)

    async def download(self, job: _Download) -> None:
        try:
            meta = (await self.http.get(f"{self.api}/{job.media.media_id}")).raise_for_status().json()
            data = None
            if int(meta.get("file_size") or 0) <= self.max_bytes:
                data = (await self.http.get(meta["url"])).raise_for_status().content
                data = data if len(data) <= self.max_bytes else None
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            await self.failed(job.inbox_id, exc)
            return
        async with self.hotline.sessions() as session, session.begin():
            if data is None:
                row = await session.get(InboxUpdate, job.inbox_id)
                if row is not None:
                    row.last_error = TOO_LARGE
                return
            await AttachmentStore(session, self.keyring).add(
                source_key=f"{CHANNEL}:{job.wamid}",
                conversation_key=job.conversation_key,
                kind=job.media.kind,
                mime=job.media.mime or "application/octet-stream",
                data=data,
                now=self.hotline.runtime.clock(),
            )

    async def handle(self, session: AsyncSession, row: PendingUpdate, incoming: Incoming) -> None:
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
                0, ev.Media(incoming.media.kind, attachment.ref) if attachment else ev.Unsupported(TOO_LARGE)
            )
        outbox = Outbox(session, self.keyring)
        locale = self.hotline.settings.deployment.hotline.default_locale
        for event in events:
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, incoming.address, event))
            for message in self.renderer.replies(key, incoming.address, handled.replies, locale):
                await outbox.put(message, now)
