"""The runtime against real databases (SQLite and PostgreSQL): reports filed, found, followed up."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from bot.runtime import Inbound
from flows import inbound as ev
from flows.vocabulary import CaseEventKind, Channel
from storage.models import AuditEntry, CaseEvent, DeliveryAddress, Report
from storage.reports import ReportStore
from storage.units import unit_ids
from tests.chat import STANDARD_PATH, STORY
from tests.conftest import TEST_SECRET, FakeClock, make_settings

USER = "telegram-user-5550123"


async def say(hotline: Hotline, message: str | ev.Event, user: str = USER) -> str:
    event = ev.Text(message) if isinstance(message, str) else message
    replies = await hotline.runtime.handle(Inbound(Channel.TERMINAL, user, event))
    return "\n".join(r.text + "".join(f"\n- {o.label}" for o in r.options) for r in replies)


async def file_report(
    hotline: Hotline, path: list[tuple[str, ev.Event]] = STANDARD_PATH, user: str = USER
) -> str:
    """Run a whole report; returns the receipt code the reporter was shown."""
    for _state, event in path:
        await say(hotline, event, user)
    text = await say(hotline, ev.Choice("submit"), user)
    code_line = next(line for line in text.splitlines() if "Kode tanda terima" in line)
    return code_line.split(":", 1)[1].strip()


async def reports(hotline: Hotline) -> list[Report]:
    async with hotline.sessions() as session:
        return list((await session.scalars(select(Report).order_by(Report.id))).all())


async def store(hotline: Hotline, session: AsyncSession) -> ReportStore:
    return ReportStore(session, hotline.settings.keyring, await unit_ids(session))


async def test_a_whole_report_is_stored_with_its_content_sealed(hotline: Hotline) -> None:
    code = await file_report(hotline)
    [report] = await reports(hotline)
    assert report.reference == "PKSAI-2026-000001"
    assert (report.category, report.simfoni, report.urgency) == ("fisik", "fisik", "high")
    assert (report.age_band, report.sex, report.region_code) == ("6-12", "female", "33.75.02")
    assert (report.status, report.complete, report.reporter_role) == ("baru", True, "neighbour")
    assert report.submitted_at == hotline.runtime.clock()
    async with hotline.sessions() as session:
        reports_store = await store(hotline, session)
        content = await reports_store.content(report)
        assert content is not None
        assert content["story"] == [STORY]
        assert content["phone"] == "+6281234567890"
        assert content["kelurahan"] == "Kauman"
        found = await reports_store.by_receipt(code.replace("-", ""))
        assert found is not None and found.id == report.id
        assert await reports_store.address(report, "terminal") == USER


async def test_references_count_up_within_the_year(hotline: Hotline) -> None:
    await file_report(hotline, user="a")
    await file_report(hotline, user="b")
    assert [r.reference for r in await reports(hotline)] == [
        "PKSAI-2026-000001",
        "PKSAI-2026-000002",
    ]


async def test_danger_files_an_urgent_report_at_once(hotline: Hotline) -> None:
    for _state, event in STANDARD_PATH[:4]:
        await say(hotline, event)
    text = await say(hotline, ev.Choice("yes"))
    assert "112" in text and "129" in text
    [report] = await reports(hotline)
    assert (report.urgency, report.complete, report.status) == ("urgent", False, "baru")
    async with hotline.sessions() as session:
        kinds = (await session.scalars(select(CaseEvent.kind))).all()
    assert kinds == ["urgent_alert", "unassigned"], "nobody is on the roster: it waits, supervisors told"


async def test_an_abandoned_urgent_draft_becomes_an_urgent_report(hotline: Hotline, clock: FakeClock) -> None:
    for _state, event in STANDARD_PATH[:4]:
        await say(hotline, event)
    await say(hotline, ev.Choice("yes"))
    await say(hotline, "5")
    clock.advance(hours=25)
    assert await hotline.runtime.expire_idle() == 1
    assert await hotline.runtime.expire_idle() == 0, "expired once"
    [report] = await reports(hotline)
    assert (report.urgency, report.complete, report.age_band) == ("urgent", False, "0-5")
    assert report.receipt_hash is None
    async with hotline.sessions() as session:
        kinds = (await session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id))).all()
    assert kinds == ["urgent_alert", "unassigned", "abandoned"]
    text = await say(hotline, "halo")
    assert "Apa yang ingin Anda lakukan?" in text


async def test_an_urgent_report_completed_keeps_one_report(hotline: Hotline) -> None:
    path = [(s, ev.Choice("yes") if s == "danger" else e) for s, e in STANDARD_PATH]
    code = await file_report(hotline, path)
    [report] = await reports(hotline)
    assert (report.urgency, report.complete) == ("urgent", True)
    async with hotline.sessions() as session:
        found = await (await store(hotline, session)).by_receipt(code.replace("-", ""))
        assert found is not None and found.id == report.id


async def test_status_check_and_reply_with_the_receipt_code(hotline: Hotline) -> None:
    code = await file_report(hotline)
    [report] = await reports(hotline)
    async with hotline.sessions() as session, session.begin():
        await (await store(hotline, session)).add_event(
            report, CaseEventKind.OFFICER_REPLY, hotline.runtime.clock(), text="Kami sudah ke rumahnya."
        )
    await say(hotline, ev.Choice("status"))
    text = await say(hotline, code)
    assert "PKSAI-2026-000001" in text and "Kami sudah ke rumahnya." in text
    await say(hotline, ev.Choice("reply"))
    await say(hotline, "Terima kasih, Bu.")
    async with hotline.sessions() as session:
        timeline = await (await store(hotline, session)).timeline(report)
    assert [(m.kind, m.text) for m in timeline][-2:] == [
        ("officer_reply", "Kami sudah ke rumahnya."),
        ("reporter_message", "Terima kasih, Bu."),
    ]


async def test_a_wrong_receipt_code_finds_nothing(hotline: Hotline) -> None:
    code = await file_report(hotline)
    wrong = "0000000000000000" if code != "0000-0000-0000-0000" else "1111111111111111"
    await say(hotline, ev.Choice("status"), user="someone-else")
    text = await say(hotline, wrong, user="someone-else")
    assert "tidak cocok" in text and "PKSAI-2026-000001" not in text


async def test_a_restarted_service_continues_the_conversation(
    hotline: Hotline, database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    for _state, event in STANDARD_PATH[:8]:
        await say(hotline, event)
    await hotline.close()
    again = Hotline.build(make_settings(database_url, tmp_path), clock=clock)
    await again.start()
    try:
        text = await say(again, "menu")
        assert "Lanjutkan laporan" in text
        text = await say(again, "1")
        assert "Kelurahan/desa mana di Kecamatan Pekalongan Timur?" in text
    finally:
        await again.close()


async def test_messages_of_one_reporter_are_applied_one_at_a_time(hotline: Hotline) -> None:
    for _state, event in STANDARD_PATH[:10]:
        await say(hotline, event)
    parts = [f"Bagian cerita nomor {i}." for i in range(6)]
    await asyncio.gather(*(say(hotline, p) for p in parts))
    await say(hotline, ev.Choice("done"))
    await say(hotline, ev.Choice("anonymous"))
    await say(hotline, ev.Choice("submit"))
    [report] = await reports(hotline)
    async with hotline.sessions() as session:
        content = await (await store(hotline, session)).content(report)
    assert content is not None
    assert sorted(content["story"]) == sorted(parts), "no message lost to a concurrent write"


async def test_hapus_erases_the_delivery_address(hotline: Hotline) -> None:
    await file_report(hotline)
    async with hotline.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DeliveryAddress)) == 1
    text = await say(hotline, "/hapus")
    assert "sudah dihapus" in text
    async with hotline.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DeliveryAddress)) == 0
        assert await session.scalar(select(func.count()).select_from(Report)) == 1


async def test_a_rotated_key_still_opens_old_conversations_and_receipts(
    hotline: Hotline, database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    code = await file_report(hotline)
    for _state, event in STANDARD_PATH[:6]:
        await say(hotline, event, user="second")
    await hotline.close()
    rotated = make_settings(
        database_url,
        tmp_path,
        secret_key="a-brand-new-secret-key-after-rotation-000000",
        previous_secret_keys=TEST_SECRET,
    )
    again = Hotline.build(rotated, clock=clock)
    await again.start()
    try:
        text = await say(again, "menu", user="second")
        assert "Lanjutkan laporan" in text
        await say(again, ev.Choice("status"))
        text = await say(again, code)
        assert "PKSAI-2026-000001" in text
    finally:
        await again.close()


async def test_submitting_is_audited_without_content(hotline: Hotline) -> None:
    await file_report(hotline)
    async with hotline.sessions() as session:
        entries = (await session.scalars(select(AuditEntry))).all()
    assert [e.action for e in entries] == ["submitted", "routed_nobody"], "no officer on the roster yet"
    assert all(STORY not in str(e.detail) for e in entries)
