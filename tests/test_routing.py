"""Routing to the duty officer, with a controllable clock: roster rules (pure), assignment,
handover, the escalation chain, restarts and racing workers (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.hotline import Hotline
from bot.runtime import Inbound
from bot.scheduler import Scheduler
from flows import inbound as ev
from flows.roster import ChangeKind, DatedChange, WeeklyShift, least_loaded, on_duty, parse_days, parse_span
from flows.vocabulary import CaseEventKind, Channel, Status
from storage.models import AuditEntry, CaseEvent, Officer, Report, Unit
from storage.models_delivery import Job
from storage.officers import add_officer
from storage.roster import add_change, add_shifts
from tests.chat import STANDARD_PATH
from tests.conftest import FakeClock, make_settings

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


def at(zone: ZoneInfo, text: str) -> datetime:
    """A local wall-clock time ("2026-11-23 22:30", a Monday) as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


class TestRoster:
    night = WeeklyShift(officer_id=1, weekday=0, starts=22 * 60, ends=6 * 60)  # Monday 22:00 – Tuesday 06:00
    day = WeeklyShift(officer_id=2, weekday=1, starts=7 * 60, ends=15 * 60)  # Tuesday 07:00 – 15:00

    def test_a_shift_across_midnight(self) -> None:
        shifts = [self.night, self.day]
        assert on_duty(shifts, [], WIB, at(WIB, "2026-11-23 21:59")) == set()
        assert on_duty(shifts, [], WIB, at(WIB, "2026-11-23 22:00")) == {1}
        assert on_duty(shifts, [], WIB, at(WIB, "2026-11-24 05:59")) == {1}
        assert on_duty(shifts, [], WIB, at(WIB, "2026-11-24 06:00")) == set()
        assert on_duty(shifts, [], WIB, at(WIB, "2026-11-24 07:00")) == {2}

    def test_each_unit_in_its_own_timezone(self) -> None:
        instant = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # 07:30 WIB, 08:30 WITA, 09:30 WIT
        morning = [WeeklyShift(officer_id=5, weekday=1, starts=8 * 60, ends=16 * 60)]
        assert on_duty(morning, [], WIB, instant) == set()
        assert on_duty(morning, [], WITA, instant) == {5}
        assert on_duty(morning, [], WIT, instant) == {5}
        late = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 14:30 WIB, 15:30 WITA, 16:30 WIT
        assert on_duty(morning, [], WIB, late) == {5}
        assert on_duty(morning, [], WIT, late) == set()

    def test_leave_holiday_and_extra_shifts(self) -> None:
        tuesday = date(2026, 11, 24)
        moment = at(WIB, "2026-11-24 10:00")
        assert on_duty([self.day], [DatedChange(2, tuesday, ChangeKind.LEAVE)], WIB, moment) == set()
        assert on_duty([self.day], [DatedChange(None, tuesday, ChangeKind.HOLIDAY)], WIB, moment) == set()
        swap = [
            DatedChange(2, tuesday, ChangeKind.LEAVE),
            DatedChange(3, tuesday, ChangeKind.EXTRA, 7 * 60, 15 * 60),
        ]
        assert on_duty([self.day], swap, WIB, moment) == {3}
        monday_leave = [DatedChange(1, date(2026, 11, 23), ChangeKind.LEAVE)]
        assert on_duty([self.night], monday_leave, WIB, at(WIB, "2026-11-24 02:00")) == set(), (
            "leave on the day an overnight shift starts covers its morning too"
        )

    def test_least_loaded_then_lowest_id(self) -> None:
        assert least_loaded({3, 4, 5}, {3: 2, 4: 1, 5: 1}) == 4
        assert least_loaded(set(), {}) is None


class Spy:
    """An announcer that remembers what officers would have been told."""

    def __init__(self) -> None:
        self.told: list[tuple[int, tuple[str, ...], str]] = []

    async def announce(self, session, report, officers, kind, now) -> None:  # type: ignore[no-untyped-def]
        self.told.append((report.id, tuple(o.username for o in officers), kind))


