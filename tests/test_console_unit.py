"""The unit's pages in Chromium at a desk (1366×768) and on a phone (390×844): statistics and the
export, the audit trail, the roster, users, ready replies; axe-core finds nothing on any of them."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from tests.botapi import FakeBotAPI
from tests.console import (
    SIZES,
    axe_violations,
    new_page,
    password,
    read_bytes,
    report_by_telegram,
    screenshot,
    sign_in,
    start_server,
)
from tests.telegram_harness import Harness

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def server(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    harness = await start_server(api, tmp_path_factory.mktemp("console-unit"))
    harness.hotline("roster", "add", "dewi", "--days", "all", "--from", "00:00", "--to", "24:00")
    for chat in (9401, 9402, 9403):
        await report_by_telegram(harness, chat)
    yield harness
    harness.stop()


async def supervisor(browser: Browser, server: Harness, size: str) -> Page:
    page = await new_page(browser, server, SIZES[size])
    await sign_in(page, "budi", password(server, "budi"))
    await expect(page.get_by_role("heading", name="Antrean kasus")).to_be_visible()
    return page


async def test_a_supervisor_needs_the_second_step(browser: Browser, server: Harness) -> None:
    page = await new_page(browser, server)
    await sign_in(page, "budi", password(server, "budi"), second_step=False)
    await expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    assert await axe_violations(page) == []
    await page.goto("/admin/queue")
    assert page.url.endswith("/admin/login"), "nothing opens before the second step"


@pytest.mark.parametrize("size", SIZES)
async def test_statistics_read_as_an_office_document(browser: Browser, server: Harness, size: str) -> None:
    page = await supervisor(browser, server, size)
    await page.get_by_role("link", name="Statistik").first.click()
    picker = page.get_by_label("Triwulan")
    await expect(picker).to_be_visible()
    assert re.fullmatch(
        r"Triwulan (I|II|III|IV) \d{4}", (await picker.locator("option:checked").inner_text())
    )
    assert await picker.locator("option").count() >= 8
    status = page.get_by_role("region", name="Status")
    await expect(status.get_by_role("rowheader", name="Baru")).to_be_visible()
    assert "baru" not in await status.inner_text(), "no raw status codes"
    bars = page.get_by_role("img", name=re.compile(r"^Penelantaran \(.*\): 3 laporan$"))
    await expect(bars.first).to_be_visible()
    for row in await page.locator("table.stats tbody tr").all():
        label, bar = await row.locator("th").bounding_box(), await row.locator("svg").bounding_box()
        assert label and bar and abs(bar["y"] - label["y"]) < label["height"], "each bar beside its label"
    assert await axe_violations(page) == []
    if size == "desktop":
        await screenshot(page, "console-statistics.png")
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Unduh XLSX").click()
        workbook = load_workbook(io.BytesIO(read_bytes(await (await download_info.value).path())))
        counts: list[list[Any]] = [[c.value for c in row] for row in workbook["Rincian"].iter_rows()]
        assert counts[0][:2] == ["Kelompok", "Uraian"] and counts[0][-1].startswith("Triwulan")
        category = next(
            line for line in counts if line[0] == "Kategori" and line[1].startswith("Penelantaran")
        )
        assert category[-1] == 3 and isinstance(category[-1], int)
        summary: dict[Any, Any] = {
            row[0].value: row[1].value for row in workbook["Ringkasan"].iter_rows(min_row=2)
        }
        assert summary["Laporan"] >= 3 and isinstance(summary["Laporan"], int)
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Unduh CSV").click()
        raw = read_bytes(await (await download_info.value).path())
        assert raw.startswith(b"\xef\xbb\xbfKelompok;Uraian;")


@pytest.mark.parametrize("size", SIZES)
async def test_the_audit_trail_in_words_with_filters(browser: Browser, server: Harness, size: str) -> None:
    page = await supervisor(browser, server, size)
    await page.goto("/admin/audit")
    await expect(page.get_by_role("heading", name="Jejak audit")).to_be_visible()
    text = await page.locator("main").inner_text()
    for code in ("read_content", "routed_roster", "submitted", "login"):
        assert code not in text
    await page.get_by_label("Tindakan").select_option(label="Laporan masuk")
    await page.get_by_role("button", name="Terapkan").click()
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(3)
    for row in await rows.all():
        await expect(row).to_contain_text("Laporan masuk")
        await expect(row).to_contain_text("Pelapor")
    await page.get_by_label("Nomor", exact=True).fill("PKSAI-2026-000002")
    await page.get_by_role("button", name="Terapkan").click()
    await expect(rows).to_have_count(1)
    await page.get_by_label("Dari tanggal").fill("2000-01-01")
    await page.get_by_label("Sampai tanggal").fill("2000-01-02")
    await page.get_by_role("button", name="Terapkan").click()
    await expect(page.get_by_text("Tidak ada catatan yang cocok.")).to_be_visible()
    assert await axe_violations(page) == []
    if size == "phone":
        await page.goto("/admin/audit")
        first = page.locator("table tbody tr").first
        assert "Waktu" in await first.inner_text() or await first.locator("td").first.evaluate(
            "td => getComputedStyle(td, '::before').content.includes('Waktu')"
        ), "cards keep their labels"


@pytest.mark.parametrize("size", SIZES)
async def test_supervisors_edit_the_roster_with_day_checkboxes(
    browser: Browser, server: Harness, size: str
) -> None:
    page = await supervisor(browser, server, size)
    await page.goto("/admin/roster")
    form = page.get_by_role("form", name="Tambah piket mingguan")
    await form.get_by_label("Petugas").select_option(label="Akun Kunci")
    await form.get_by_label("Senin").check()
    await form.get_by_label("Rabu").check()
    await form.get_by_label("Mulai").fill("08:00")
    await form.get_by_label("Sampai").fill("16:00")
    await form.get_by_role("button", name="Simpan piket mingguan").click()
    await expect(page.get_by_role("status")).to_have_text("Jadwal disimpan.")
    mine = page.locator("tr", has_text="Akun Kunci")
    await expect(mine).to_have_count(2)
    await expect(mine.first).to_contain_text("Senin")
    await expect(mine.last).to_contain_text("Rabu")
    assert await axe_violations(page) == []
    page.on("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Hapus piket Senin Akun Kunci").click()
    await expect(page.get_by_role("status")).to_have_text("Jadwal dihapus.")
    await expect(page.locator("tr", has_text="Akun Kunci")).to_have_count(1)
    await page.get_by_role("button", name="Hapus piket Rabu Akun Kunci").click()
    await expect(page.locator("tr", has_text="Akun Kunci")).to_have_count(0)

    officer = await new_page(browser, server, SIZES[size])
    await sign_in(officer, "dewi", password(server, "dewi"))
    await officer.goto("/admin/roster")
    await expect(officer.get_by_text("Senin").first).to_be_visible()
    assert await officer.get_by_role("button", name=re.compile("Hapus|Simpan")).count() == 0


async def test_an_admin_resets_a_password_and_the_person_chooses_a_new_one(
    browser: Browser, server: Harness
) -> None:
    output = server.hotline("user", "add", "--username", "sari", "--name", "Sari Wulan", "--role", "officer")
    page = await new_page(browser, server)
    await sign_in(page, "admin1", password(server, "admin1"))
    await expect(page.get_by_role("heading", name="Pengguna unit")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Atur ulang kata sandi Sari Wulan").click()
    await expect(page.get_by_role("heading", name="Atur ulang kata sandi Sari Wulan?")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Ya, atur ulang").click()
    shown = page.get_by_role("status")
    await expect(shown).to_contain_text("Kata sandi baru sari")
    fresh = (await shown.locator("code").inner_text()).strip()
    assert fresh and fresh != output.strip().rsplit(" ", 1)[1]

    sari = await new_page(browser, server, SIZES["phone"])
    await sign_in(sari, "sari", fresh)
    await expect(sari.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()
    await sari.goto("/admin/queue")
    assert sari.url.endswith("/admin/password"), "nothing else opens first"
    assert await axe_violations(sari) == []
    await sari.get_by_label("Kata sandi baru (minimal 12 karakter)").fill("sandi-baru-milik-sari")
    await sari.get_by_label("Ulangi kata sandi baru").fill("sandi-baru-milik-sari")
    await sari.get_by_role("button", name="Simpan kata sandi").click()
    await expect(sari.get_by_role("heading", name="Antrean kasus")).to_be_visible()

    await page.get_by_role("button", name="Nonaktifkan Sari Wulan").click()
    await expect(page.get_by_role("heading", name="Nonaktifkan Sari Wulan?")).to_be_visible()
    await page.get_by_role("link", name="Batal").click()
    assert server.query("SELECT active FROM officers WHERE username = 'sari'") == [(1,)]
    await page.get_by_role("button", name="Nonaktifkan Sari Wulan").click()
    await page.get_by_role("button", name="Ya, nonaktifkan").click()
    await expect(page.get_by_role("status")).to_contain_text("Akun dinonaktifkan")
    assert server.query("SELECT active FROM officers WHERE username = 'sari'") == [(0,)]
    await page.goto("/admin/roster")
    await expect(page.get_by_role("heading", name=re.compile("Jadwal piket"))).to_be_visible()
    await expect(page.get_by_role("form", name="Tambah piket mingguan")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
async def test_ready_replies_are_edited_per_unit_and_shown_in_full(
    browser: Browser, server: Harness, size: str
) -> None:
    long_reply = (
        f"Terima kasih ({size}). Petugas kami akan menghubungi Bapak/Ibu hari ini untuk menanyakan "
        "keadaan anak dan menyepakati waktu kunjungan rumah bersama pendamping."
    )
    page = await supervisor(browser, server, size)
    await page.get_by_role("link", name="Balasan siap pakai").first.click()
    first = page.get_by_role("form", name="Balasan 1")
    await first.get_by_label("Bahasa Indonesia").fill(long_reply)
    await first.get_by_role("button", name="Simpan").click()
    await expect(page.get_by_role("status")).to_have_text("Perubahan disimpan.")
    assert await axe_violations(page) == []
    reference = server.query("SELECT reference FROM reports ORDER BY id LIMIT 1")[0][0]
    await page.goto(f"/admin/cases/{reference}")
    await page.get_by_role("button", name="Balas").click()
    await page.get_by_text("Pilih balasan siap pakai…").click()
    await expect(page.get_by_role("button", name=long_reply, exact=True)).to_be_visible()
    await page.get_by_role("button", name=long_reply, exact=True).click()
    await expect(page.get_by_label("Pesan untuk pelapor")).to_have_value(long_reply)
    assert await axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
async def test_signing_in_and_a_missing_page_are_accessible(
    browser: Browser, server: Harness, size: str
) -> None:
    page = await new_page(browser, server, SIZES[size])
    await page.goto("/admin/login")
    assert await axe_violations(page) == []
    await sign_in(page, "dewi", password(server, "dewi"))
    response = await page.goto("/admin/cases/PKSAI-1999-000001")
    assert response is not None and response.status == 404
    assert await axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
async def test_a_roster_change_hands_the_waiting_case_to_the_officer_now_on_duty(
    browser: Browser, server: Harness, size: str
) -> None:
    chat = 9450 + len(size)
    reference = await report_by_telegram(server, chat, region="33.25.17")  # Batang: nobody on duty
    assert server.query("SELECT assignee_id FROM reports WHERE reference = ?", reference) == [(None,)]
    username = f"kepala-{size}"
    output = server.hotline(
        "user",
        "add",
        "--username",
        username,
        "--name",
        f"Kepala {size}",
        "--role",
        "supervisor",
        "--unit",
        "kab-batang",
    )
    page = await new_page(browser, server, SIZES[size])
    await sign_in(page, username, output.strip().rsplit(" ", 1)[1])
    await page.goto("/admin/queue?folder=unassigned")
    await expect(page.get_by_role("link", name=reference)).to_be_visible()
    await page.goto("/admin/roster")
    day = server.query("SELECT strftime('%Y-%m-%d', 'now', '+7 hours')")[0][0]
    form = page.get_by_role("form", name="Tambah perubahan bertanggal")
    await form.get_by_label("Jenis").select_option("extra")
    await form.get_by_label("Petugas (kosongkan untuk libur unit)").select_option(label="Rina Batang")
    await form.get_by_label("Tanggal", exact=True).fill(day)
    await form.get_by_label("Mulai").fill("00:00")
    await form.get_by_label("Sampai").fill("23:59")
    await form.get_by_role("button", name="Simpan perubahan").click()
    await expect(page.get_by_role("status")).to_have_text("Jadwal disimpan.")
    await expect(page.locator(".duty")).to_contain_text("Rina Batang")
    await page.goto(f"/admin/cases/{reference}")
    await expect(page.locator(".t-assigned").last).to_contain_text("Rina Batang")
    assert server.query(
        "SELECT o.username FROM reports r JOIN officers o ON o.id = r.assignee_id WHERE r.reference = ?",
        reference,
    ) == [("rina",)]
    await page.goto("/admin/roster")
    page.on("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name=f"Hapus perubahan tanggal {day}").click()
    await expect(page.get_by_role("status")).to_have_text("Jadwal dihapus.")
