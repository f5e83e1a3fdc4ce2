"""Routing and escalation: every report lands with someone on duty, and an urgent one cannot wait
unseen. The rules are pure (``admin.roster``); this module reads the roster and writes the case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.roster import DatedChange, WeeklyShift, least_loaded, on_duty
from admin.sla import CLOSED
from flows.deployment import Deployment
from storage import audit
from storage.models import CaseEvent, Job, Officer, Report, RosterException, Shift, Unit
from storage.upsert import insert_ignore

HANDOVER_EVERY = timedelta(minutes=1)


class Announcer(Protocol):
    """Tells officers about a case (Telegram when linked, Web Push); never content."""

    async def announce(
        self, session: AsyncSession, report: Report, officers: Sequence[Officer], kind: str, now: datetime
    ) -> None: ...


class MessageAlert(Protocol):
    """Tells officers that a reporter wrote again on a case (Web Push); never the words."""

    async def message_arrived(
        self, session: AsyncSession, report: Report, officers: Sequence[Officer], now: datetime
    ) -> None: ...


async def unit_officers(session: AsyncSession, unit_id: int, roles: tuple[str, ...]) -> list[Officer]:
    statement = (
        select(Officer)
        .where(Officer.unit_id == unit_id, Officer.active.is_(True), Officer.role.in_(roles))
        .order_by(Officer.id)
    )
    return list((await session.scalars(statement)).all())


async def duty_now(session: AsyncSession, unit: Unit, deployment: Deployment, now: datetime) -> set[int]:
    """Ids of the unit's active officers on duty at ``now``, in the unit's timezone."""
    members = {o.id for o in await unit_officers(session, unit.id, ("officer", "supervisor"))}
    shifts = (await session.scalars(select(Shift).where(Shift.officer_id.in_(members)))).all()
    changes = (await session.scalars(select(RosterException).where(RosterException.unit_id == unit.id))).all()
    zone = next(u for u in deployment.units if u.code == unit.code).zone
    return (
        on_duty(
            [WeeklyShift(s.officer_id, s.weekday, s.starts, s.ends) for s in shifts],
            [DatedChange(c.officer_id, date.fromisoformat(c.day), c.kind, c.starts, c.ends) for c in changes],
            zone,
            now,
        )
        & members
    )


async def open_cases(session: AsyncSession, unit_id: int) -> dict[int, int]:
    statement = (
        select(Report.assignee_id, func.count())
        .where(Report.unit_id == unit_id, Report.status.not_in(CLOSED), Report.assignee_id.is_not(None))
        .group_by(Report.assignee_id)
    )
    return {officer: count for officer, count in (await session.execute(statement)).all()}


async def on_roster(session: AsyncSession, officer_id: int) -> bool:
    return bool(
        await session.scalar(select(func.count()).select_from(Shift).where(Shift.officer_id == officer_id))
    )


class Router:
    """The runtime's first notifier: assigns a new report, schedules its escalation, announces it."""

    def __init__(self, deployment: Deployment, announcers: list[Announcer] | None = None):
        self.deployment = deployment
        self.announcers: list[Announcer] = list(announcers or [])
        self.message_alerts: list[MessageAlert] = []

    async def reporter_wrote(self, session: AsyncSession, report: Report, now: datetime) -> None:
        """A reporter's new message: the assigned officer, or the supervisors when nobody is."""
        if report.status in CLOSED:
            return
        assignee = await session.get(Officer, report.assignee_id) if report.assignee_id else None
        if assignee is not None and assignee.active:
            recipients = [assignee]
        else:
            recipients = await unit_officers(session, report.unit_id, ("supervisor",))
        for alert in self.message_alerts:
            await alert.message_arrived(session, report, recipients, now)

    async def report_filed(
        self, session: AsyncSession, report: Report, *, urgent_alert: bool, now: datetime
    ) -> None:
        if report.assignee_id is None and report.status == "baru":
            await self.assign(session, report, now, exclude=None, reason="roster")
        minutes = self.deployment.sla.acknowledge_minutes[report.urgency]  # type: ignore[index]
        await schedule(
            session,
            f"escalate:{report.id}:1",
            "escalate",
            report.created_at + timedelta(minutes=minutes),
            report_id=report.id,
            level=1,
        )

    async def assign(
        self, session: AsyncSession, report: Report, now: datetime, *, exclude: int | None, reason: str
    ) -> Officer | None:
        unit = await session.get(Unit, report.unit_id)
        assert unit is not None
        present = await duty_now(session, unit, self.deployment, now) - {exclude}
        chosen_id = least_loaded(present, await open_cases(session, unit.id))
        old = report.assignee_id
        report.assignee_id = chosen_id
        chosen = await session.get(Officer, chosen_id) if chosen_id is not None else None
        detail = {"from": old, "to": chosen_id, "by": reason}
        session.add(
            CaseEvent(report_id=report.id, at=now, kind="assigned" if chosen else "unassigned", detail=detail)
        )
        await audit.record(
            session,
            action=f"routed_{reason}",
            actor="system",
            report_id=report.id,
            now=now,
            detail={"to": chosen_id},
        )
        recipients = [chosen] if chosen else await unit_officers(session, unit.id, ("supervisor",))
        kind = "urgent" if report.urgency == "urgent" else "new"
        if chosen is None:
            kind = "unassigned"
        for announcer in self.announcers:
            await announcer.announce(session, report, recipients, kind, now)
        return chosen

    # Background work (see bot.scheduler).

    async def escalate(self, session: AsyncSession, job: Job, now: datetime) -> None:
        """Not acknowledged in time: supervisors, then (urgent) the unit admin."""
        report = await session.get(Report, job.report_id)
        if report is None or report.status != "baru":
            return
        roles = ("supervisor",) if job.level == 1 else ("admin",)
        recipients = await unit_officers(session, report.unit_id, roles)
        session.add(
            CaseEvent(
                report_id=report.id, at=now, kind="escalated", detail={"level": job.level, "to": roles[0]}
            )
        )
        await audit.record(
            session,
            action="escalated",
            actor="system",
            report_id=report.id,
            now=now,
            detail={"level": job.level},
        )
        for announcer in self.announcers:
            await announcer.announce(session, report, recipients, f"escalated{job.level}", now)
        if job.level == 1 and report.urgency == "urgent":
            minutes = self.deployment.sla.acknowledge_minutes["urgent"]
            await schedule(
                session,
                f"escalate:{report.id}:2",
                "escalate",
                now + timedelta(minutes=minutes),
                report_id=report.id,
                level=2,
            )

    async def handover(self, session: AsyncSession, job: Job, now: datetime) -> None:
        """At a shift's end, its unacknowledged cases move to whoever is on duty now."""
        for unit in (await session.scalars(select(Unit))).all():
            present = await duty_now(session, unit, self.deployment, now)
            waiting = (
                await session.scalars(
                    select(Report).where(
                        Report.unit_id == unit.id, Report.status == "baru", Report.assignee_id.is_not(None)
                    )
                )
            ).all()
            for report in waiting:
                assignee = report.assignee_id
                if assignee not in present and await on_roster(session, assignee or 0):
                    await self.assign(session, report, now, exclude=assignee, reason="handover")
        job.due_at = now + HANDOVER_EVERY
        job.done_at = None


async def schedule(
    session: AsyncSession,
    key: str,
    kind: str,
    due_at: datetime,
    *,
    report_id: int | None = None,
    level: int = 0,
) -> None:
    """Create a job once (its key is unique), whichever worker gets there first."""
    values = {"key": key, "kind": kind, "report_id": report_id, "level": level, "due_at": due_at, "runs": 0}
    await insert_ignore(session, Job, values, ["key"])
