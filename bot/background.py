"""The work that runs beside the web pages, assembled once for ``hotline serve`` and ``hotline
telegram-poll``: the idle-draft sweeper, the durable scheduler (escalation, shift handover,
retention), the Web Push sender, and the messenger channels that are configured (their inbox
processors and outbox senders).

Each piece is idempotent and claims its work in the database, so several processes may run this
at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.hotline import Hotline
from bot.push_sender import PushSender
from bot.runtime import idle_sweep_interval
from bot.scheduler import Scheduler
from bot.worker import cancelled
from storage import attempts

if TYPE_CHECKING:
    from bot.telegram.service import TelegramService
    from bot.whatsapp.service import WhatsAppService

log = logging.getLogger(__name__)


class Channel(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


async def sweep_idle_drafts(
    expire_idle: Callable[[], Awaitable[int]],
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    interval: timedelta,
) -> None:
    """Idle drafts are given up (urgent ones filed) even if their reporter never writes again, and
    attempt counters whose window is over are deleted."""
    while True:
        try:
            expired = await expire_idle()
            if expired:
                log.info("expired %d idle conversations", expired)
            async with sessions() as session, session.begin():
                await attempts.prune(session, clock())
        except Exception:
            log.exception("idle draft sweep failed; retrying next round")
        await asyncio.sleep(interval.total_seconds())


class Background:
    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.telegram: TelegramService | None = None
        self.whatsapp: WhatsAppService | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._channels: list[Channel] = []
        self._push = PushSender(hotline)

    async def start(self) -> None:
        hotline = self.hotline
        sweeper = sweep_idle_drafts(
            hotline.runtime.expire_idle, hotline.sessions, hotline.clock, idle_sweep_interval(hotline.flow)
        )
        scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
        self._tasks = [
            asyncio.create_task(sweeper, name="idle-sweeper"),
            asyncio.create_task(scheduler.run(), name="scheduler"),
            asyncio.create_task(self._push.run(), name="push-outbox"),
        ]
        settings = hotline.settings
        if settings.telegram_token is not None:
            from bot.telegram.service import TelegramService

            self.telegram = TelegramService(hotline)
            self._channels.append(self.telegram)
        if settings.whatsapp_token is not None and settings.whatsapp_app_secret is not None:
            from bot.whatsapp.service import WhatsAppService

            self.whatsapp = WhatsAppService(hotline)
            self._channels.append(self.whatsapp)
        for channel in self._channels:
            await channel.start()

    async def stop(self) -> None:
        await cancelled(self._tasks)
        await self._push.stop()
        for channel in reversed(self._channels):
            await channel.stop()
        self._tasks, self._channels = [], []
