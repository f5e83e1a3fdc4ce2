"""The assembled service: settings, database, catalogues, flow and runtime, built once.

Every entry point (``serve``, ``chat``, the CLI's operator commands, tests) builds a ``Hotline`` and
calls ``start()``, so the database is always migrated and the units synced before use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.catalogue_files import load_catalogues
from bot.lexicon_files import reading_for
from bot.push import PushAlerts
from bot.routing import Announcer, Router
from bot.runtime import Clock, Runtime, utc_now
from bot.settings import Settings
from flows.complaint import ComplaintFlow
from flows.deployment import Deployment
from flows.i18n import Catalogues
from storage.crypto import Keyring
from storage.database import create_engine, create_read_engine, session_factory
from storage.key_rotation import pin_lookup_keys
from storage.migrate import upgrade
from storage.units import sync_units

if TYPE_CHECKING:
    from bot.telegram.officers import OfficerDesk


@dataclass
class Hotline:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalogues: Catalogues
    flow: ComplaintFlow
    runtime: Runtime
    router: Router
    clock: Clock
    keyring: Keyring
    deployment: Deployment
    read_engine: AsyncEngine
    reads: async_sessionmaker[AsyncSession]
    """Sessions for read-only work: they never wait for SQLite's writer (see storage/database.py)."""
    officer_desk: OfficerDesk | None = None
    """Officers on Telegram (announcements, the Terima button), when a bot token is set."""

    @classmethod
    def build(cls, settings: Settings | None = None, clock: Clock = utc_now) -> Hotline:
        settings = settings or Settings()
        deployment = settings.deployment
        engine = create_engine(settings.database_url)
        sessions = session_factory(engine)
        catalogues = load_catalogues()
        flow = ComplaintFlow(deployment, catalogues, reading_for(deployment))
        keyring = settings.keyring
        push = PushAlerts(deployment, catalogues, keyring)
        announcers: list[Announcer] = [push]
        desk = None
        if settings.telegram_token is not None:
            from bot.telegram.officers import OfficerDesk

            desk = OfficerDesk(settings, catalogues)
            announcers.append(desk)
        router = Router(deployment, keyring, announcers, message_alerts=[push])
        read_engine = create_read_engine(settings.database_url, engine)
        reads = session_factory(read_engine)
        runtime = Runtime(sessions, flow, keyring, clock, notifiers=[router], reads=reads)
        return cls(
            settings,
            engine,
            sessions,
            catalogues,
            flow,
            runtime,
            router,
            clock,
            keyring,
            deployment,
            read_engine,
            reads,
            desk,
        )

    async def start(self) -> None:
        await upgrade(self.engine)
        async with self.sessions() as session, session.begin():
            await sync_units(session, self.deployment)
            await pin_lookup_keys(session, self.keyring, self.clock())

    async def close(self) -> None:
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
        await self.engine.dispose()
