"""What anyone on the internet can reach, under abuse (issue rows 2, 7, 8 and 12): request bodies
limited before anything reads them, ``/metrics`` closed, web chat tokens that only the server
issues, limits that a school class behind one address never meets, HSTS."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from admin.entry import service_app
from bot.app import CHAT_LIMIT, FORM_LIMIT
from bot.body_limit import BodyLimit, Limits
from bot.hotline import Hotline
from storage.models import Conversation, Report
from tests.conftest import FakeClock, make_settings
from tests.inprocess import Browser
from tests.webchat_client import WebReporter


async def conversations(hotline: Hotline) -> int:
    async with hotline.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversation)) or 0)


async def test_oversized_bodies_are_refused_before_anything_reads_them(hotline: Hotline) -> None:
    """Row 2: a 100 MB form post was read whole by the CSRF middleware; 100 MB of JSON to
    /chat/send was answered 200."""
    async with Browser(hotline) as browser:
        token = await browser.csrf()
        form = await browser.http.post(
            "/admin/login", data={"csrftoken": token, "username": "x", "password": "p" * (2 * FORM_LIMIT)}
        )
        assert form.status_code == 413
        assert form.headers["connection"] == "close"
        chat = await browser.http.post("/chat/send", json={"client": "x", "text": "a" * (2 * CHAT_LIMIT)})
        assert chat.status_code == 413
        small = await browser.http.post("/chat/send", json={"client": "x", "text": "halo"})
        assert small.status_code == 400, "within the limit the request goes on (to be refused as unknown)"
    assert await conversations(hotline) == 0


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    pulled: list[int] = []
    sent: list[dict[str, object]] = []
    reached: list[bool] = []

    async def app(scope: object, receive: object, send: object) -> None:
        reached.append(True)

    async def receive() -> dict[str, object]:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "path": "/admin/login",
        "headers": [(b"content-length", str(100 * 1024 * 1024).encode())],
    }
    await BodyLimit(app, Limits(default=FORM_LIMIT))(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 413 and not pulled and not reached


async def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    pulled: list[int] = []
    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        while True:
            await receive()  # type: ignore[operator]

    async def receive() -> dict[str, object]:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/chat/send", "headers": []}
    await BodyLimit(app, Limits(default=FORM_LIMIT))(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert len(pulled) == FORM_LIMIT // 1024 + 1


async def test_metrics_need_the_bearer_token(database_url: str, tmp_path: Path) -> None:
    """Row 7: anyone could read live open/urgent/unassigned counts per unit."""
    closed = Hotline.build(make_settings(database_url, tmp_path), clock=FakeClock())
    await closed.start()
    try:
        async with Browser(closed) as anyone:
            assert (await anyone.http.get("/metrics")).status_code == 404, "off while no token is set"
    finally:
        await closed.close()
    hotline = Hotline.build(make_settings(database_url, tmp_path, metrics_token="scrape-me-0123456789"))
    await hotline.start()
    try:
        async with Browser(hotline) as anyone:
            refused = await anyone.http.get("/metrics")
            assert refused.status_code == 401 and "hotline_" not in refused.text
            wrong = await anyone.http.get("/metrics", headers={"Authorization": "Bearer guess"})
            assert wrong.status_code == 401
            scraped = await anyone.http.get(
                "/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"}
            )
            assert scraped.status_code == 200 and "hotline_jobs_overdue" in scraped.text
    finally:
        await hotline.close()


async def test_hsts_only_when_the_public_url_is_https(database_url: str, tmp_path: Path) -> None:
    """Row 12: no HSTS header was ever sent."""
    for public_url, expected in (("https://hotline.example.id", True), ("http://localhost:8000", False)):
        hotline = Hotline.build(make_settings(database_url, tmp_path, public_url=public_url))
        await hotline.start()
        try:
            async with Browser(hotline) as browser:
                for path in ("/", "/admin/login", "/healthz"):
                    response = await browser.http.get(path)
                    assert ("strict-transport-security" in response.headers) is expected, path
                    if expected:
                        assert "max-age=63072000" in response.headers["strict-transport-security"]
        finally:
            await hotline.close()


async def test_made_up_tokens_create_nothing(hotline: Hotline) -> None:
    """Row 8: /chat/resume with 100 made-up tokens left 100 conversation rows behind."""
    async with Browser(hotline) as browser:
        for i in range(100):
            made_up = f"{i:04d}" + "A" * 40
            resumed = await browser.http.post("/chat/resume", json={"client": made_up})
            sent = await browser.http.post("/chat/send", json={"client": made_up, "text": "halo"})
            assert resumed.status_code == sent.status_code == 400
            assert resumed.json()["error"] == "no_client" and resumed.json()["replies"][0]["text"]
        issued = (await browser.http.post("/chat/start", json={})).json()["client"]
        forged = issued[:-1] + ("0" if issued[-1] != "0" else "1")
        refused = await browser.http.post("/chat/send", json={"client": forged, "text": "1"})
        assert refused.status_code == 400
        assert await conversations(hotline) == 0
        answer = await browser.http.post("/chat/send", json={"client": issued, "text": "1"})
        assert answer.status_code == 200
    assert await conversations(hotline) == 1


async def test_forty_phones_behind_one_address_make_forty_reports(hotline: Hotline) -> None:
    """A school class reporting over one Wi-Fi (or a neighbourhood behind carrier NAT) was refused
    after 10 conversations per address."""
    app = service_app(hotline)
    phones = [WebReporter(app, "36.80.1.1") for _ in range(40)]
    receipts = await asyncio.gather(*(phone.report(f"Cerita nomor {i}.") for i, phone in enumerate(phones)))
    assert all(receipts)
    async with hotline.sessions() as session:
        filed = await session.scalar(select(func.count()).select_from(Report))
    assert filed == 40
    for phone in phones:
        await phone.close()


async def test_one_conversation_is_limited_before_its_address(hotline: Hotline) -> None:
    app = service_app(hotline)
    noisy, neighbour = WebReporter(app, "36.80.2.2"), WebReporter(app, "36.80.2.2")
    await noisy.start()
    statuses = [(await noisy.send_raw({"text": "halo"})).status_code for _ in range(125)]
    assert statuses.count(429) == 6, "120 in ten minutes, opening the chat (resume) included"
    assert await neighbour.report("Tetangga juga melapor."), "the same address still works for others"
    await noisy.close()
    await neighbour.close()
