"""Changing the roster (console and ``hotline roster``): weekly shifts and dated exceptions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.roster import DAY_MINUTES, format_minutes, parse_minutes
from storage.models import Officer, RosterException, Shift

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"all": tuple(range(7)), "weekdays": tuple(range(5)), "weekend": (5, 6)}
KINDS = ("leave", "holiday", "extra")


class RosterError(ValueError):
    pass


def parse_days(text: str) -> tuple[int, ...]:
    text = text.strip().lower()
    if text in DAY_GROUPS:
        return DAY_GROUPS[text]
    try:
        return tuple(DAY_NAMES.index(part.strip()[:3]) for part in text.split(","))
    except ValueError:
        raise RosterError(f"days must be names like mon,tue or one of {', '.join(DAY_GROUPS)}") from None


def parse_span(starts: str, ends: str) -> tuple[int, int]:
    try:
        start, end = parse_minutes(starts), parse_minutes(ends)
    except ValueError as exc:
        raise RosterError(str(exc)) from None
    if start == DAY_MINUTES:
        raise RosterError("a shift cannot start at 24:00")
    return start, end


async def add_shifts(
    session: AsyncSession, officer: Officer, days: tuple[int, ...], starts: int, ends: int
) -> None:
    if officer.role not in ("officer", "supervisor"):
        raise RosterError("only officers and supervisors go on the roster")
    for weekday in days:
        session.add(Shift(officer_id=officer.id, weekday=weekday, starts=starts, ends=ends))
    await session.flush()


async def add_change(
    session: AsyncSession,
    unit_id: int,
    officer: Officer | None,
    day: str,
    kind: str,
    span: tuple[int, int] | None = None,
) -> None:
    if kind not in KINDS:
        raise RosterError(f"kind must be one of {', '.join(KINDS)}")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise RosterError("dates are YYYY-MM-DD") from None
    if (kind == "holiday") != (officer is None):
        raise RosterError("a holiday is for the whole unit; leave and extra shifts name an officer")
    if kind == "extra" and span is None:
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


def describe(shift: Shift) -> str:
    overnight = " (+1)" if shift.ends <= shift.starts else ""
    return (
        f"{DAY_NAMES[shift.weekday]} {format_minutes(shift.starts)}–{format_minutes(shift.ends)}{overnight}"
    )