async def staff(hotline: Hotline, clock: FakeClock) -> dict[str, Officer]:
    people = {}
    async with hotline.sessions() as session, session.begin():
        for username, role in (
            ("ani", "officer"),
            ("bayu", "officer"),
            ("citra", "officer"),
            ("sup", "supervisor"),
            ("adm", "admin"),
        ):
            people[username] = await add_officer(
                session, username, username.title(), "kota-pekalongan", role, "x" * 12
            )
        # Monday 23 Nov 2026: ani and bayu 07–15, citra 15–23 (every day).
        await add_shifts(session, people["ani"], parse_days("all"), *parse_span("07:00", "15:00"))
        await add_shifts(session, people["bayu"], parse_days("all"), *parse_span("07:00", "15:00"))
        await add_shifts(session, people["citra"], parse_days("all"), *parse_span("15:00", "23:00"))
    return people


async def file(hotline: Hotline, user: str, *, danger: str = "no") -> Report:
    path = [(s, ev.Choice(danger) if s == "danger" else e) for s, e in STANDARD_PATH]
    for _state, event in [*path, ("review", ev.Choice("submit"))]:
        await hotline.runtime.handle(Inbound(Channel.TERMINAL, user, event))
    async with hotline.sessions() as session:
        return (await session.scalars(select(Report).order_by(Report.id.desc()))).first()  # type: ignore[return-value]


async def assignees(hotline: Hotline) -> dict[str, int | None]:
    async with hotline.sessions() as session:
        return {r.reference: r.assignee_id for r in (await session.scalars(select(Report))).all()}


async def events(hotline: Hotline, kind: str) -> list[tuple[int, dict[str, Any]]]:
    async with hotline.sessions() as session:
        rows = (
            await session.scalars(select(CaseEvent).where(CaseEvent.kind == kind).order_by(CaseEvent.id))
        ).all()
        return [(e.report_id, e.detail or {}) for e in rows]


async def everyone(hotline: Hotline) -> list[Officer]:
    async with hotline.sessions() as session:
        return list((await session.scalars(select(Officer))).all())


async def drain(scheduler: Scheduler) -> None:
    busy = True
    while busy:
        busy = await scheduler.run_once()


@pytest.fixture
def morning(clock: FakeClock) -> FakeClock:
    clock.now = at(WIB, "2026-11-23 09:00").astimezone(UTC)
    return clock


async def test_reports_go_to_the_least_loaded_officer_on_duty(hotline: Hotline, morning: FakeClock) -> None:
    people = await staff(hotline, morning)
    spy = Spy()
    hotline.router.announcers.append(spy)
    first = await file(hotline, "r1")
    second = await file(hotline, "r2")
    third = await file(hotline, "r3")
    assert [first.assignee_id, second.assignee_id, third.assignee_id] == [
        people["ani"].id,
        people["bayu"].id,
        people["ani"].id,
    ]
    assert spy.told[0] == (first.id, ("ani",), "new")


async def test_with_nobody_on_duty_the_case_waits_unassigned_and_supervisors_hear(
    hotline: Hotline, morning: FakeClock
) -> None:
    await staff(hotline, morning)
    spy = Spy()
    hotline.router.announcers.append(spy)
    morning.now = at(WIB, "2026-11-24 03:00").astimezone(UTC)  # nobody works 23:00–07:00
    report = await file(hotline, "night-reporter")
    assert report.assignee_id is None
    assert spy.told == [(report.id, ("sup",), "unassigned")]
    assert (await events(hotline, "unassigned"))[0][0] == report.id


async def test_shift_end_hands_unacknowledged_cases_over(hotline: Hotline, morning: FakeClock) -> None:
    people = await staff(hotline, morning)
    morning.now = at(WIB, "2026-11-23 14:50").astimezone(UTC)
    report = await file(hotline, "late-afternoon")
    assert report.assignee_id == people["ani"].id
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    await scheduler.ensure_recurring()
    await drain(scheduler)
    assert (await assignees(hotline))[report.reference] == people["ani"].id, "still her shift"
    morning.advance(minutes=11)  # 15:01: ani and bayu are off, citra is on
    await drain(scheduler)
    assert (await assignees(hotline))[report.reference] == people["citra"].id
    handovers = [d for _, d in await events(hotline, "assigned") if d.get("by") == "handover"]
    assert handovers == [
        {"from": people["ani"].id, "to": people["citra"].id, "by": "handover", "told": [people["citra"].id]}
    ]


