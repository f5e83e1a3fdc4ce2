"""``/metrics`` for Prometheus: the health of the promise that no report is lost or left waiting.

Every value is an aggregate count read from the database at scrape time (no identifiers, no
content), so several server processes report the same truth. Even counts are not for everyone (how
many urgent cases wait, per unit, tells an abuser whether anyone is watching tonight): the endpoint
answers only a scraper with ``Authorization: Bearer <HOTLINE_METRICS_TOKEN>``, and is off (404)
while no token is set.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from flows.vocabulary import CLOSED
from storage.models import Report, Unit
from storage.models_delivery import InboxUpdate, Job, OutboxMessage


def _refusal(request: Request, token: SecretStr | None) -> Response | None:
    if token is None:
        return Response("not found\n", status_code=404, media_type="text/plain")
    expected = f"Bearer {token.get_secret_value()}".encode()
    if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
        return Response(
            "unauthorised\n", status_code=401, media_type="text/plain", headers={"WWW-Authenticate": "Bearer"}
        )
    return None


if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry


class Metrics:
    """The ``/metrics`` endpoint over the given database and clock."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        token: SecretStr | None,
    ):
        self.sessions = sessions
        self.clock = clock
        self.token = token

    async def endpoint(self, request: Request) -> Response:
        refused = _refusal(request, self.token)
        if refused is not None:
            return refused
        from prometheus_client import generate_latest  # 0.2 s of imports, for the scraper only
        from prometheus_client.exposition import CONTENT_TYPE_LATEST

        return Response(
            generate_latest(await self.registry()),
            media_type=CONTENT_TYPE_LATEST,
            headers={"Cache-Control": "no-store"},
        )

    async def registry(self) -> CollectorRegistry:
        return await _collect(self.sessions, self.clock())


async def _collect(sessions: async_sessionmaker[AsyncSession], now: datetime) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry, Gauge

    registry = CollectorRegistry()
    open_cases = Gauge(
        "hotline_reports_open", "Open reports", ["unit", "urgency", "status"], registry=registry
    )
    unassigned = Gauge(
        "hotline_reports_unassigned", "Open reports with nobody assigned", ["unit"], registry=registry
    )
    inbox = Gauge(
        "hotline_inbox_pending", "Updates recorded, not yet processed", ["channel"], registry=registry
    )
    outbox = Gauge(
        "hotline_outbox_messages", "Messages to send, by state", ["channel", "state"], registry=registry
    )
    jobs = Gauge("hotline_jobs_overdue", "Scheduled jobs past due and not run", registry=registry)
    async with sessions() as session:
        units = {u.id: u.code for u in (await session.scalars(select(Unit))).all()}
        by_status = await session.execute(
            select(Report.unit_id, Report.urgency, Report.status, func.count())
            .where(Report.status.not_in(CLOSED))
            .group_by(Report.unit_id, Report.urgency, Report.status)
        )
        for unit_id, urgency, status, count in by_status:
            open_cases.labels(units.get(unit_id, "?"), urgency, status).set(count)
        by_unit = await session.execute(
            select(Report.unit_id, func.count())
            .where(Report.status.not_in(CLOSED), Report.assignee_id.is_(None))
            .group_by(Report.unit_id)
        )
        for unit_id, count in by_unit:
            unassigned.labels(units.get(unit_id, "?")).set(count)
        pending = await session.execute(
            select(InboxUpdate.channel, func.count())
            .where(InboxUpdate.processed_at.is_(None))
            .group_by(InboxUpdate.channel)
        )
        for channel, count in pending:
            inbox.labels(channel).set(count)
        states = await session.execute(
            select(
                OutboxMessage.channel,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.dead_at.is_(None),
                OutboxMessage.held_reason.is_(None),
                func.count(),
            ).group_by(
                OutboxMessage.channel,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.dead_at.is_(None),
                OutboxMessage.held_reason.is_(None),
            )
        )
        for channel, unsent, alive, not_held, count in states:
            label = "sent" if not unsent else ("dead" if not alive else ("pending" if not_held else "held"))
            outbox.labels(channel, label).inc(count)
        jobs.set(
            await session.scalar(
                select(func.count()).select_from(Job).where(Job.done_at.is_(None), Job.due_at < now)
            )
            or 0
        )
    return registry
