"""Danger heard in words, against real databases: the urgent report filed or raised, the reason
on the timeline (the lexicon's phrase, never the reporter's words)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.hotline import Hotline
from flows import inbound as ev
from storage.models import CaseEvent
from tests.chat import STANDARD_PATH
from tests.inprocess import Browser, add_staff
from tests.test_runtime import file_report, reports, say


async def alerts(hotline: Hotline) -> list[dict[str, Any]]:
    async with hotline.sessions() as session:
        statement = select(CaseEvent.detail).where(CaseEvent.kind == "urgent_alert").order_by(CaseEvent.id)
        return list((await session.scalars(statement)).all())


async def test_danger_typed_at_the_menu_files_an_urgent_report(hotline: Hotline) -> None:
    await say(hotline, "halo")
    text = await say(hotline, "aku pengen mati aja")
    assert "112" in text and "Apa yang ingin Anda lakukan?" in text
    [report] = await reports(hotline)
    assert (report.urgency, report.complete) == ("urgent", False)
    assert await alerts(hotline) == [{"urgency": "urgent", "reason": "self_harm", "heard": "ingin mati"}], (
        "why it is urgent, without the reporter's words"
    )
    await say(hotline, "tolong")
    assert len(await reports(hotline)) == 1, "one urgent report per draft"


async def test_danger_typed_mid_report_completes_the_same_urgent_report(hotline: Hotline) -> None:
    for _state, event in STANDARD_PATH[:3]:
        await say(hotline, event)
    await say(hotline, "tolong saya dalam bahaya")
    for _state, event in STANDARD_PATH[3:]:
        await say(hotline, event)
    await say(hotline, ev.Choice("submit"))
    [report] = await reports(hotline)
    assert (report.urgency, report.complete, report.category) == ("urgent", True, "fisik")


async def test_danger_from_a_reporter_following_up_raises_their_report(hotline: Hotline) -> None:
    code = await file_report(hotline)
    [report] = await reports(hotline)
    assert report.urgency == "high"
    await say(hotline, ev.Choice("status"))
    await say(hotline, code)
    text = await say(hotline, "dia datang lagi bawa pisau, tolong")
    assert "112" in text
    [report] = await reports(hotline)
    assert report.urgency == "urgent"
    assert await alerts(hotline) == [{"urgency": "urgent", "reason": "danger", "heard": "pisau"}]


async def test_the_words_that_suggested_the_category_are_on_the_timeline(hotline: Hotline) -> None:
    path = [(s, ev.Text("anaknya digebukin bapaknya") if s == "category" else e) for s, e in STANDARD_PATH]
    path.insert(4, ("category_confirm", ev.Choice("yes")))
    await file_report(hotline, path)
    async with hotline.sessions() as session:
        statement = select(CaseEvent.detail).where(CaseEvent.kind == "category_hint")
        hints = list((await session.scalars(statement)).all())
    assert hints == [{"category": "fisik", "words": ["digebuk"]}]


async def test_the_officer_sees_why_it_is_urgent_and_why_this_category(hotline: Hotline) -> None:
    path = [(s, ev.Text("anaknya dipukuli ayahnya") if s == "category" else e) for s, e in STANDARD_PATH]
    path.insert(2, ("role", ev.Text("tolong, ini darurat")))
    path.insert(5, ("category_confirm", ev.Choice("yes")))
    await file_report(hotline, path)
    await add_staff(hotline, "sinta", "supervisor")
    async with Browser(hotline) as supervisor:
        await supervisor.sign_in("sinta")
        page = (await supervisor.http.get("/admin/cases/PKSAI-2026-000001")).text
    assert "Disarankan dari tulisan pelapor" in page and "Kekerasan fisik — dipukul" in page
    assert "terdengar: “darurat”" in page, "the lexicon phrase, not the reporter's words"
