"""The night-shift officer's case work in Chromium, on a phone (390×844) and at a desk (1366×768):
the action bar first, forms in place without reloads, tap targets, the reporter's number as links,
unread messages and live updates, closing right, referrals with substance, keyboard shortcuts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.botapi import FakeBotAPI
from tests.console import (
    SIZES,
    Client,
    axe_violations,
    new_page,
    password,
    report_by_telegram,
    reporter_writes_again,
    screenshot,
    sign_in,
    start_server,
)
from tests.telegram_harness import Harness

pytestmark = pytest.mark.slow

SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("a, button, select, input, textarea, summary")) {
    if (el.type === "hidden" || el.closest(".sr, [hidden], .skip")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    if (el.type === "checkbox") continue;
    const name = (el.innerText || el.name || "").trim();
    const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
    if (box.height < 44 || box.width < 44) small.push(`${el.tagName} "${name}" ${size}`);
  }
  return small;
}"""


@pytest.fixture(scope="module")
async def server(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    harness = await start_server(api, tmp_path_factory.mktemp("console-case"))
    harness.hotline("roster", "add", "dewi", "--days", "all", "--from", "00:00", "--to", "24:00")
    yield harness
    harness.stop()


async def officer(browser: Browser, server: Harness, size: str) -> Page:
    page = await new_page(browser, server, SIZES[size])
    await sign_in(page, "dewi", password(server, "dewi"))
    await expect(page.get_by_role("heading", name="Antrean kasus")).to_be_visible()
    return page


@pytest.mark.parametrize("size", SIZES)
async def test_actions_come_first_and_work_in_place(browser: Browser, server: Harness, size: str) -> None:
    chat = 9500 + len(size)
    reference = await report_by_telegram(server, chat, phone="0812 3456 7890")
    page = await officer(browser, server, size)
    row = page.locator("tr", has=page.get_by_role("link", name=reference))
    await expect(row).to_contain_text("baru")
    if size == "phone":
        label = await row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert "Urgensi" in label, "queue cards keep their column labels"
        await screenshot(page, "console-queue-phone.png")
    else:
        await screenshot(page, "console-queue-desktop.png")
    assert await page.evaluate(SMALL_TARGETS) == []
    assert await axe_violations(page) == []

    await page.get_by_role("link", name=reference).click()
    bar = page.get_by_role("navigation", name="Tindakan cepat")
    await expect(bar).to_be_visible()
    await bar.get_by_role("button", name="Terima kasus ini").click()
    await expect(page.get_by_role("status")).to_have_text("Kasus diterima dan ditugaskan kepada Anda.")
    await page.evaluate("window.__sameDocument = true")

    await bar.get_by_role("button", name="Balas").click()
    reply = page.get_by_label("Pesan untuk pelapor")
    await expect(reply).to_be_focused()
    box = await reply.bounding_box()
    report_heading = await page.get_by_role("heading", name="Laporan", exact=True).bounding_box()
    assert box and report_heading and box["y"] < report_heading["y"], "the reply box comes before the report"
    assert box["y"] >= 0 and box["y"] + box["height"] <= SIZES[size]["height"], "in view without scrolling"
    if size == "phone":
        bar_box = await bar.bounding_box()
        assert bar_box and bar_box["y"] + bar_box["height"] >= SIZES["phone"]["height"] - 2, (
            "bar at the bottom"
        )
    await reply.fill("Kami akan menelepon Anda siang ini.")
    await page.get_by_role("button", name="Kirim balasan").click()
    await expect(page.get_by_role("status")).to_have_text("Balasan dikirim ke pelapor.")
    assert await page.evaluate("window.__sameDocument === true"), "no full reload"
    await expect(page.locator(".t-officer_reply .said").last).to_have_text(
        "Kami akan menelepon Anda siang ini."
    )

    await bar.get_by_role("button", name="Catatan").click()
    await page.get_by_label("Catatan internal (tidak terlihat pelapor)").fill("Telepon pelapor pukul 13.00.")
    await page.get_by_role("button", name="Simpan catatan").click()
    await expect(page.locator(".t-note .said").last).to_have_text("Telepon pelapor pukul 13.00.")
    assert await page.evaluate("window.__sameDocument === true")

    await expect(page.get_by_role("link", name="Telepon")).to_have_attribute("href", "tel:+6281234567890")
    await expect(page.get_by_role("link", name="WhatsApp")).to_have_attribute(
        "href", "https://wa.me/6281234567890"
    )
    assert await page.evaluate(SMALL_TARGETS) == []
    assert await axe_violations(page) == []
    await screenshot(page, f"console-case-{size}.png", full_page=size == "desktop")
    assert not page.outside_requests  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", SIZES)
async def test_a_reporter_message_shows_as_unread_and_live(
    browser: Browser, server: Harness, size: str
) -> None:
    chat = 9600 + len(size)
    reference = await report_by_telegram(server, chat)
    page = await officer(browser, server, size)
    await page.get_by_role("link", name=reference).click()
    await page.get_by_role("button", name="Terima kasus ini").click()
    await expect(page.get_by_role("status")).to_have_text("Kasus diterima dan ditugaskan kepada Anda.")
    await page.evaluate("window.__sameDocument = true")
    await reporter_writes_again(server, chat, "Tadi malam anaknya dikunci lagi.")
    await expect(page.locator(".t-reporter_message .said").last).to_have_text(
        "Tadi malam anaknya dikunci lagi.", timeout=15_000
    )
    await expect(page.locator("#live")).to_have_text("Ada pembaruan pada kasus ini.")
    assert await page.evaluate("window.__sameDocument === true"), "updated in place"
    await page.context.close()  # an open case page counts as having seen what arrives

    queue = await officer(browser, server, size)
    await queue.goto("/admin/queue?folder=mine")
    row = queue.locator("tr", has=queue.get_by_role("link", name=reference))
    await expect(row).not_to_contain_text("pesan baru")
    await reporter_writes_again(server, chat, "Mohon segera dibantu.")
    await expect(row).to_contain_text("1 pesan baru", timeout=15_000)
    await expect(
        queue.get_by_role("link", name=re.compile(r"Kasus saya [1-9]\d* belum dibaca"))
    ).to_be_visible()
    await expect(row).to_contain_text(re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}"))
    assert await axe_violations(queue) == []


@pytest.mark.parametrize("size", SIZES)
async def test_closing_and_reopening_with_a_referral_followed_up(
    browser: Browser, server: Harness, size: str
) -> None:
    chat = 9700 + len(size)
    reference = await report_by_telegram(server, chat)
    page = await officer(browser, server, size)
    await page.goto(f"/admin/cases/{reference}")
    await page.get_by_role("button", name="Terima kasus ini").click()
    await expect(page.get_by_role("status")).to_have_text("Kasus diterima dan ditugaskan kepada Anda.")
    refer = page.get_by_role("form", name="Rujukan baru")
    await refer.get_by_label("Rujuk ke layanan").select_option("uptd-ppa")
    await refer.get_by_label("Narahubung di layanan").fill("Ibu Sari (konselor)")
    await refer.get_by_label("Tindak lanjut paling lambat").fill("2020-01-31")
    await refer.get_by_label("Catatan rujukan").fill("Perlu pendampingan psikologis.")
    await refer.get_by_role("button", name="Rujuk", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("Rujukan dicatat.")
    referral = page.locator(".referral")
    await expect(referral).to_contain_text("Ibu Sari (konselor)")
    await expect(referral).to_contain_text("terlambat")
    await referral.get_by_label(re.compile("Status rujukan")).select_option("diterima")
    await referral.get_by_label("Catatan perubahan").fill("Diterima oleh Ibu Sari.")
    await referral.get_by_role("button", name="Simpan").click()
    entry = page.locator(".t-referral").last
    await expect(entry).to_contain_text("Diajukan → Diterima")
    await expect(entry).to_contain_text("Diterima oleh Ibu Sari.")

    queue = await officer(browser, server, size)
    late = queue.get_by_role("region", name="Tindak lanjut rujukan terlambat")
    await expect(late).to_contain_text(reference)
    assert await axe_violations(queue) == []

    await page.get_by_role("button", name="Selesaikan").click()
    panel = page.locator("#close-panel")
    await expect(panel).to_contain_text(
        "rujukan ke UPTD Perlindungan Perempuan dan Anak Kota Pekalongan belum selesai"
    )
    select = panel.get_by_label("Selesaikan kasus dengan hasil")
    await expect(select).to_have_value("")
    await panel.get_by_role("button", name="Selesaikan").click()
    assert await select.evaluate("s => !s.validity.valid"), "an outcome must be chosen"
    await select.select_option("rujukan-selesai")
    await panel.get_by_role("button", name="Selesaikan").click()
    await expect(page.get_by_role("heading", name=re.compile("walau masih ada yang terbuka"))).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Ya, selesaikan").click()
    await expect(page.locator(".outcome")).to_contain_text("Hasil:")
    await expect(page.get_by_role("navigation", name="Tindakan cepat")).to_have_count(0)
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Buka kembali").click()
    await expect(page.get_by_role("status")).to_have_text("Kasus dibuka kembali.")
    await expect(page.locator("h1")).to_contain_text("Ditangani")
    await expect(page.locator(".t-reopened")).to_be_visible()


async def test_closing_as_invalid_needs_the_report_read_first(server: Harness) -> None:
    reference = await report_by_telegram(server, 9801)
    dewi = Client(server)
    await dewi.sign_in("dewi", password(server, "dewi"))
    response = await dewi.post(f"/admin/cases/{reference}/invalid", {"reason": "spam"})
    assert response.headers["location"].endswith("error=console.error.read_first")
    assert server.query("SELECT status FROM reports WHERE reference = ?", reference) == [("baru",)]
    assert (await dewi.http.get(f"/admin/cases/{reference}")).status_code == 200
    response = await dewi.post(f"/admin/cases/{reference}/invalid", {"reason": "spam"})
    assert response.headers["location"].endswith("done=console.done.closed")
    assert server.query("SELECT status, outcome FROM reports WHERE reference = ?", reference) == [
        ("ditutup", "spam")
    ]
    other = Client(server)
    await other.sign_in("kunci", password(server, "kunci"))
    reference = await report_by_telegram(server, 9802)
    assert (await other.post(f"/admin/cases/{reference}/invalid", {"reason": "spam"})).status_code == 404


async def test_keyboard_shortcuts_on_a_desk(browser: Browser, server: Harness) -> None:
    first = await report_by_telegram(server, 9901)
    await report_by_telegram(server, 9902)
    page = await officer(browser, server, "desktop")
    await page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name="Pintasan papan ketik")
    await expect(overlay).to_be_visible()
    await expect(overlay).to_contain_text("Balas pelapor")
    assert await axe_violations(page) == []
    await page.keyboard.press("Escape")
    await expect(overlay).to_be_hidden()
    await page.keyboard.press("j")
    await expect(page.locator("a.case-link").first).to_be_focused()
    await page.goto(f"/admin/cases/{first}")
    await page.keyboard.press("t")
    await expect(page.get_by_role("status")).to_have_text("Kasus diterima dan ditugaskan kepada Anda.")
    await page.keyboard.press("r")
    await expect(page.get_by_label("Pesan untuk pelapor")).to_be_focused()
    await page.keyboard.type("r")
    await expect(page.get_by_label("Pesan untuk pelapor")).to_have_value("r")  # typing is not a shortcut
    await page.locator("h1").click()
    await page.keyboard.press("n")
    await expect(page.get_by_label("Catatan internal (tidak terlihat pelapor)")).to_be_focused()
    await page.locator("h1").click()
    await page.keyboard.press("c")
    await expect(page.get_by_label("Selesaikan kasus dengan hasil")).to_be_focused()
    await page.locator("h1").click()
    following = await page.locator("#next-case").get_attribute("href")
    await page.keyboard.press("j")
    await page.wait_for_url(f"**{following}")
    await page.keyboard.press("g")
    await page.wait_for_url("**/admin/queue")


async def test_the_phone_layout_at_390_has_no_tiny_targets_on_any_officer_page(
    browser: Browser, server: Harness
) -> None:
    page = await officer(browser, server, "phone")
    for path in ("/admin/queue", "/admin/queue?folder=unassigned", "/admin/roster", "/admin/password"):
        await page.goto(path)
        assert await page.evaluate(SMALL_TARGETS) == [], path
        assert await axe_violations(page) == [], path
