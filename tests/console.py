"""Shared pieces of the console's browser tests: a real ``hotline serve`` with staff, Chromium pages
at the two sizes officers use, signing in, filing a report as a Telegram reporter, axe-core."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pyotp
from playwright.async_api import Browser, BrowserContext, Page

from tests.botapi import FakeBotAPI
from tests.telegram_harness import Harness
from tests.two_units import write_two_unit_config

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
"""axe-core 4.14.1 (MPL-2.0, Deque Systems), vendored so CI needs no npm: ``npm pack axe-core``
and copy ``package/axe.min.js`` here to update it."""
STORY = "Tetangga: <script>alert('x')</script> <b>anak</b> ditinggal sendirian & tidak diberi makan."
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
STAFF = (
    ("--username", "dewi", "--name", "Dewi Lestari", "--role", "officer"),
    ("--username", "budi", "--name", "Budi Santoso", "--role", "supervisor"),
    ("--username", "rina", "--name", "Rina Batang", "--role", "officer", "--unit", "kab-batang"),
    ("--username", "kunci", "--name", "Akun Kunci", "--role", "officer"),
    ("--username", "admin1", "--name", "Admin Unit", "--role", "admin"),
)


async def start_server(api: FakeBotAPI, folder: Path, **env: str) -> Harness:
    config = write_two_unit_config(folder)
    harness = Harness(
        api, folder, extra_env={"HOTLINE_CONFIG": str(config), "HOTLINE_CONSOLE_POLL_SECONDS": "1", **env}
    )
    await harness.start()
    for args in STAFF:
        output = harness.hotline("user", "add", *args)
        harness.extra_env[f"PW_{args[1]}"] = output.strip().rsplit(" ", 1)[1]
    return harness


def password(server: Harness, username: str) -> str:
    return server.extra_env[f"PW_{username}"]


async def new_context(
    browser: Browser, server: Harness, size: dict[str, int] | None = None, **options: object
) -> BrowserContext:
    context = await browser.new_context(
        viewport=size or DESKTOP,  # type: ignore[arg-type]
        base_url=server.base,
        has_touch=(size or DESKTOP)["width"] < 640,
        **options,  # type: ignore[arg-type]
    )
    await context.add_init_script(path=str(AXE))
    context.hotline_base = server.base  # type: ignore[attr-defined]
    return context


async def new_page(browser: Browser, server: Harness, size: dict[str, int] | None = None) -> Page:
    context = await new_context(browser, server, size)
    page = await context.new_page()
    watch_requests(page, server)
    return page


def watch_requests(page: Page, server: Harness) -> None:
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.base) else outside.append(r.url))
    page.outside_requests = outside  # type: ignore[attr-defined]


TOTP_SECRETS: dict[str, str] = {}
"""Two-step secrets of the test staff, per server and username, kept from their enrolment."""
LAST_STEPS: dict[str, int] = {}
"""The last 30-second step whose code each person used: the server takes a code only once."""
SESSIONS: dict[str, list[Any]] = {}
"""Console cookies of people already signed in, so each test does not sign in again."""


async def sign_in(page: Page, username: str, secret: str, *, second_step: bool = True) -> None:
    """Password, then (supervisors and admins, or anyone who enrolled) the authenticator code.
    With ``second_step`` the session is kept and reused by the person's next pages."""
    key = str(getattr(page.context, "hotline_base", "")) + "|" + username
    if second_step and key in SESSIONS:
        await page.context.add_cookies(SESSIONS[key])
        await page.goto("/admin")
        if "/admin/login" not in page.url:
            return
    await page.goto("/admin/login")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(secret)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Masuk").click()
    if not second_step:
        return
    if "/admin/totp" in page.url:
        enrolment = page.locator("#totp-secret")
        if await enrolment.count():
            TOTP_SECRETS[key] = (await enrolment.inner_text()).strip()
        step = max(int(time.time() // 30), LAST_STEPS.get(key, -1) + 1)
        if step > time.time() // 30 + 1:  # both allowed codes used: the next one comes with the clock
            await asyncio.sleep((step - 1) * 30 - time.time() + 0.5)
        LAST_STEPS[key] = step
        await page.get_by_label("Kode 6 angka").fill(pyotp.TOTP(TOTP_SECRETS[key]).at(step * 30))
        async with page.expect_navigation():
            await page.get_by_role("button", name="Lanjut").click()
    if "/admin/login" not in page.url and "/admin/totp" not in page.url:
        SESSIONS[key] = [c for c in await page.context.cookies() if c["name"] == "hotline_console"]


async def axe_violations(page: Page) -> list[str]:
    """axe-core's default rules (WCAG 2 A/AA and best practices) on the page as it is now."""
    await page.wait_for_load_state("load")
    found: list[str] = await page.evaluate(
        """async () => {
            const result = await axe.run(document);
            return result.violations.map(v =>
                `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
        }"""
    )
    return found


async def press(server: Harness, chat: int, option: str) -> None:
    """The reporter taps the button whose callback data ends with ``option``."""
    api = server.api
    await api.wait_for(lambda: api.last_keyboard(chat))
    message_id, buttons = api.keyboard_message(chat)
    data = next(b["callback_data"] for b in buttons if b["callback_data"].endswith("|" + option))
    await server.send(server.updates.callback(chat, data, message_id=message_id))
    await api.wait_for(lambda: api.keyboard_message(chat)[0] != message_id)


async def say(server: Harness, chat: int, text: str) -> None:
    api = server.api
    before = len(api.texts(chat))
    await server.send(server.updates.text(chat, text))
    await api.wait_for(lambda: len(api.texts(chat)) > before)


async def report_by_telegram(
    server: Harness, chat: int, *, danger: str = "no", region: str = "33.75.02", phone: str | None = None
) -> str:
    """A reporter files a report through the Telegram webhook; returns its reference."""
    api = server.api
    await say(server, chat, "/start")
    for option in ("report", "agree", "neighbour", "penelantaran", danger, "6-12", "female", region):
        await press(server, chat, option)
    if danger == "yes":
        found: str = (
            await api.wait_for(
                lambda: server.query(
                    "SELECT reference FROM reports WHERE danger='yes' ORDER BY id DESC LIMIT 1"
                )
            )
        )[0][0]
        return found
    await press(server, chat, "skip")
    await press(server, chat, "skip")
    await say(server, chat, STORY)
    await press(server, chat, "done")
    if phone:
        await press(server, chat, "phone")
        await say(server, chat, phone)
    else:
        await press(server, chat, "anonymous")
    await press(server, chat, "submit")
    receipt = next(t for t in api.texts(chat) if "Nomor laporan" in t)
    return re.search(r"PKSAI-\d{4}-\d{6}", receipt).group(0)  # type: ignore[union-attr]


def receipt_code(server: Harness, chat: int) -> str:
    receipt = next(t for t in server.api.texts(chat) if "Kode tanda terima" in t)
    return re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", receipt).group(0)  # type: ignore[union-attr]


async def reporter_writes_again(server: Harness, chat: int, text: str) -> None:
    """With the receipt code, the reporter adds a message to their filed report."""
    await say(server, chat, "/start")
    await press(server, chat, "status")
    await say(server, chat, receipt_code(server, chat))
    await press(server, chat, "reply")
    await say(server, chat, text)


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Refresh a screenshot in docs/ when HOTLINE_UPDATE_SCREENSHOTS is set."""
    if os.environ.get("HOTLINE_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(DOCS / name), full_page=full_page)


class Client:
    """A signed-in HTTP client (Secure cookies set by hand: httpx won't send them over http)."""

    def __init__(self, server: Harness):
        self.http = httpx.AsyncClient(base_url=server.base, follow_redirects=False)
        self.csrf = ""

    async def sign_in(self, username: str, secret: str) -> None:
        page = await self.http.get("/admin/login")
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
        self.http.cookies.set("csrftoken", cookie, path="/admin")
        self.csrf = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        done = await self.http.post(
            "/admin/login", data={"csrftoken": self.csrf, "username": username, "password": secret}
        )
        assert done.status_code == 303, done.text
        token = re.search(r"hotline_console=([^;]+)", done.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
        self.http.cookies.set("hotline_console", token, path="/admin")

    async def post(self, path: str, data: dict[str, str], *, with_csrf: bool = True) -> httpx.Response:
        return await self.http.post(path, data={**data, **({"csrftoken": self.csrf} if with_csrf else {})})


def read_bytes(path: str | Path) -> bytes:
    return Path(path).read_bytes()
