"""Who is on duty: weekly shifts in the unit's own timezone (WIB, WITA, WIT), overnight shifts,
and dated exceptions (leave, unit holidays, extra shifts for swaps). Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"all": tuple(range(7)), "weekdays": tuple(range(5)), "weekend": (5, 6)}


class ChangeKind(StrEnum):
    """A dated exception to the weekly shifts."""

    LEAVE = "leave"
    """The officer is off that day."""
    HOLIDAY = "holiday"
    """The whole unit is off that day."""
    EXTRA = "extra"
    """The officer works that day, starts–ends (a swap is leave for one and extra for another)."""


class RosterError(ValueError):
    """A roster change that cannot be; the message tells the operator why."""


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


class ShiftHours(Protocol):
    @property
    def weekday(self) -> int: ...
    @property
    def starts(self) -> int: ...
    @property
    def ends(self) -> int: ...


@dataclass(frozen=True)
class WeeklyShift:
    officer_id: int
    weekday: int
    starts: int
    ends: int


@dataclass(frozen=True)
class DatedChange:
    officer_id: int | None
    day: date
    kind: ChangeKind
    starts: int | None = None
    ends: int | None = None


def _covers(starts: int, ends: int, minute: int, *, started_yesterday: bool) -> bool:
    overnight = ends <= starts
    if started_yesterday:
        return overnight and minute < ends
    return starts <= minute < ends if not overnight else minute >= starts


def on_duty(
    shifts: Iterable[WeeklyShift], changes: Iterable[DatedChange], zone: ZoneInfo, at: datetime
) -> set[int]:
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    today = local.date()
    yesterday = today - timedelta(days=1)
    changes = list(changes)
    holidays = {c.day for c in changes if c.kind == ChangeKind.HOLIDAY}
    leave = {(c.officer_id, c.day) for c in changes if c.kind == ChangeKind.LEAVE}

    def works(officer_id: int, day: date) -> bool:
        return day not in holidays and (officer_id, day) not in leave

    present: set[int] = set()
    for shift in shifts:
        for day, started_yesterday in ((today, False), (yesterday, True)):
            if (
                shift.weekday == day.weekday()
                and works(shift.officer_id, day)
                and _covers(shift.starts, shift.ends, minute, started_yesterday=started_yesterday)
            ):
                present.add(shift.officer_id)
    for change in changes:
        if (
            change.kind != ChangeKind.EXTRA
            or change.officer_id is None
            or change.starts is None
            or change.ends is None
        ):
            continue
        for day, started_yesterday in ((today, False), (yesterday, True)):
            if change.day == day and _covers(
                change.starts, change.ends, minute, started_yesterday=started_yesterday
            ):
                present.add(change.officer_id)
    return present


def least_loaded(candidates: Iterable[int], open_cases: dict[int, int]) -> int | None:
    """The on-duty officer with the fewest open cases; ties go to the lower id (stable)."""
    return min(candidates, key=lambda officer: (open_cases.get(officer, 0), officer), default=None)


def parse_minutes(text: str) -> int:
    """ "07:30" → 450; "24:00" is the end of the day."""
    hours, _, minutes = text.strip().partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= DAY_MINUTES:
        raise ValueError(f"not a time of day: {text!r}")
    return value


def format_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def describe(shift: ShiftHours) -> str:
    overnight = " (+1)" if shift.ends <= shift.starts else ""
    return (
        f"{DAY_NAMES[shift.weekday]} {format_minutes(shift.starts)}–{format_minutes(shift.ends)}{overnight}"
    )
