"""WhatsApp end to end: a real ``hotline serve``, Meta-shaped signed webhooks, a Graph API stand-in."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.botapi import FakeBotAPI
from tests.graphapi import APP_SECRET, TOKEN, VERIFY_TOKEN, FakeGraphAPI, Webhooks, encode, sign
from tests.telegram_harness import Harness, backend

REFERENCE = re.compile(r"PKSAI-\d{4}-\d{6}")

__all__ = ["backend"]  # the module's server runs once per database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def graph(backend: str | None) -> AsyncIterator[FakeGraphAPI]:
    stand_in = await FakeGraphAPI().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="module")
async def server(
    graph: FakeGraphAPI, backend: str | None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Harness]:
    telegram = await FakeBotAPI().start()
    env = {
        "HOTLINE_WHATSAPP_TOKEN": TOKEN,
        "HOTLINE_WHATSAPP_APP_SECRET": APP_SECRET,
        "HOTLINE_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "HOTLINE_WHATSAPP_API_URL": graph.url,
        "HOTLINE_WHATSAPP_REPLY_TEMPLATE": "balasan_petugas",
    }
    folder = tmp_path_factory.mktemp("whatsapp")
    harness = await Harness(telegram, folder, extra_env=env, database_url=backend).start()
    harness.webhooks = Webhooks()  # type: ignore[attr-defined]
    yield harness
    harness.stop()
    await telegram.stop()


async def post(server: Harness, payload: dict[str, Any], signature: str | None = "auto") -> httpx.Response:
    body = encode(payload)
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        headers["X-Hub-Signature-256"] = sign(body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    async with httpx.AsyncClient() as client:
        return await client.post(server.base + "/webhook/whatsapp", content=body, headers=headers, timeout=10)


async def send(
    server: Harness, graph: FakeGraphAPI, wa_id: str, payload: dict[str, Any], expect: str
) -> None:
    before = len(graph.texts(wa_id))
    response = await post(server, payload)
    assert response.status_code == 200, response.text
    await server.api.wait_for(lambda: any(expect in t for t in graph.texts(wa_id)[before:]), what=expect)
    await server.idle()


async def choose(server: Harness, graph: FakeGraphAPI, wa_id: str, option: str, expect: str) -> None:
    """Tap a reply button or a list row, as Meta reports it."""
    interactive = graph.last_interactive(wa_id)
    hooks: Webhooks = server.webhooks  # type: ignore[attr-defined]
    if interactive["type"] == "button":
        ids = [b["reply"]["id"] for b in interactive["action"]["buttons"]]
        assert len(ids) <= 3 and all(len(b["reply"]["title"]) <= 20 for b in interactive["action"]["buttons"])
        payload = hooks.button(wa_id, next(i for i in ids if i.endswith("|" + option)))
    else:
        rows = interactive["action"]["sections"][0]["rows"]
        assert len(rows) <= 10 and all(
            len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows
        )
        payload = hooks.list_reply(wa_id, next(r["id"] for r in rows if r["id"].endswith("|" + option)))
    await send(server, graph, wa_id, payload, expect)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasiaWA"
    Image.new("RGB", (32, 32), (0, 90, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


async def test_the_verification_handshake(server: Harness) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.get(
            server.base + "/webhook/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
        )
        wrong = await client.get(
            server.base + "/webhook/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1158201444"},
        )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert wrong.status_code == 403


async def test_a_bad_or_missing_signature_stores_nothing(server: Harness) -> None:
    hooks: Webhooks = server.webhooks  # type: ignore[attr-defined]
    payload = hooks.text("6281200000001", "halo")
    before = server.query("SELECT count(*) FROM inbox_updates WHERE channel = 'whatsapp'")
    assert (await post(server, payload, signature=None)).status_code == 401
    assert (await post(server, payload, signature=sign(encode(payload), "wrong-secret"))).status_code == 401
    assert (await post(server, payload, signature="sha256=00")).status_code == 401
    assert server.query("SELECT count(*) FROM inbox_updates WHERE channel = 'whatsapp'") == before


async def test_a_whole_report_with_buttons_lists_a_location_and_an_image(
    server: Harness, graph: FakeGraphAPI
) -> None:
    wa = "6281200000002"
    hooks: Webhooks = server.webhooks  # type: ignore[attr-defined]
    graph.media["img-77"] = jpeg()
    await send(server, graph, wa, hooks.text(wa, "halo"), "Apa yang ingin Anda lakukan?")
    await choose(server, graph, wa, "report", "Apakah Anda setuju?")
    await choose(server, graph, wa, "agree", "Siapa yang melapor?")
    await choose(server, graph, wa, "teacher", "Masalah apa")
    categories = graph.to(wa)[-1]
    assert categories["type"] == "text" and "13. " in categories["text"]["body"], "13 options: numbered text"
    await send(server, graph, wa, hooks.text(wa, "8"), "dalam bahaya sekarang")
    await choose(server, graph, wa, "no", "Berapa umur")
    await choose(server, graph, wa, "13-17", "Jenis kelamin")
    await choose(server, graph, wa, "female", "Di kecamatan mana")
    await send(server, graph, wa, hooks.location(wa, -6.9225, 109.6790), "Kecamatan Pekalongan Selatan")
    await choose(server, graph, wa, "k0", "Ada patokan")
    await choose(server, graph, wa, "skip", "Ceritakan")
    await send(server, graph, wa, hooks.image(wa, "img-77"), "Foto diterima")
    await send(server, graph, wa, hooks.text(wa, "Dia tidak sekolah dan disuruh jaga toko."), "Tersimpan")
    await choose(server, graph, wa, "done", "tetap anonim")
    await choose(server, graph, wa, "anonymous", "Periksa laporan")
    await choose(server, graph, wa, "submit", "Nomor laporan")
    reference = REFERENCE.search(next(t for t in graph.texts(wa) if "Nomor laporan" in t))
    assert reference is not None
    rows = server.query(
        "SELECT category, region_code, channel FROM reports WHERE reference = ?", reference[0]
    )
    assert rows == [("putus-sekolah", "33.75.04", "whatsapp")]
    attachment = server.query(
        "SELECT a.kind, a.original FROM attachments a JOIN reports r ON r.id = a.report_id "
        "WHERE r.reference = ? AND a.kind = 'photo'",
        reference[0],
    )
    assert attachment, "the photo is attached to the report"
    assert b"KameraRahasiaWA" not in attachment[0][1]
    assert not server.query("SELECT 1 FROM conversations WHERE key LIKE '%6281200000002%'")


async def test_a_duplicate_delivery_has_one_effect(server: Harness, graph: FakeGraphAPI) -> None:
    wa = "6281200000003"
    payload = server.webhooks.text(wa, "halo")  # type: ignore[attr-defined]
    for _ in range(3):
        assert (await post(server, payload)).status_code == 200
    await server.api.wait_for(lambda: graph.to(wa))
    await server.idle()
    assert len(graph.to(wa)) == 1


async def test_status_callbacks_update_delivery_state(server: Harness, graph: FakeGraphAPI) -> None:
    wa = "6281200000004"
    await send(server, graph, wa, server.webhooks.text(wa, "halo"), "Apa yang ingin")  # type: ignore[attr-defined]
    wamid = server.query(
        "SELECT provider_id FROM outbox WHERE channel = 'whatsapp' ORDER BY id DESC LIMIT 1"
    )[0][0]
    assert (await post(server, server.webhooks.status(wamid, "read"))).status_code == 200  # type: ignore[attr-defined]
    await server.api.wait_for(
        lambda: server.query("SELECT delivery_state FROM outbox WHERE provider_id = ?", wamid) == [("read",)]
    )


async def test_an_officer_reply_outside_24_hours_waits_for_the_reporter(
    server: Harness, graph: FakeGraphAPI
) -> None:
    wa = "6281200000005"
    hooks: Webhooks = server.webhooks  # type: ignore[attr-defined]
    await send(server, graph, wa, hooks.text(wa, "halo"), "Apa yang ingin")
    for option, expect in [("report", "setuju"), ("agree", "Siapa"), ("parent", "Masalah")]:
        await choose(server, graph, wa, option, expect)
    await send(server, graph, wa, hooks.text(wa, "1"), "bahaya")
    for option, expect in [
        ("no", "umur"),
        ("6-12", "Jenis"),
        ("male", "kecamatan"),
        ("33.75.01", "Kelurahan"),
        ("skip", "patokan"),
        ("skip", "Ceritakan"),
    ]:
        await choose(server, graph, wa, option, expect)
    await send(server, graph, wa, hooks.text(wa, "Dipukul tiap malam."), "Tersimpan")
    for option, expect in [("done", "anonim"), ("anonymous", "Periksa"), ("submit", "Nomor laporan")]:
        await choose(server, graph, wa, option, expect)
    found = REFERENCE.search(next(t for t in graph.texts(wa) if "Nomor laporan" in t))
    assert found is not None
    reference = found[0]
    moment = datetime.now(UTC) - timedelta(hours=25)
    long_ago = moment if server.database_url else moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")
    server.query("UPDATE conversations SET last_inbound_at = ? WHERE last_inbound_at IS NOT NULL", long_ago)
    server.hotline("user", "add", "--username", "wulan", "--name", "Wulan", "--role", "supervisor")
    server.hotline("officer", "reply", reference, "--as", "wulan", "Kami sudah ke rumahnya, anak aman.")
    held = await server.api.wait_for(
        lambda: server.query(
            "SELECT held_reason FROM outbox WHERE purpose = 'officer_reply' AND channel = 'whatsapp' "
            "AND held_reason IS NOT NULL"
        )
    )
    assert held == [("outside_24h_window",)]
    assert not any("anak aman" in t for t in graph.texts(wa))
    notice = await server.api.wait_for(lambda: [m for m in graph.to(wa) if m["type"] == "template"])
    assert notice[0]["template"]["name"] == "balasan_petugas"
    assert notice[0]["template"]["components"][0]["parameters"][0]["text"] == reference
    server.hotline("officer", "reply", reference, "--as", "wulan", "Satu lagi: besok kami datang.")
    await server.idle()
    notices = server.query(
        "SELECT count(*) FROM outbox o JOIN reports r ON r.id = o.report_id "
        "WHERE r.reference = ? AND o.purpose = 'template'",
        reference,
    )
    assert notices == [(1,)], "one notice per waiting spell"
    await send(server, graph, wa, hooks.text(wa, "menu"), "Kami sudah ke rumahnya, anak aman.")
    await server.api.wait_for(lambda: any("besok kami datang" in t for t in graph.texts(wa)))
    assert server.query("SELECT count(*) FROM outbox WHERE held_reason IS NOT NULL") == [(0,)]


async def test_danger_typed_in_whatsapp_brings_the_numbers_and_an_urgent_report(
    server: Harness, graph: FakeGraphAPI
) -> None:
    wa = "6281200000090"
    hooks: Webhooks = server.webhooks  # type: ignore[attr-defined]
    await send(server, graph, wa, hooks.text(wa, "halo"), "Apa yang ingin Anda lakukan?")
    await send(server, graph, wa, hooks.text(wa, "aku pengen mati aja"), "112")
    alarm = next(t for t in graph.texts(wa) if "112" in t)
    assert "Terima kasih sudah mau bercerita" in alarm and "08111129129" in alarm
    rows = server.query("SELECT urgency FROM reports WHERE channel = 'whatsapp' AND NOT complete")
    assert rows == [("urgent",)]
