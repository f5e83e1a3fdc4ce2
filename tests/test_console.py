"""The officers' console in headless Chromium, against a real ``hotline serve`` whose Telegram side
talks to the Bot API stand-in: reports arrive as a reporter would send them."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pyotp
import pytest
from playwright.async_api import Browser, expect

from tests.botapi import FakeBotAPI
from tests.console import (
    STORY,
    Client,
    new_page,
    password,
    report_by_telegram,
    sign_in,
    start_server,
)
from tests.telegram_harness import Harness

pytestmark = pytest.mark.slow

ACTIONS = (
    "acknowledge",
    "handle",
    "risk",
    "recategorise",
    "assign",
    "reply",
    "note",
    "refer",
    "referral",
    "close",
    "invalid",
)


@pytest.fixture(scope="module")
async def server(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    harness = await start_server(api, tmp_path_factory.mktemp("console"))
    yield harness
    harness.stop()


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


async def test_wrong_password_then_lockout(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "kunci", "salah-sandi")
    await expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    for _ in range(4):
        await sign_in(page, "kunci", "salah-sandi")
    await expect(page.get_by_role("alert")).to_contain_text("Akun dikunci sementara")
    await sign_in(page, "kunci", password(server, "kunci"))
    await expect(page.get_by_role("alert")).to_contain_text("Akun dikunci sementara")
    assert page.url.endswith("/admin/login?lang=id")


async def test_an_officer_works_a_case_from_arrival_to_closing(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "dewi", password(server, "dewi"))
    await expect(page.get_by_role("heading", name="Antrean kasus")).to_be_visible()
    await page.get_by_role("link", name="Belum ditugaskan").click()
    reporter = 9101
    reference = await report_by_telegram(server, reporter)
    row = page.get_by_role("link", name=reference)
    await expect(row).to_be_visible(timeout=10_000)
    await expect(page.locator("#news")).to_be_visible()

    await row.click()
    await expect(page.get_by_text("Isi laporan hanya dapat dibaca")).to_be_visible()
    assert STORY not in await page.content()
    await page.get_by_role("button", name="Terima kasus ini").click()
    await expect(page.get_by_role("status")).to_have_text("Kasus diterima dan ditugaskan kepada Anda.")
    story = page.locator(".story")
    await expect(story).to_have_text(STORY)
    assert "<script>alert" not in await story.inner_html(), "reporter HTML is escaped"

    await page.get_by_role("button", name="Balas").click()
    await page.get_by_text("Pilih balasan siap pakai…").click()
    await page.locator(".canned-pick").first.click()
    await expect(page.get_by_label("Pesan untuk pelapor")).to_have_value(
        re.compile("Terima kasih atas laporan Anda")
    )
    await page.get_by_label("Pesan untuk pelapor").fill("Terima kasih. Kami akan berkunjung hari ini.")
    await page.get_by_role("button", name="Kirim balasan").click()
    await expect(page.get_by_role("status")).to_have_text("Balasan dikirim ke pelapor.")
    await server.api.wait_for(
        lambda: any("Kami akan berkunjung hari ini" in t for t in server.api.texts(reporter))
    )

    await page.get_by_role("button", name="Catatan", exact=True).click()
    await page.get_by_label("Catatan internal (tidak terlihat pelapor)").fill(
        "Kunjungan rumah jam 14.00 bersama TKSK."
    )
    await page.get_by_role("button", name="Simpan catatan").click()
    await expect(page.locator(".t-note .said")).to_have_text("Kunjungan rumah jam 14.00 bersama TKSK.")

    await page.get_by_role("button", name="Mulai menangani").click()
    await expect(page.get_by_role("status")).to_have_text("Status diperbarui.")
    await page.get_by_label("Rujuk ke layanan").select_option("uptd-ppa")
    await page.get_by_role("button", name="Rujuk", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("Rujukan dicatat.")
    await expect(page.locator("h1")).to_contain_text("Dirujuk")

    await page.goto(f"/admin/cases/{reference}")
    await page.get_by_role("button", name="Selesaikan").click()
    closing = page.locator("#close-panel")
    await expect(closing.get_by_label("Selesaikan kasus dengan hasil")).to_have_value("")
    await closing.get_by_label("Selesaikan kasus dengan hasil").select_option("kembali-keluarga")
    await closing.get_by_role("button", name="Selesaikan").click()
    await expect(page.get_by_role("heading", name=re.compile("walau masih ada yang terbuka"))).to_be_visible()
    await expect(page.get_by_role("listitem")).to_have_text(
        ["rujukan ke UPTD Perlindungan Perempuan dan Anak Kota Pekalongan belum selesai"]
    )
    await page.get_by_role("button", name="Ya, selesaikan").click()
    await expect(page.locator("h1")).to_contain_text("Selesai")
    await expect(page.locator(".outcome")).to_contain_text("Anak aman bersama keluarga")
    status, outcome = server.query("SELECT status, outcome FROM reports WHERE reference = ?", reference)[0]
    assert (status, outcome) == ("selesai", "kembali-keluarga")
    addresses = server.query(
        "SELECT count(*) FROM delivery_addresses d JOIN reports r ON r.id = d.report_id "
        "WHERE r.reference = ?",
        reference,
    )
    assert addresses == [(0,)], "closing erases the reply address"
    reads = server.query(
        "SELECT count(*) FROM audit_log a JOIN reports r ON r.id = a.report_id "
        "WHERE r.reference = ? AND a.action = 'read_content'",
        reference,
    )[0][0]
    assert reads >= 6, "every page showing the content was audited"
    assert not page.outside_requests  # type: ignore[attr-defined]


async def test_an_urgent_report_raises_a_visible_alert(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "budi", password(server, "budi"))
    await expect(page.get_by_role("heading", name="Antrean kasus")).to_be_visible()
    await expect(page.locator("#alert")).to_be_hidden()
    reference = await report_by_telegram(server, 9102, danger="yes")
    await expect(page.locator("#alert")).to_be_visible(timeout=10_000)
    await expect(page.locator("#alert")).to_contain_text("DARURAT")
    await expect(page.get_by_role("link", name=reference)).to_be_visible()
    await expect(page.locator(f"tr:has(a:text('{reference}'))")).to_have_class(re.compile("u-urgent"))


async def test_admins_must_use_two_factor(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "admin1", password(server, "admin1"), second_step=False)
    await expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    secret = await page.locator("#totp-secret").inner_text()
    await page.get_by_label("Kode 6 angka").fill("000000")
    await page.get_by_role("button", name="Lanjut").click()
    await expect(page.get_by_role("alert")).to_contain_text("Kode salah")
    await page.get_by_label("Kode 6 angka").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Lanjut").click()
    await expect(page.get_by_role("heading", name="Pengguna unit")).to_be_visible()
    await page.get_by_role("button", name="Keluar").click()
    await sign_in(page, "admin1", password(server, "admin1"), second_step=False)
    await expect(page.get_by_text("Tulis kode dari aplikasi autentikator Anda.")).to_be_visible()
    response = await page.goto("/admin/users")
    assert response is not None and page.url.endswith("/admin/login"), "no way around the second factor"
    await sign_in(page, "admin1", password(server, "admin1"), second_step=False)
    # A code is accepted once: the next sign-in uses the next 30-second step's code (within the
    # one step of clock drift the server allows) instead of waiting for it.
    await page.get_by_label("Kode 6 angka").fill(pyotp.TOTP(secret).at(time.time() + 30))
    await page.get_by_role("button", name="Lanjut").click()
    await expect(page.get_by_role("heading", name="Pengguna unit")).to_be_visible()
    response = await page.goto("/admin/queue")
    assert page.url.endswith("/admin/users"), "admins manage users, they do not read cases"


async def test_another_units_case_does_not_exist_for_an_officer(server: Harness) -> None:
    reference = await report_by_telegram(server, 9103)
    outsider = Client(server)
    await outsider.sign_in("rina", password(server, "rina"))
    assert (await outsider.http.get(f"/admin/cases/{reference}")).status_code == 404
    before = server.query(
        "SELECT status, assignee_id, urgency, category FROM reports WHERE reference = ?", reference
    )
    for action in ACTIONS:
        response = await outsider.post(
            f"/admin/cases/{reference}/{action}",
            {
                "text": "x",
                "urgency": "normal",
                "category": "lainnya",
                "officer": "1",
                "service": "lksa",
                "outcome": "tidak-ditemukan",
                "reason": "spam",
                "referral": "1",
                "status": "selesai",
            },
        )
        assert response.status_code == 404, action
    assert (await outsider.http.get(f"/admin/cases/{reference}/files/att-x")).status_code == 404
    after = server.query(
        "SELECT status, assignee_id, urgency, category FROM reports WHERE reference = ?", reference
    )
    assert after == before
    queue = (await outsider.http.get("/admin/queue?folder=all")).text
    assert reference not in queue


async def test_a_post_without_the_csrf_token_is_refused(server: Harness) -> None:
    reference = await report_by_telegram(server, 9104)
    officer = Client(server)
    await officer.sign_in("dewi", password(server, "dewi"))
    response = await officer.post(f"/admin/cases/{reference}/acknowledge", {}, with_csrf=False)
    assert response.status_code == 403
    assert server.query("SELECT status FROM reports WHERE reference = ?", reference) == [("baru",)]
    forged = await officer.post(
        f"/admin/cases/{reference}/acknowledge", {"csrftoken": "forged"}, with_csrf=False
    )
    assert forged.status_code == 403


async def test_audit_rows_and_logs_hold_no_content(server: Harness) -> None:
    reference = await report_by_telegram(server, 9106)
    officer = Client(server)
    await officer.sign_in("dewi", password(server, "dewi"))
    await officer.post(f"/admin/cases/{reference}/acknowledge", {})
    assert "ditinggal sendirian" in (await officer.http.get(f"/admin/cases/{reference}")).text
    await officer.post(f"/admin/cases/{reference}/reply", {"text": "Kami akan berkunjung besok pagi."})
    await server.api.wait_for(lambda: any("berkunjung besok pagi" in t for t in server.api.texts(9106)))
    mine = server.query(
        "SELECT a.action, a.actor FROM audit_log a JOIN reports r ON r.id = a.report_id"
        " WHERE r.reference = ?",
        reference,
    )
    assert {"acknowledge", "read_content", "reply"} <= {action for (action, _) in mine}, (
        "reads and acts audited"
    )
    assert ("reply", "console") in mine, "the console's reply is audited as the console's"
    for row in server.query("SELECT action, detail FROM audit_log"):
        assert "ditinggal sendirian" not in str(row) and "berkunjung" not in str(row)
    log = (server.folder / "serve.log").read_text()
    assert "submitted" in log, "the log is the server's, and it saw this report"
    assert "ditinggal sendirian" not in log and "Kami akan berkunjung" not in log


async def test_statistics_roster_and_export_for_a_supervisor(browser: Browser, server: Harness) -> None:
    await report_by_telegram(server, 9107)
    server.hotline("roster", "add", "dewi", "--days", "all", "--from", "00:00", "--to", "24:00")
    try:
        await _statistics_and_roster(browser, server)
    finally:  # the module's other tests expect new cases unassigned
        server.hotline("roster", "clear", "dewi")


async def _statistics_and_roster(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "budi", password(server, "budi"))
    await expect(page.locator(".duty")).to_contain_text("Dewi Lestari")
    await page.get_by_role("link", name="Statistik").click()
    await expect(page.get_by_role("heading", name=re.compile("Statistik"))).to_be_visible()
    await expect(page.get_by_role("heading", name="Kategori")).to_be_visible()
    await expect(page.locator("svg").first).to_be_visible()
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Unduh CSV").click()
    download = await download_info.value
    exported = read_text(Path(await download.path()))
    assert exported.startswith("Kelompok;Uraian;")
    assert "ditinggal sendirian" not in exported and "PKSAI-2026" not in exported
    await page.get_by_role("link", name="Jadwal piket").first.click()
    await page.get_by_label("Jenis").select_option("leave")
    await page.get_by_label("Petugas (kosongkan untuk libur unit)").select_option(label="Dewi Lestari")
    await page.get_by_label("Tanggal", exact=True).fill("2026-12-25")
    await page.get_by_role("button", name="Simpan perubahan").click()
    await expect(page.get_by_role("status")).to_have_text("Jadwal disimpan.")
    await expect(page.get_by_text("2026-12-25")).to_be_visible()
