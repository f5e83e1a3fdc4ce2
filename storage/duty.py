"""Who is there to take a case: a unit's staff by role, who is on duty now (the pure roster rules
of ``flows.roster`` over the unit's shifts and exceptions), and how many open cases each holds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deployment import Deployment
from flows.roster import ChangeKind, DatedChange, WeeklyShift, on_duty
from flows.vocabulary import CLOSED, ON_ROSTER, Role
from storage.models import Officer, Report, RosterException, Shift, Unit


async def unit_officers(session: AsyncSession, unit_id: int, roles: tuple[Role, ...]) -> list[Officer]:
    statement = (
        select(Officer)
        .where(Officer.unit_id == unit_id, Officer.active.is_(True), Officer.role.in_(roles))
        .order_by(Officer.id)
    )
    return list((await session.scalars(statement)).all())


async def duty_now(session: AsyncSession, unit: Unit, deployment: Deployment, now: datetime) -> set[int]:
    """Ids of the unit's active officers on duty at ``now``, in the unit's timezone."""
    members = {o.id for o in await unit_officers(session, unit.id, ON_ROSTER)}
    shifts = (await session.scalars(select(Shift).where(Shift.officer_id.in_(members)))).all()
    changes = (await session.scalars(select(RosterException).where(RosterException.unit_id == unit.id))).all()
    zone = next(u for u in deployment.units if u.code == unit.code).zone
    return (
        on_duty(
            [WeeklyShift(s.officer_id, s.weekday, s.starts, s.ends) for s in shifts],
            [
                DatedChange(c.officer_id, date.fromisoformat(c.day), ChangeKind(c.kind), c.starts, c.ends)
                for c in changes
            ],
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
    return {officer: count for officer, count in (await session.execute(statement)).all() if officer}


async def on_roster(session: AsyncSession, officer_id: int) -> bool:
    return bool(
        await session.scalar(select(func.count()).select_from(Shift).where(Shift.officer_id == officer_id))
    )
