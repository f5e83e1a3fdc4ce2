"""Routing and escalation: every report lands with someone on duty, and an urgent one cannot wait
unseen. Who is on duty is ``storage.duty`` (over the pure ``flows.roster``); every change to a case
is a lifecycle move (``storage.cases``), so the same rules and the same timeline apply as for a
person's move."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deployment import Deployment
from flows.lifecycle import Decision, Emission, Move
from flows.roster import least_loaded
from flows.sla import acknowledge_by
from flows.vocabulary import Announcement, Role, RouteReason, Status, Urgency
from storage.cases import SCHEDULER, Particulars, carry_out
from storage.crypto import Keyring
from storage.duty import duty_now, on_roster, open_cases, unit_officers
from storage.jobs import schedule
from storage.models import Officer, Report, Unit
from storage.models_delivery import Job
from storage.reports import ReportStore

HANDOVER_EVERY = timedelta(minutes=1)


class Announcer(Protocol):
    """Tells officers about a case (Telegram when linked, Web Push); never content."""

    async def announce(
        self,
        session: AsyncSession,
        report: Report,
        officers: Sequence[Officer],
        kind: Announcement,
        now: datetime,
    ) -> None: ...


class MessageAlert(Protocol):
    """Tells officers that a reporter wrote again on a case (Web Push); never the words."""

    async def message_arrived(
        self, session: AsyncSession, report: Report, officers: Sequence[Officer], now: datetime
    ) -> None: ...


class Router:
    """The runtime's notifier: assigns a new report, schedules its escalation, tells officers."""

    def __init__(
        self,
        deployment: Deployment,
        keyring: Keyring,
        announcers: Sequence[Announcer] = (),
        message_alerts: Sequence[MessageAlert] = (),
    ):
        self.deployment = deployment
        self.keyring = keyring
        self.announcers: list[Announcer] = list(announcers)
        self.message_alerts: list[MessageAlert] = list(message_alerts)

    async def reporter_wrote(
        self, session: AsyncSession, report: Report, decision: Decision, now: datetime
    ) -> None:
        """A reporter's new message: the assigned officer, or the supervisors when nobody is (and
        for a closed case, until its follow-up report is routed)."""
        if Emission.ANNOUNCE not in decision.emits and Emission.FOLLOW_UP not in decision.emits:
            return
        assignee = await session.get(Officer, report.assignee_id) if report.assignee_id else None
        if assignee is not None and assignee.active and Emission.FOLLOW_UP not in decision.emits:
            recipients = [assignee]
        else:
            recipients = await unit_officers(session, report.unit_id, (Role.SUPERVISOR,))
        for alert in self.message_alerts:
            await alert.message_arrived(session, report, recipients, now)

    async def report_filed(
        self, session: AsyncSession, report: Report, *, urgent_alert: bool, now: datetime
    ) -> None:
        if report.assignee_id is None and report.status == Status.NEW:
            await self.assign(session, report, now, exclude=None, reason=RouteReason.ROSTER)
        await schedule(
            session,
            f"escalate:{report.id}:1",
            "escalate",
            acknowledge_by(report, self.deployment),
            report_id=report.id,
            level=1,
        )

    async def assign(
        self,
        session: AsyncSession,
        report: Report,
        now: datetime,
        *,
        exclude: int | None,
        reason: RouteReason,
    ) -> Officer | None:
        unit = await session.get(Unit, report.unit_id)
        assert unit is not None
        present = await duty_now(session, unit, self.deployment, now) - {exclude}
        chosen_id = least_loaded(
            (officer for officer in present if officer is not None), await open_cases(session, unit.id)
        )
        chosen = await session.get(Officer, chosen_id) if chosen_id is not None else None
        recipients = [chosen] if chosen else await unit_officers(session, unit.id, (Role.SUPERVISOR,))
        told = {"told": [o.id for o in recipients]}
        given = Particulars(assignee_id=chosen_id, reason=reason, detail=told)
        decision = await carry_out(self._reports(session), report, SCHEDULER, Move.ASSIGN, now, given)
        if not decision.allowed:
            return None
        kind = Announcement.URGENT if report.urgency == Urgency.URGENT else Announcement.NEW
        if chosen is None:
            kind = Announcement.UNASSIGNED
        for announcer in self.announcers:
            await announcer.announce(session, report, recipients, kind, now)
        return chosen

    def _reports(self, session: AsyncSession) -> ReportStore:
        return ReportStore(session, self.keyring)

    # Background work (see bot.scheduler).

    async def escalate(self, session: AsyncSession, job: Job, now: datetime) -> None:
        """Not acknowledged in time: supervisors, then (urgent) the unit admin."""
        report = await session.get(Report, job.report_id) if job.report_id else None
        if report is None:
            return
        role = Role.SUPERVISOR if job.level == 1 else Role.ADMIN
        recipients = await unit_officers(session, report.unit_id, (role,))
        detail = {"level": job.level, "to": role.value, "told": [o.id for o in recipients]}
        given = Particulars(reason=RouteReason.SLA, detail=detail)
        decision = await carry_out(self._reports(session), report, SCHEDULER, Move.ESCALATE, now, given)
        if not decision.allowed:
            return
        for announcer in self.announcers:
            await announcer.announce(session, report, recipients, Announcement.escalated(job.level), now)
        if job.level == 1 and report.urgency == Urgency.URGENT:
            minutes = self.deployment.sla.acknowledge_minutes[Urgency.URGENT]
            await schedule(
                session,
                f"escalate:{report.id}:2",
                "escalate",
                now + timedelta(minutes=minutes),
                report_id=report.id,
                level=2,
            )

    async def pick_up_waiting(self, session: AsyncSession, unit: Unit, now: datetime) -> int:
        """Cases waiting unassigned go to whoever is on duty now (at a shift's start, or when a
        roster change puts someone on duty), most urgent and oldest first, least loaded each."""
        if not await duty_now(session, unit, self.deployment, now):
            return 0
        rank = case({u.value: u.rank for u in Urgency}, value=Report.urgency, else_=len(Urgency))
        waiting = (
            await session.scalars(
                select(Report)
                .where(Report.unit_id == unit.id, Report.status == Status.NEW, Report.assignee_id.is_(None))
                .order_by(rank, Report.created_at, Report.id)
            )
        ).all()
        for report in waiting:
            await self.assign(session, report, now, exclude=None, reason=RouteReason.SHIFT_START)
            await session.flush()  # the next one counts this one in the load
        return len(waiting)

    async def handover(self, session: AsyncSession, job: Job, now: datetime) -> None:
        """At a shift's end, its unacknowledged cases move to whoever is on duty now; at a shift's
        start, the cases waiting unassigned are picked up."""
        for unit in (await session.scalars(select(Unit))).all():
            await self.pick_up_waiting(session, unit, now)
            present = await duty_now(session, unit, self.deployment, now)
            waiting = (
                await session.scalars(
                    select(Report).where(
                        Report.unit_id == unit.id,
                        Report.status == Status.NEW,
                        Report.assignee_id.is_not(None),
                    )
                )
            ).all()
            for report in waiting:
                assignee = report.assignee_id
                if assignee not in present and await on_roster(session, assignee or 0):
                    await self.assign(session, report, now, exclude=assignee, reason=RouteReason.HANDOVER)
        job.due_at = now + HANDOVER_EVERY
        job.done_at = None
