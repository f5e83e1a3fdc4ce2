"""Nothing said into the void: a reporter writing on a closed case reaches an officer's open queue
(the lifecycle's rule: a recently resolved case is reopened, otherwise a linked follow-up report
goes to whoever is on duty), and is told truthfully where the message went."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.hotline import Hotline
from flows import inbound as ev
from flows.lifecycle import Move
from flows.vocabulary import Door, Status
from storage.cases import Actor, Particulars, carry_out
from storage.models import CaseEvent, DeliveryAddress, Officer, Report
from storage.reports import ReportStore
from storage.units import unit_ids
from tests.conftest import FakeClock
from tests.test_routing import staff
from tests.test_runtime import file_report, say

REFERENCE = re.compile(r"PKSAI-\d{4}-\d{6}")


async def resolve(hotline: Hotline, reference: str, by: Officer) -> None:
    """Closed as a supervisor would: acknowledged, then resolved with an outcome."""
    async with hotline.sessions() as session, session.begin():
        reports = ReportStore(session, hotline.settings.keyring, await unit_ids(session))
        report = await reports.by_reference(reference)
        assert report is not None
        now = hotline.runtime.clock()
        for move in (Move.ACKNOWLEDGE, Move.RESOLVE):
            actor = Actor.officer_on(by, report, Door.CONSOLE)
            decision = await carry_out(
                reports, report, actor, move, now, Particulars(outcome="kembali-keluarga")
            )
            assert decision.allowed, move


async def invalidate(hotline: Hotline, reference: str) -> None:
    async with hotline.sessions() as session, session.begin():
        report = await session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        report.status, report.closed_at = Status.INVALID, hotline.runtime.clock()


async def by_reference(hotline: Hotline, reference: str) -> Report:
    async with hotline.sessions() as session:
        report = await session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        return report


async def write_on(hotline: Hotline, code: str, text: str) -> str:
    await say(hotline, ev.Choice("status"))
    await say(hotline, code)
    await say(hotline, ev.Choice("reply"))
    return await say(hotline, text)


async def test_a_message_soon_after_resolving_reopens_the_case_for_its_officer(
    hotline: Hotline, clock: FakeClock
) -> None:
    people = await staff(hotline, clock)
    code = await file_report(hotline)
    await resolve(hotline, "PKSAI-2026-000001", people["sup"])
    clock.advance(days=3)
    text = await write_on(hotline, code, "Anaknya dipukul lagi minggu ini.")
    assert "sudah ditutup, tetapi pesan Anda membukanya kembali" in text, "told truthfully"
    report = await by_reference(hotline, "PKSAI-2026-000001")
    assert report.status == "ditangani" and report.assignee_id is not None, "back in an open queue"
    async with hotline.sessions() as session:
        assignee = await session.get(Officer, report.assignee_id)
        assert assignee is not None and assignee.active
        kinds = (await session.scalars(select(CaseEvent.kind).where(CaseEvent.report_id == report.id))).all()
        assert "reopened" in kinds and "reporter_message" in kinds


async def test_a_message_long_after_closure_reaches_the_officer_on_duty(
    hotline: Hotline, clock: FakeClock
) -> None:
    people = await staff(hotline, clock)
    code = await file_report(hotline)
    await resolve(hotline, "PKSAI-2026-000001", people["sup"])
    clock.advance(days=35)
    text = await write_on(hotline, code, "Anaknya dipukul lagi minggu ini.")
    assert "PKSAI-2026-000001 sudah ditutup" in text, "told truthfully"
    assert "Pesan Anda sudah dikirim ke petugas." not in text
    follow_up_reference = next(r for r in REFERENCE.findall(text) if r != "PKSAI-2026-000001")
    follow_up = await by_reference(hotline, follow_up_reference)
    assert follow_up.status == "baru", "an open case"
    assert follow_up.assignee_id == people["citra"].id, "with the officer on duty now (15–23 WIB)"
    assert (follow_up.category, follow_up.region_code) == ("fisik", "33.75.02")
    closed = await by_reference(hotline, "PKSAI-2026-000001")
    assert closed.status == "selesai", "the closed case keeps its outcome"
    async with hotline.sessions() as session:
        events = (await session.execute(select(CaseEvent.report_id, CaseEvent.kind, CaseEvent.detail))).all()
        addresses = (await session.scalars(select(DeliveryAddress.report_id))).all()
    assert (follow_up.id, "follow_up_of", {"reference": "PKSAI-2026-000001"}) in events
    assert (closed.id, "follow_up", {"reference": follow_up_reference}) in events
    assert (follow_up.id, "reporter_message", None) in events
    assert follow_up.id in addresses and closed.id not in addresses, (
        "replies reach the reporter, via the new case"
    )
    receipt = next(line for line in text.splitlines() if "Kode tanda terima laporan lanjutan" in line)
    new_code = receipt.split(":", 1)[1].strip()
    await say(hotline, "menu")
    await say(hotline, ev.Choice("status"))
    assert follow_up_reference in await say(hotline, new_code), "the follow-up has its own receipt"


async def test_further_messages_go_to_the_follow_up_not_a_new_one(hotline: Hotline, clock: FakeClock) -> None:
    code = await file_report(hotline)
    await invalidate(hotline, "PKSAI-2026-000001")
    await write_on(hotline, code, "Masih terjadi.")
    await say(hotline, ev.Choice("reply"))
    text = await say(hotline, "Tadi malam juga.")
    assert "Pesan Anda sudah dikirim ke petugas." in text
    async with hotline.sessions() as session:
        references = (await session.scalars(select(Report.reference).order_by(Report.id))).all()
    assert references == ["PKSAI-2026-000001", "PKSAI-2026-000002"]


async def test_danger_after_closure_opens_an_urgent_follow_up(hotline: Hotline, clock: FakeClock) -> None:
    people = await staff(hotline, clock)
    code = await file_report(hotline)
    await resolve(hotline, "PKSAI-2026-000001", people["sup"])
    text = await write_on(hotline, code, "tolong, dia datang lagi bawa pisau")
    assert "112" in text and "PKSAI-2026-000002" in text
    assert text.count("Kode tanda terima laporan lanjutan") == 1, "the new code is shown once"
    follow_up = await by_reference(hotline, "PKSAI-2026-000002")
    assert (follow_up.urgency, follow_up.status) == ("urgent", "baru")
    assert (await by_reference(hotline, "PKSAI-2026-000001")).status == "selesai", "not reopened as well"