async def test_the_whole_escalation_chain(hotline: Hotline, morning: FakeClock) -> None:
    await staff(hotline, morning)
    spy = Spy()
    hotline.router.announcers.append(spy)
    report = await file(hotline, "danger-now", danger="yes")
    assert report.urgency == "urgent"
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    morning.advance(minutes=14)
    await drain(scheduler)
    assert await events(hotline, "escalated") == []
    morning.advance(minutes=2)
    await drain(scheduler)
    assert [(d["level"], d["to"]) for _, d in await events(hotline, "escalated")] == [(1, "supervisor")]
    morning.advance(minutes=16)
    await drain(scheduler)
    await drain(scheduler)
    people = {o.username: o.id for o in await everyone(hotline)}
    assert [d for _, d in await events(hotline, "escalated")] == [
        {"level": 1, "to": "supervisor", "told": [people["sup"]]},
        {"level": 2, "to": "admin", "told": [people["adm"]]},
    ], "each escalation names who was told"
    kinds = [(who, kind) for _, who, kind in spy.told]
    assert kinds[-2:] == [(("sup",), "escalated1"), (("adm",), "escalated2")]
    morning.advance(hours=2)
    await drain(scheduler)
    assert len(await events(hotline, "escalated")) == 2, "each level once"


async def test_acknowledging_in_time_stops_the_escalation(hotline: Hotline, morning: FakeClock) -> None:
    await staff(hotline, morning)
    report = await file(hotline, "danger-now", danger="yes")
    async with hotline.sessions() as session, session.begin():
        (await session.get(Report, report.id)).status = "diterima"  # type: ignore[union-attr]
    morning.advance(minutes=40)
    await drain(Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment))
    assert await events(hotline, "escalated") == []


async def test_a_restart_in_the_middle_of_a_pending_escalation_still_fires_once(
    hotline: Hotline, morning: FakeClock, database_url: str, tmp_path: Path
) -> None:
    await staff(hotline, morning)
    await file(hotline, "danger-now", danger="yes")
    await hotline.close()
    morning.advance(minutes=20)
    again = Hotline.build(make_settings(database_url, tmp_path), clock=morning)
    await again.start()
    try:
        scheduler = Scheduler(again.sessions, again.clock, again.router, again.deployment)
        await drain(scheduler)
        await drain(Scheduler(again.sessions, again.clock, again.router, again.deployment))
        assert [d["level"] for _, d in await events(again, "escalated")] == [1]
    finally:
        await again.close()


async def test_two_workers_race_over_reports_and_due_jobs(
    hotline: Hotline, morning: FakeClock, database_url: str, tmp_path: Path
) -> None:
    await staff(hotline, morning)
    other = Hotline.build(make_settings(database_url, tmp_path), clock=morning)
    await other.start()
    try:
        workers = [hotline, other]
        await asyncio.gather(*(file(workers[i % 2], f"r{i}", danger="yes") for i in range(6)))
        async with hotline.sessions() as session:
            reports = (await session.scalars(select(Report))).all()
            assert len(reports) == 6 and all(r.assignee_id is not None for r in reports)
            assigned = await session.scalar(
                select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "assigned")
            )
            assert assigned == 6, "every report assigned once"
        morning.advance(minutes=16)
        schedulers = [Scheduler(w.sessions, w.clock, w.router, w.deployment) for w in workers]
        await asyncio.gather(*(drain(s) for s in schedulers), *(drain(s) for s in schedulers))
        escalations = await events(hotline, "escalated")
        assert sorted(r for r, _ in escalations) == sorted(r.id for r in reports), "each once"
        async with hotline.sessions() as session:
            jobs = (await session.execute(select(Job.level, Job.runs).where(Job.kind == "escalate"))).all()
            assert sorted(jobs) == [(1, 1)] * 6 + [(2, 0)] * 6, "level 1 ran once each; level 2 waits"
    finally:
        await other.close()


