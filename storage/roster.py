"""The roster in the database (console and ``hotline roster``): weekly shifts and dated exceptions,
checked by the pure rules of ``flows.roster`` before they are written."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.roster import ChangeKind, RosterError
from flows.vocabulary import ON_ROSTER
from storage.models import Officer, RosterException, Shift


async def add_shifts(
    session: AsyncSession, officer: Officer, days: tuple[int, ...], starts: int, ends: int
) -> None:
    if officer.role not in ON_ROSTER:
        raise RosterError("only officers and supervisors go on the roster")
    for weekday in days:
        session.add(Shift(officer_id=officer.id, weekday=weekday, starts=starts, ends=ends))
    await session.flush()


async def add_change(
    session: AsyncSession,
    unit_id: int,
    officer: Officer | None,
    day: str,
    kind: ChangeKind,
    span: tuple[int, int] | None = None,
) -> None:
    try:
        kind = ChangeKind(kind)
    except ValueError:
        raise RosterError(f"kind must be one of {', '.join(ChangeKind)}") from None
    try:
        date.fromisoformat(day)
    except ValueError:
        raise RosterError("dates are YYYY-MM-DD") from None
    if (kind is ChangeKind.HOLIDAY) != (officer is None):
        raise RosterError("a holiday is for the whole unit; leave and extra shifts name an officer")
    if kind is ChangeKind.EXTRA and span is None:
        raise RosterError("an extra shift needs its hours")
    starts, ends = span if span else (None, None)
    session.add(
        RosterException(
            unit_id=unit_id,
            officer_id=officer.id if officer else None,
            day=day,
            kind=kind,
            starts=starts,
            ends=ends,
        )
    )
    await session.flush()


async def clear_shifts(session: AsyncSession, officer: Officer) -> None:
    await session.execute(delete(Shift).where(Shift.officer_id == officer.id))


async def weekly(session: AsyncSession, unit_id: int) -> list[tuple[Officer, Shift]]:
    statement = (
        select(Officer, Shift)
        .join(Shift, Shift.officer_id == Officer.id)
        .where(Officer.unit_id == unit_id)
        .order_by(Shift.weekday, Shift.starts, Officer.display_name)
    )
    return [(o, s) for o, s in (await session.execute(statement)).all()]


async def changes(session: AsyncSession, unit_id: int) -> list[RosterException]:
    statement = (
        select(RosterException).where(RosterException.unit_id == unit_id).order_by(RosterException.day)
    )
    return list((await session.scalars(statement)).all())
