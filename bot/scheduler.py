"""The durable schedule: due jobs claimed under a row lock, each run once, whatever the number of
worker processes (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers) and across
restarts (the schedule is in the database, not in memory)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.routing import Router
from bot.runtime import Clock
from bot.worker import drain_forever
from flows.deployment import Deployment
from storage.jobs import schedule
from storage.models_delivery import Job
from storage.retention import purge_closed

log = logging.getLogger(__name__)
Handler = Callable[[AsyncSession, Job, datetime], Awaitable[None]]
RECURRING = {"handover": timedelta(0), "retention": timedelta(0)}
RETENTION_EVERY = timedelta(hours=6)


class Scheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        router: Router,
        deployment: Deployment,
    ):
        self.sessions = sessions
        self.clock = clock
        self.handlers: dict[str, Handler] = {
            "escalate": router.escalate,
            "handover": router.handover,
            "retention": self.retention,
        }
        self.retention_period = timedelta(days=deployment.retention.closed_content_days)
        self.wake = asyncio.Event()

    async def ensure_recurring(self) -> None:
        now = self.clock()
        async with self.sessions() as session, session.begin():
            for kind, delay in RECURRING.items():
                await schedule(session, kind, kind, now + delay)

    async def run(self) -> None:
        await self.ensure_recurring()
        await drain_forever("scheduler", self.run_once, self.wake)

    async def run_once(self) -> bool:
        """Run the next due job; False when nothing is due."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            statement = (
                select(Job)
                .where(Job.done_at.is_(None), Job.due_at <= now)
                .order_by(Job.due_at, Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            job = await session.scalar(statement)
            if job is None:
                return False
            job.runs += 1
            job.done_at = now
            handler = self.handlers.get(job.kind)
            if handler is None:
                log.error("job %s of unknown kind %s dropped", job.id, job.kind)
                return True
            await handler(session, job, now)
        return True

    async def retention(self, session: AsyncSession, job: Job, now: datetime) -> None:
        purged = await purge_closed(session, self.retention_period, now)
        if purged:
            log.info("retention: content of %d closed reports purged", purged)
        job.due_at, job.done_at = now + RETENTION_EVERY, None