async def test_roster_changes_are_validated(hotline: Hotline, morning: FakeClock) -> None:
    from flows.roster import RosterError

    people = await staff(hotline, morning)
    async with hotline.sessions() as session, session.begin():
        with pytest.raises(RosterError):
            await add_change(session, people["ani"].unit_id, None, "2026-12-25", ChangeKind.LEAVE)
        with pytest.raises(RosterError):
            await add_change(session, people["ani"].unit_id, people["ani"], "25-12-2026", ChangeKind.LEAVE)
        with pytest.raises(RosterError):
            parse_days("senin")
        with pytest.raises(RosterError):
            await add_change(session, people["ani"].unit_id, None, "2026-12-25", "libur")  # type: ignore[arg-type]
        await add_change(session, people["ani"].unit_id, None, "2026-11-23", ChangeKind.HOLIDAY)
    report = await file(hotline, "on-a-holiday")
    assert report.assignee_id is None
    async with hotline.sessions() as session:
        actions = (
            await session.scalars(select(AuditEntry.action).where(AuditEntry.report_id == report.id))
        ).all()
    assert "routed_nobody" in actions and "routed_roster" not in actions, "the audit trail says nobody got it"


async def test_closed_reports_lose_their_content_after_retention(
    hotline: Hotline, morning: FakeClock
) -> None:
    from storage.models import ReportContent
    from storage.reports import ReportStore
    from storage.units import unit_ids

    await staff(hotline, morning)
    report = await file(hotline, "old-case")
    async with hotline.sessions() as session, session.begin():
        store = ReportStore(session, hotline.settings.keyring, await unit_ids(session))
        row = await session.get(Report, report.id)
        assert row is not None
        await store.add_event(row, CaseEventKind.NOTE, morning(), text="catatan rahasia")
        row.status, row.closed_at = Status.RESOLVED, morning()
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    await scheduler.ensure_recurring()
    morning.advance(days=729)
    await drain(scheduler)
    async with hotline.sessions() as session:
        assert await session.get(ReportContent, report.id) is not None, "not yet"
    morning.advance(days=2)
    await drain(scheduler)
    async with hotline.sessions() as session:
        row = await session.get(Report, report.id)
        assert row is not None and row.content_purged_at is not None
        assert await session.get(ReportContent, report.id) is None
        texts = (
            await session.scalars(select(CaseEvent.sealed).where(CaseEvent.report_id == report.id))
        ).all()
        assert all(t is None for t in texts)
        assert (row.category, row.region_code, row.age_band) == ("fisik", "33.75.02", "6-12"), (
            "statistics remain"
        )


async def test_a_waiting_case_goes_to_the_officer_whose_shift_starts(
    hotline: Hotline, morning: FakeClock
) -> None:
    people = await staff(hotline, morning)
    morning.now = at(WIB, "2026-11-24 05:00").astimezone(UTC)  # nobody on duty 23:00–07:00
    urgent = await file(hotline, "night-danger", danger="yes")
    normal = await file(hotline, "night-normal")
    assert (urgent.assignee_id, normal.assignee_id) == (None, None)
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    await scheduler.ensure_recurring()
    await drain(scheduler)
    assert set((await assignees(hotline)).values()) == {None}, "still nobody on duty"
    morning.now = at(WIB, "2026-11-24 07:00").astimezone(UTC)  # ani and bayu start
    await drain(scheduler)
    now_with = await assignees(hotline)
    assert now_with[urgent.reference] == people["ani"].id, "the urgent one first, to the least loaded"
    assert now_with[normal.reference] == people["bayu"].id
    starts = [d for _, d in await events(hotline, "assigned") if d.get("by") == "shift_start"]
    assert len(starts) == 2


async def test_a_roster_change_that_puts_someone_on_duty_picks_up_waiting_cases(
    hotline: Hotline, morning: FakeClock
) -> None:
    people = await staff(hotline, morning)
    morning.now = at(WIB, "2026-11-24 03:00").astimezone(UTC)
    report = await file(hotline, "at-night")
    assert report.assignee_id is None
    async with hotline.sessions() as session, session.begin():
        await add_change(
            session, people["ani"].unit_id, people["citra"], "2026-11-24", ChangeKind.EXTRA, (0, 6 * 60)
        )
        unit = await session.get(Unit, people["ani"].unit_id)
        assert unit is not None
        assert await hotline.router.pick_up_waiting(session, unit, morning()) == 1
    assert (await assignees(hotline))[report.reference] == people["citra"].id
