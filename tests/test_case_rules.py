"""The console's case rules below the pages (SQLite and PostgreSQL): the end of the escalation
chain, closing with open items, reopening, closing as invalid only after reading, referral details."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select

from admin.case_closing import NeedsConfirmation
from admin.casework import ActionRefused, Desk
from bot.hotline import Hotline
from bot.scheduler import Scheduler
from storage.models import AuditEntry, Officer, Referral, Report
from storage.reports import ReportStore
from storage.units import unit_ids
from tests.conftest import FakeClock
from tests.test_routing import WIB, at, drain, file, staff


async def desk(hotline: Hotline, session, officer: Officer) -> Desk:  # type: ignore[no-untyped-def]
    reports = ReportStore(session, hotline.settings.keyring, await unit_ids(session))
    mine = await session.get(Officer, officer.id)
    return Desk(
        session,
        hotline.settings.keyring,
        hotline.catalogues,
        hotline.settings.deployment,
        reports,
        mine,
        hotline.runtime.clock(),
    )


@pytest.fixture
def morning(clock: FakeClock) -> FakeClock:
    clock.now = at(WIB, "2026-11-23 09:00").astimezone(UTC)
    return clock


async def test_the_escalation_chain_ends_at_an_admin_who_can_read_the_case(
    hotline: Hotline, morning: FakeClock
) -> None:
    people = await staff(hotline, morning)
    urgent = await file(hotline, "danger-now", danger="yes")
    normal = await file(hotline, "ordinary")
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    async with hotline.sessions() as session, session.begin():
        assert await (await desk(hotline, session, people["adm"])).find(urgent.reference) is None
    morning.advance(minutes=16)
    await drain(scheduler)
    async with hotline.sessions() as session, session.begin():
        assert await (await desk(hotline, session, people["adm"])).find(urgent.reference) is None, (
            "the supervisors' turn first"
        )
    morning.advance(minutes=16)
    await drain(scheduler)
    async with hotline.sessions() as session, session.begin():
        admin = await desk(hotline, session, people["adm"])
        report = await admin.find(urgent.reference)
        assert report is not None
        view = await admin.view(report)
        assert view.content is not None and view.content["story"], "the admin reads the report"
        with pytest.raises(ActionRefused):
            await admin.act(report, "reply", {"text": "halo"})
        assert await (await desk(hotline, session, people["adm"])).find(normal.reference) is None
    async with hotline.sessions() as session:
        reads = (
            await session.scalars(
                select(AuditEntry.detail).where(
                    AuditEntry.officer_id == people["adm"].id, AuditEntry.action == "read_content"
                )
            )
        ).all()
        assert reads == [{"as": "escalation"}], "the admin's read is audited as such"


async def test_closing_asks_about_open_items_and_reopening_is_for_the_assignee(
    hotline: Hotline, morning: FakeClock
) -> None:
    people = await staff(hotline, morning)
    report = await file(hotline, "to-close")
    assert report.assignee_id == people["ani"].id
    async with hotline.sessions() as session, session.begin():
        ani = await desk(hotline, session, people["ani"])
        row = await ani.find(report.reference)
        assert row is not None
        await ani.act(row, "acknowledge", {})
        await ani.act(
            row,
            "refer",
            {"service": "uptd-ppa", "note": "pendampingan", "contact": "Ibu Sari", "follow_up": "2026-11-30"},
        )
        with pytest.raises(ActionRefused, match="outcome"):
            await ani.act(row, "close", {"outcome": ""})
        with pytest.raises(NeedsConfirmation) as pending:
            await ani.act(row, "close", {"outcome": "rujukan-selesai"})
        assert pending.value.items.referrals == ["uptd-ppa"]
        await ani.act(row, "close", {"outcome": "rujukan-selesai", "confirm": "1"})
        assert (row.status, row.outcome) == ("selesai", "rujukan-selesai")
    async with hotline.sessions() as session, session.begin():
        referral = await session.scalar(select(Referral))
        assert referral is not None and referral.follow_up_on == "2026-11-30"
        assert b"Ibu Sari" not in (referral.sealed or b""), "note and contact are sealed"
        bayu = await desk(hotline, session, people["bayu"])
        assert await bayu.find(report.reference) is None, "another officer's closed case"
        supervisor = await desk(hotline, session, people["sup"])
        row = await supervisor.find(report.reference)
        assert row is not None and await supervisor.may_reopen(row)
        ani = await desk(hotline, session, people["ani"])
        row = await ani.find(report.reference)
        assert row is not None
        assert await ani.act(row, "reopen", {}) == "console.done.reopened"
        assert (row.status, row.outcome, row.closed_at) == ("ditangani", None, None)


async def test_closing_as_invalid_only_after_reading(hotline: Hotline, morning: FakeClock) -> None:
    people = await staff(hotline, morning)
    report = await file(hotline, "maybe-spam")
    async with hotline.sessions() as session, session.begin():
        supervisor = await desk(hotline, session, people["sup"])
        row = await supervisor.find(report.reference)
        assert row is not None
        with pytest.raises(ActionRefused, match="read_first"):
            await supervisor.act(row, "invalid", {"reason": "spam"})
        bayu = await desk(hotline, session, people["bayu"])
        assert await bayu.find(report.reference) is None, "not his case"
        await supervisor.view(row)
        await supervisor.act(row, "invalid", {"reason": "spam"})
    async with hotline.sessions() as session:
        closed = await session.get(Report, report.id)
        assert closed is not None and (closed.status, closed.outcome) == ("ditutup", "spam")
