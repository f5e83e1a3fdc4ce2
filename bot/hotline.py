"""The assembled service: settings, database, catalogues, flow and runtime, built once.

Every entry point (``serve``, ``chat``, the CLI's operator commands, tests) builds a ``Hotline`` and
calls ``start()``, so the database is always migrated and the units synced before use.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin.routing import Router
from bot.push import PushAlerts
from bot.runtime import Clock, Runtime, utc_now
from bot.settings import Settings
from flows.complaint import ComplaintFlow
from flows.i18n import Catalogues
from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.units import sync_units


@dataclass
class Hotline:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalogues: Catalogues
    flow: ComplaintFlow
    runtime: Runtime
    router: Router

    @classmethod
    def build(cls, settings: Settings | None = None, clock: Clock = utc_now) -> Hotline:
        settings = settings or Settings()
        deployment = settings.deployment
        engine = create_engine(settings.database_url)
        sessions = session_factory(engine)
        catalogues = Catalogues()
        flow = ComplaintFlow(deployment, catalogues)
        router = Router(deployment)
        push = PushAlerts(deployment, catalogues, settings.keyring)
        router.announcers.append(push)
        router.message_alerts.append(push)
        runtime = Runtime(sessions, flow, settings.keyring, clock, notifiers=[router])
        return cls(settings, engine, sessions, catalogues, flow, runtime, router)

    async def start(self) -> None:
        await upgrade(self.engine)
        async with self.sessions() as session, session.begin():
            await sync_units(session, self.settings.deployment)

    async def close(self) -> None:
        await self.engine.dispose()
