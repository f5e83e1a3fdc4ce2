"""The web chat in headless Chromium on a 360×740 phone screen: a whole report, the receipt, an
officer's reply read with it, quick exit; and never a request to another host."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, expect

from bot.webchat import ADDRESS_STARTS
from tests.botapi import FakeBotAPI
from tests.console import screenshot
from tests.telegram_harness import Harness

pytestmark = pytest.mark.slow
NEUTRAL = "https://www.google.co.id/search?q=resep+masakan"


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    telegram = await FakeBotAPI().start()
    harness = await Harness(telegram, tmp_path_factory.mktemp("webchat")).start()
    output = harness.hotline("user", "add", "--username", "lia", "--name", "Lia", "--role", "supervisor")
    assert "password" in output
    yield harness
    harness.stop()
    await telegram.stop()


async def phone(browser: Browser, server: Harness) -> tuple[Page, list[str]]:
    context = await browser.new_context(viewport={"width": 360, "height": 740}, base_url=server.base)
    page = await context.new_page()
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.base) else elsewhere.append(r.url))
    return page, elsewhere


async def answered(page: Page, before: int) -> None:
    """Wait for the bot's answer to what was just sent."""
    await expect(page.locator(".msg.bot")).not_to_have_count(before)


async def tap(page: Page, label: str | re.Pattern[str]) -> None:
    before = await page.locator(".msg.bot").count()
    await page.locator(".options button:not([disabled])").filter(has_text=label).first.click()
    await answered(page, before)


async def say(page: Page, text: str) -> None:
    before = await page.locator(".msg.bot").count()
    await page.get_by_label("Pesan Anda").fill(text)
    await page.get_by_role("button", name="Kirim", exact=True).click()
    await answered(page, before)


async def test_a_report_a_receipt_an_officer_reply_and_quick_exit(browser: Browser, server: Harness) -> None:
    page, elsewhere = await phone(browser, server)
    response = await page.goto("/")
    assert response is not None and response.headers["cache-control"] == "no-store"
    start_url = page.url
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")
    await screenshot(page, "webchat-start.png", full_page=False)
    await tap(page, "Buat laporan")
    await expect(log).to_contain_text("Apakah Anda setuju?")
    await tap(page, "Saya setuju")
    await tap(page, "Guru / sekolah")
    await expect(log).to_contain_text("Masalah apa yang dialami anak?")
    await screenshot(page, "webchat-question.png", full_page=False)
    await say(page, "murid saya dipukul ayahnya")
    await expect(log).to_contain_text("Apakah masalahnya: Kekerasan fisik?")
    await tap(page, "Ya, benar")
    await tap(page, "Tidak")
    await say(page, "11")
    await tap(page, "Laki-laki")
    await tap(page, "Pekalongan Utara")
    await tap(page, "Krapyak")
    await say(page, "belakang SD")
    await say(page, "Sering datang dengan memar di lengan.")
    await expect(log).to_contain_text("Tersimpan")
    await tap(page, "Selesai")
    await tap(page, "Tetap anonim")
    await expect(log).to_contain_text("Periksa laporan Anda")
    await tap(page, "Kirim laporan")
    receipt = page.locator(".msg.bot").filter(has_text="Kode tanda terima")
    await expect(receipt).to_be_visible()
    text = await receipt.inner_text()
    reference = re.search(r"PKSAI-\d{4}-\d{6}", text).group(0)  # type: ignore[union-attr]
    code = re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", text).group(0)  # type: ignore[union-attr]
    await screenshot(page, "webchat-receipt.png", full_page=False)
    assert page.url == start_url, "the address bar never changes while reporting"
    assert server.query("SELECT channel, category FROM reports WHERE reference = ?", reference) == [
        ("web", "fisik")
    ]

    server.hotline(
        "officer", "reply", reference, "--as", "lia", "Terima kasih, kami sudah menghubungi sekolah."
    )
    await tap(page, "Cek status")
    await say(page, code)
    await expect(log).to_contain_text("Petugas (")
    await expect(log).to_contain_text("Terima kasih, kami sudah menghubungi sekolah.")
    await tap(page, "Balas petugas")
    await say(page, "Baik, terima kasih Bu.")
    await expect(log).to_contain_text("Pesan Anda sudah dikirim ke petugas.")
    assert not elsewhere, f"requests to other hosts: {elsewhere}"

    async def neutral(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body="<html><body>resep</body></html>")

    await page.context.route(re.compile(r"https://www\.google\.co\.id/.*"), neutral)
    await page.get_by_role("button", name="Keluar cepat").click()
    await page.wait_for_url(NEUTRAL)
    await page.go_back()
    assert page.url != start_url or "Kode tanda terima" not in await page.content()
    await page.goto(start_url)
    await expect(page.get_by_role("log")).to_contain_text("Apa yang ingin Anda lakukan?")
    assert "Kode tanda terima" not in await page.get_by_role("log").inner_text(), "the chat was cleared"
    assert await page.evaluate("sessionStorage.length") == 1, "a fresh conversation"


async def test_keyboard_only_and_without_javascript(browser: Browser, server: Harness) -> None:
    page, _ = await phone(browser, server)
    await page.goto("/")
    await expect(page.get_by_role("log")).to_contain_text("Apa yang ingin Anda lakukan?")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "1. Buat laporan", "the first option has the focus"
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("log")).to_contain_text("Apakah Anda setuju?")
    context = await browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    bare = await context.new_page()
    await bare.goto(server.base + "/")
    body = await bare.inner_text("body")
    assert "112" in body and "129" in body and "Obrolan memerlukan JavaScript" in body
    await context.close()


@pytest.fixture
async def flooded(tmp_path: Path) -> AsyncIterator[Harness]:
    """A server of its own: the flood below leaves this address refused for ten minutes."""
    telegram = await FakeBotAPI().start()
    harness = await Harness(telegram, tmp_path).start()
    yield harness
    harness.stop()
    await telegram.stop()


async def test_receipt_lookups_and_starts_are_rate_limited(flooded: Harness) -> None:
    server = flooded
    async with httpx.AsyncClient(base_url=server.base) as client:
        token = (await client.post("/chat/start", json={})).json()["client"]
        await client.post("/chat/send", json={"client": token, "choice": "status", "question": "menu"})
        statuses = []
        for i in range(12):
            reply = await client.post("/chat/send", json={"client": token, "text": f"{i:016d}"})
            statuses.append(reply.status_code)
        assert statuses.count(429) >= 2, "the 11th lookup of one conversation is refused"
        starts = [(await client.post("/chat/start", json={})).status_code for _ in range(ADDRESS_STARTS.hits)]
        assert 429 in starts, "a flood of new conversations from one address stops at the address limit"
        refused = await client.post("/chat/start", json={})
        assert "Terlalu banyak" in refused.json()["replies"][0]["text"]
    assert not server.query("SELECT 1 FROM conversations WHERE key LIKE '%127.0.0.1%'")
    assert not server.query("SELECT 1 FROM attempt_counters WHERE key LIKE '%127.0.0.1%'")
