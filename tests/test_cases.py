"""Lifecycle moves carried out on real databases (SQLite and PostgreSQL): the same rule whatever
the door, the timeline written once through the report store, and the reply address erased."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.hotline import Hotline
from flows import inbound as ev
from flows.lifecycle import Move
from flows.vocabulary import AuditAction, Door, Role, Status
from storage import audit
from storage.cases import Actor, Particulars, acknowledge, carry_out
from storage.models import AuditEntry, CaseEvent, DeliveryAddress, Officer, Report
from storage.officers import add_officer
from storage.reports import ReportStore
from tests.conftest import FakeClock
from tests.test_runtime import file_report, say


async def staff(hotline: Hotline) -> dict[str, Officer]:
    async with hotline.sessions() as session, session.begin():
        return {
            name: await add_officer(session, name, name.title(), "kota-pekalongan", role, "x" * 12)
            for name, role in (("ani", Role.OFFICER), ("bayu", Role.OFFICER), ("sari", Role.SUPERVISOR))
        }


async def the_report(hotline: Hotline) -> Report:
    async with hotline.sessions() as session:
        return (await session.scalars(select(Report))).one()


async def addresses(hotline: Hotline) -> int:
    async with hotline.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryAddress)) or 0)


async def move(
    hotline: Hotline, officer: Officer, what: Move, particulars: Particulars | None = None
) -> bool:
    async with hotline.sessions() as session, session.begin():
        report = (await session.scalars(select(Report))).one()
        actor = Actor.officer_on(officer, report, Door.CONSOLE)
        reports = ReportStore(session, hotline.settings.keyring)
        return (await carry_out(reports, report, actor, what, hotline.runtime.clock(), particulars)).allowed


async def test_taking_a_case_assigns_it_and_writes_one_timeline_entry(
    hotline: Hotline, clock: FakeClock
) -> None:
    people = await staff(hotline)
    await file_report(hotline)
    clock.advance(minutes=5)
    async with hotline.sessions() as session, session.begin():
        report = (await session.scalars(select(Report))).one()
        result = await acknowledge(
            session,
            ReportStore(session, hotline.settings.keyring),
            report,
            people["ani"],
            clock(),
            Door.CONSOLE,
        )
    assert (result.outcome, result.by) == ("acknowledged", "Ani")
    report = await the_report(hotline)
    assert (report.status, report.assignee_id) == (Status.ACCEPTED, people["ani"].id)
    assert report.acknowledged_at == clock() == report.last_activity_at, "the retention clock follows"
    async with hotline.sessions() as session:
        [entry] = (await session.scalars(select(CaseEvent).where(CaseEvent.kind == "status"))).all()
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert entry.detail == {"from": "baru", "to": "diterima"} and entry.officer_id == people["ani"].id
    assert "acknowledge" in actions

    async with hotline.sessions() as session, session.begin():
        report = (await session.scalars(select(Report))).one()
        again = await acknowledge(
            session,
            ReportStore(session, hotline.settings.keyring),
            report,
            people["bayu"],
            clock(),
            Door.CONSOLE,
        )
    assert (again.outcome, again.by) == ("refused", None), "bayu may not touch ani's case"


async def test_closing_as_invalid_waits_until_the_closer_has_read_the_report(hotline: Hotline) -> None:
    people = await staff(hotline)
    await file_report(hotline)
    assert await addresses(hotline) == 1
    assert not await move(hotline, people["sari"], Move.INVALIDATE, Particulars(outcome="spam"))
    assert (await the_report(hotline)).status == Status.NEW
    async with hotline.sessions() as session, session.begin():
        report = (await session.scalars(select(Report))).one()
        now = hotline.runtime.clock()
        await audit.record(
            session,
            action=AuditAction.READ_CONTENT,
            actor=Door.CONSOLE,
            officer_id=people["sari"].id,
            report_id=report.id,
            now=now,
        )
    assert await move(hotline, people["sari"], Move.INVALIDATE, Particulars(outcome="spam"))
    report = await the_report(hotline)
    assert (report.status, report.outcome, report.closed_at) == (
        Status.INVALID,
        "spam",
        hotline.runtime.clock(),
    )
    assert await addresses(hotline) == 0, "closing erases the reply address"


async def test_a_reporter_writing_after_a_resolution_reopens_the_case(
    hotline: Hotline, clock: FakeClock
) -> None:
    people = await staff(hotline)
    code = await file_report(hotline)
    assert await move(hotline, people["ani"], Move.ACKNOWLEDGE)
    assert await move(hotline, people["ani"], Move.RESOLVE, Particulars(outcome="kembali-keluarga"))
    assert await addresses(hotline) == 0
    clock.advance(days=2)
    await say(hotline, ev.Choice("status"))
    await say(hotline, code)
    assert await addresses(hotline) == 0, "looking up a closed case does not store the address again"
    await say(hotline, ev.Choice("reply"))
    await say(hotline, "Anaknya dipukul lagi.")
    report = await the_report(hotline)
    assert (report.status, report.closed_at, report.outcome) == (Status.HANDLING, None, None)
    async with hotline.sessions() as session:
        kinds = (await session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id))).all()
    assert kinds[-2:] == ["reporter_message", "reopened"]
    assert await addresses(hotline) == 1, "an open case may reach its reporter again"


async def test_a_reporter_writing_after_an_invalid_closure_leaves_it_closed(hotline: Hotline) -> None:
    people = await staff(hotline)
    code = await file_report(hotline)
    assert await move(hotline, people["ani"], Move.ACKNOWLEDGE)
    async with hotline.sessions() as session, session.begin():
        report = (await session.scalars(select(Report))).one()
        now = hotline.runtime.clock()
        await audit.record(
            session,
            action=AuditAction.READ_CONTENT,
            actor=Door.CONSOLE,
            officer_id=people["ani"].id,
            report_id=report.id,
            now=now,
        )
    assert await move(hotline, people["ani"], Move.INVALIDATE, Particulars(outcome="ganda"))
    await say(hotline, ev.Choice("status"))
    await say(hotline, code)
    await say(hotline, ev.Choice("reply"))
    told = await say(hotline, "Ini laporan yang berbeda.")
    async with hotline.sessions() as session:
        reports = (await session.scalars(select(Report).order_by(Report.id))).all()
        kept = set((await session.scalars(select(DeliveryAddress.report_id))).all())
    closed, follow_up = reports
    assert closed.status == Status.INVALID, "the closed case stays closed"
    assert closed.id not in kept, "and keeps no way to reach the reporter"
    assert follow_up.status == Status.NEW and follow_up.id in kept, "a linked follow-up takes the message"
    assert follow_up.reference in told
