"""The WhatsApp channel assembled: Graph API client, inbox processor, outbox sender, and the
recording of what the webhook brings (messages into the inbox, delivery statuses onto the outbox).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.group_commit import GroupCommit
from bot.hotline import Hotline
from bot.spread_transport import SpreadTransport
from bot.whatsapp import CHANNEL
from bot.whatsapp.processor import WhatsAppProcessor
from bot.whatsapp.render import Renderer
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.updates import Status
from bot.worker import cancelled
from storage.models_delivery import OutboxMessage

CONNECTIONS = 64
"""Sends to different numbers run in parallel; each needs its own connection."""


class WhatsAppService:
    def __init__(self, hotline: Hotline):
        settings = hotline.settings
        assert settings.whatsapp_token is not None
        self.hotline = hotline
        self.http = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {settings.whatsapp_token.get_secret_value()}"},
            timeout=settings.telegram_timeout,
            transport=SpreadTransport(CONNECTIONS),
        )
        self.renderer = Renderer(hotline.catalogues)
        self.processor = WhatsAppProcessor(hotline, self.http, self.renderer)
        self.sender = WhatsAppSender(hotline, self.http)
        self.statuses: GroupCommit[Status, None] = GroupCommit(hotline.sessions, _write_statuses)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.processor.run(), name="whatsapp-inbox"),
            asyncio.create_task(self.sender.run(), name="whatsapp-outbox"),
        ]

    async def stop(self) -> None:
        await cancelled(self._tasks)
        await self.processor.stop()
        await self.sender.stop()
        await self.http.aclose()

    async def record(self, messages: list[dict[str, object]], statuses: list[Status]) -> None:
        """Everything in one webhook call, durably, before it is answered."""
        await asyncio.gather(
            *(self.processor.record(message) for message in messages),
            *(self.statuses.submit(status) for status in statuses),
        )


async def _write_statuses(session: AsyncSession, statuses: Sequence[Status]) -> list[None]:
    for status in statuses:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.channel == CHANNEL, OutboxMessage.provider_id == status.wamid)
            .values(delivery_state=status.status[:16])
        )
    return [None] * len(statuses)
