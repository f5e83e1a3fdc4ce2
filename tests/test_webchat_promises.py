"""The web chat keeps its promises, in headless Chromium on a 360×740 phone: every option visible
and tappable (never under the compose bar), photos and the location sent, an officer's reply in the
open tab, a failed send that keeps the text, tappable emergency numbers, and a receipt code kept in
view on one line until the reporter has saved it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, Page, Route, expect

from tests.console import screenshot
from tests.telegram_harness import Harness
from tests.test_webchat import answered, phone, say, server, tap

__all__ = ["server"]
pytestmark = pytest.mark.slow
MIN_TAP = 44


async def check_options_visible(page: Page) -> int:
    """Every enabled option: at least 44×44 px and, scrolled to, not covered by the header or the dock;
    after an answer the last option already sits above the dock."""
    buttons = page.locator(".options button:not([disabled])")
    count = await buttons.count()
    assert count, "a question with options"
    last = buttons.nth(count - 1)
    dock_top = await page.evaluate("document.getElementById('dock').getBoundingClientRect().top")
    box = await last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= dock_top + 1, "the last option sits above the dock"
    for i in range(count):
        button = buttons.nth(i)
        await button.evaluate("b => b.scrollIntoView({block: 'nearest'})")
        box = await button.bounding_box()
        assert box is not None and box["height"] >= MIN_TAP and box["width"] >= MIN_TAP, box
        on_top = await button.evaluate(
            """b => { const r = b.getBoundingClientRect();
                      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                      return hit === b || b.contains(hit); }"""
        )
        assert on_top, f"option {i + 1} is covered: {await button.inner_text()}"
    return count


async def test_every_option_is_visible_and_tappable(browser: Browser, server: Harness) -> None:
    page, _ = await phone(browser, server)
    await page.goto("/")
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")
    steps = [
        ("Buat laporan", "Apakah Anda setuju?"),
        ("Saya setuju", "Siapa yang melapor?"),
        ("Tetangga", "Masalah apa"),
        ("Kekerasan psikis", "dalam bahaya sekarang"),
        ("Tidak tahu", "Berapa umur"),
        ("6–12", "Jenis kelamin"),
        ("Perempuan", "Di kecamatan mana"),
        ("Pekalongan Barat", "Kelurahan/desa mana"),
    ]
    assert await check_options_visible(page) == 5
    for label, expected in steps:
        await tap(page, label)
        await expect(log).to_contain_text(expected)
        await check_options_visible(page)
    await screenshot(page, "webchat-options.png", full_page=False)


async def test_a_photo_and_the_location_are_sent(browser: Browser, server: Harness, tmp_path: Path) -> None:
    context = await browser.new_context(
        viewport={"width": 360, "height": 740},
        base_url=server.base,
        geolocation={"latitude": -6.893123, "longitude": 109.690187},
        permissions=["geolocation"],
    )
    page = await context.new_page()
    await page.goto("/")
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")
    locate = page.get_by_role("button", name="Bagikan lokasi saya")
    await expect(locate).to_be_hidden()
    for label in (
        "Buat laporan",
        "Saya setuju",
        "Guru / sekolah",
        "Penelantaran",
        "Tidak",
        "6–12",
        "Laki-laki",
    ):
        await tap(page, label)
    await expect(log).to_contain_text("Di kecamatan mana")
    await expect(locate).to_be_visible()
    before = await page.locator(".msg.bot").count()
    await locate.click()
    await answered(page, before)
    await expect(log).to_contain_text("Lokasi diterima: Kecamatan Pekalongan Timur.")
    await expect(log).to_contain_text("Kelurahan/desa mana di Kecamatan Pekalongan Timur?")
    await tap(page, "Lewati")
    await tap(page, "Lewati")
    await expect(log).to_contain_text("Ceritakan apa yang terjadi")
    photo = tmp_path / "memar.jpg"
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasiaWeb"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
    photo.write_bytes(buffer.getvalue())
    await page.locator("#photo").set_input_files(str(photo))
    await expect(page.get_by_role("img", name="Foto yang akan dikirim")).to_be_visible()
    await screenshot(page, "webchat-photo-preview.png", full_page=False)
    before = await page.locator(".msg.bot").count()
    await page.get_by_role("button", name="Kirim foto", exact=True).click()
    await answered(page, before)
    await expect(log).to_contain_text("Foto diterima")
    await expect(page.locator(".msg.me.photo img")).to_be_visible()
    rows = server.query(
        "SELECT kind, mime, display IS NOT NULL, original FROM attachments WHERE kind = 'photo'"
    )
    assert any(kind == "photo" and shown for kind, _mime, shown, _original in rows)
    assert all(b"KameraRahasiaWeb" not in original for *_, original in rows), "stored sealed"
    text_file = tmp_path / "catatan.txt"
    text_file.write_text("bukan foto")
    await page.locator("#photo").set_input_files(str(text_file))
    await expect(log).to_contain_text("hanya foto")
    await context.close()


async def test_an_officer_reply_appears_in_the_open_tab(browser: Browser, server: Harness) -> None:
    page, _ = await phone(browser, server)
    await page.goto("/")
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")
    await say(page, "tolong, aku takut pulang ke rumah")
    urgent = page.locator(".msg.urgent").first
    await expect(urgent).to_contain_text("112")
    reference = server.query("SELECT reference FROM reports ORDER BY id DESC LIMIT 1")[0][0]
    server.hotline(
        "officer", "reply", reference, "--as", "lia", "Kami segera ke sana. Kamu di mana sekarang?"
    )
    await expect(page.locator(".msg.officer")).to_contain_text("Kamu di mana sekarang?", timeout=30_000)
    await expect(page.locator(".msg.officer")).to_contain_text(reference)


async def test_emergency_numbers_are_tappable_links(browser: Browser, server: Harness) -> None:
    page, _ = await phone(browser, server)
    await page.goto("/")
    await expect(page.get_by_role("log")).to_contain_text("Apa yang ingin Anda lakukan?")
    await say(page, "aku pengen mati aja")
    urgent = page.locator(".msg.urgent").last
    for number, href in (
        ("112", "tel:112"),
        ("129", "tel:129"),
        ("08111129129", "https://wa.me/628111129129"),
    ):
        link = urgent.get_by_role("link", name=number, exact=True).first
        await expect(link).to_have_attribute("href", href)
        box = await link.bounding_box()
        assert box is not None and box["height"] >= MIN_TAP
    await screenshot(page, "webchat-emergency.png", full_page=False)


async def test_a_failed_send_keeps_the_text_and_offers_kirim_ulang(browser: Browser, server: Harness) -> None:
    page, _ = await phone(browser, server)
    await page.goto("/")
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")

    async def broken(route: Route) -> None:
        await route.abort("internetdisconnected")

    await page.route("**/chat/send", broken)
    box = page.get_by_label("Pesan Anda")
    await box.fill("Anak tetangga dikurung di gudang sejak kemarin")
    await page.get_by_role("button", name="Kirim", exact=True).click()
    failed = page.locator(".msg.me.failed")
    await expect(failed).to_contain_text("Belum terkirim")
    await expect(box).to_have_value("Anak tetangga dikurung di gudang sejak kemarin")
    await screenshot(page, "webchat-failed-send.png", full_page=False)
    await page.unroute("**/chat/send", broken)
    before = await page.locator(".msg.bot").count()
    await failed.get_by_role("button", name="Kirim ulang").click()
    await answered(page, before)
    await expect(page.locator(".msg.me.failed")).to_have_count(0)
    await expect(page.locator(".msg.urgent").last).to_contain_text("112")


async def test_the_receipt_stays_in_view_on_one_line_until_saved(browser: Browser, server: Harness) -> None:
    context = await browser.new_context(
        viewport={"width": 360, "height": 740},
        base_url=server.base,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = await context.new_page()
    await page.goto("/")
    log = page.get_by_role("log")
    await expect(log).to_contain_text("Apa yang ingin Anda lakukan?")
    for label in (
        "Buat laporan",
        "Saya setuju",
        "Orang tua / wali",
        "Putus sekolah",
        "Tidak",
        "13–17",
        "Laki-laki",
    ):
        await tap(page, label)
    await tap(page, "Pekalongan Utara")
    await tap(page, "Krapyak")
    await tap(page, "Lewati")
    await say(page, "Sudah dua bulan tidak sekolah karena harus jaga adik.")
    await tap(page, "Selesai")
    await tap(page, "Tetap anonim")
    await tap(page, "Kirim laporan")
    panel = page.get_by_role("region", name=re.compile("Kode tanda terima"))
    await expect(panel).to_be_visible()
    code = (await page.locator("#receipt-code").inner_text()).strip()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", code)
    for element in ("#receipt-code", ".msg.bot .code"):
        lines = await page.locator(element).last.evaluate("e => e.getClientRects().length")
        assert lines == 1, f"{element} is on one line"
    await screenshot(page, "webchat-receipt.png", full_page=False)
    await panel.get_by_role("button", name="Salin").click()
    await expect(panel.get_by_role("button", name="Tersalin ✓")).to_be_visible()
    assert await page.evaluate("navigator.clipboard.readText()") == code
    await tap(page, "Tentang layanan")
    await expect(panel).to_be_in_viewport()
    await panel.get_by_role("button", name="Sudah saya simpan").click()
    await expect(panel).to_be_hidden()
    await context.close()


async def test_the_server_takes_only_real_images_within_the_limit(server: Harness) -> None:
    async with httpx.AsyncClient(base_url=server.base) as client:
        token = (await client.post("/chat/start", json={})).json()["client"]
        fake = {"photo": ("foto.jpg", b"<script>bukan foto</script>", "image/jpeg")}
        refused = await client.post("/chat/photo", data={"client": token, "locale": "id"}, files=fake)
        assert refused.status_code == 415 and "hanya foto" in refused.json()["replies"][0]["text"]
        stranger = await client.post("/chat/photo", data={"client": "x" * 54}, files=fake)
        assert stranger.status_code == 400
        assert not server.query("SELECT 1 FROM attachments WHERE size = 27"), "nothing stored"
        first = await client.post("/chat/replies", json={"client": token})
        assert first.json()["replies"] == [] and isinstance(first.json()["after"], int)
        wrong = await client.post("/chat/send", json={"client": token, "location": {"lat": "x", "lon": 1}})
        assert wrong.status_code == 200 and "Lokasi diterima" not in wrong.text
