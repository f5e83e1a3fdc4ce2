"""Statistics and the quarterly export, opened and checked (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from admin import stats, stats_export
from bot.hotline import Hotline
from flows.report import AgeBand, ReportDraft
from flows.vocabulary import Status, Urgency
from storage.reports import ReportStore
from storage.units import unit_ids

SECRET_STORY = "Cerita-rahasia yang tidak boleh keluar"


def draft(category: str, region: str, age_band: AgeBand = "6-12", sex: str = "female") -> ReportDraft:
    return ReportDraft(
        unit="kota-pekalongan",
        region=region,
        category=category,
        simfoni=None,
        role="neighbour",
        danger="no",
        urgency=Urgency.NORMAL,
        age=None,
        age_band=age_band,
        sex=sex,
        kelurahan=None,
        landmark=None,
        coords=None,
        story=(SECRET_STORY,),
        attachments=(),
        phone="+6281234567890",
        locale="id",
        source=None,
        complete=True,
    )


async def seed(hotline: Hotline) -> None:
    plan = [
        (datetime(2026, 10, 5, 3, tzinfo=UTC), "fisik", "33.75.01"),
        (datetime(2026, 10, 6, 3, tzinfo=UTC), "fisik", "33.75.01"),
        (datetime(2026, 10, 9, 3, tzinfo=UTC), "fisik", "33.75.02"),
        (datetime(2026, 11, 2, 3, tzinfo=UTC), "fisik", "33.75.02"),
        (datetime(2026, 11, 3, 3, tzinfo=UTC), "putus-sekolah", "33.75.03"),
        (datetime(2026, 12, 30, 18, tzinfo=UTC), "putus-sekolah", "33.75.03"),  # 31 Dec 01:00 WIB
        (datetime(2026, 12, 31, 18, tzinfo=UTC), "napza", "33.75.03"),  # 1 Jan 2027 WIB: next quarter
        (datetime(2026, 9, 30, 16, tzinfo=UTC), "napza", "33.75.04"),  # 30 Sep 23:00 WIB: previous quarter
    ]
    async with hotline.sessions() as session, session.begin():
        store = ReportStore(session, hotline.settings.keyring, await unit_ids(session))
        for when, category, region in plan:
            report = await store.create(draft(category, region), "telegram", when)
            if category == "fisik":
                report.acknowledged_at = when + timedelta(hours=2)
                report.status = Status.ACCEPTED


async def quarter_summary(hotline: Hotline) -> stats.Summary:
    unit = hotline.settings.deployment.default_unit
    async with hotline.sessions() as session:
        ids = await unit_ids(session)
        return await stats.summarise(
            session,
            unit,
            ids[unit.code],
            stats.Quarter(2026, 4),
            hotline.settings.deployment,
            datetime(2027, 1, 15, tzinfo=UTC),
            lambda key: hotline.catalogues.text("id", key),
            "id",
        )


def words(hotline: Hotline, locale: str = "id"):  # type: ignore[no-untyped-def]
    return lambda key: hotline.catalogues.text(locale, key)


async def test_the_quarter_counts_each_report_in_its_local_month(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    assert summary.reports == 6
    rows = {(r.dimension, r.value): r.per_month for r in summary.rows}
    assert rows[("category", "fisik")] == (3, 1, 0)
    assert rows[("category", "putus-sekolah")] == (0, 1, 1)
    assert ("category", "napza") not in rows
    assert rows[("region", "33.75.03")] == (0, 1, 1)
    assert summary.median_ack_hours == 2.0
    assert (summary.overdue_ack, summary.overdue_close) == (2, 4), (
        "2 not acknowledged in 24 h, 4 fisik not closed in 14 days"
    )


async def test_every_code_has_an_indonesian_label(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    labels = {(r.dimension, r.value): r.label for r in summary.rows}
    assert labels[("status", "baru")] == "Baru"
    assert labels[("status", "diterima")] == "Diterima"
    assert labels[("age_band", "6-12")] == "Anak (6–12 tahun)"
    assert labels[("sex", "female")] == "Perempuan"
    assert labels[("reporter_role", "neighbour")] == "Tetangga / warga"
    assert labels[("simfoni", "-")] == "Belum diisi"
    assert all(r.label != r.value or r.dimension == "region" for r in summary.rows if r.value != "-")


async def test_the_csv_opens_in_indonesian_excel(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    raw = stats_export.to_csv(summary, words(hotline))
    assert raw.startswith("\ufeff".encode()), "a UTF-8 BOM, or Excel guesses the wrong encoding"
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Kelompok", "Uraian", "Okt 2026", "Nov 2026", "Des 2026", "Triwulan IV 2026"]
    by_label = {(line[0], line[1]): line[2:] for line in lines[1:]}
    assert by_label[("Kategori", "Kekerasan fisik")] == ["3", "<3", "0", "4"]
    assert by_label[("Kategori", "Putus sekolah")] == ["0", "<3", "<3", "<3"]
    assert by_label[("Kecamatan", "Pekalongan Barat")] == ["<3", "0", "0", "<3"]
    commas = stats_export.to_csv(summary, words(hotline), ",").decode("utf-8-sig")
    assert commas.splitlines()[0] == "Kelompok,Uraian,Okt 2026,Nov 2026,Des 2026,Triwulan IV 2026"


async def test_the_workbook_has_numbers_widths_and_a_summary_sheet(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    book = load_workbook(io.BytesIO(stats_export.to_xlsx(summary, words(hotline))))
    assert book.sheetnames == ["Rincian", "Ringkasan"]
    counts = book["Rincian"]
    cells = [[c.value for c in row] for row in counts.iter_rows()]
    assert cells[0] == ["Kelompok", "Uraian", "Okt 2026", "Nov 2026", "Des 2026", "Triwulan IV 2026"]
    fisik = next(line for line in cells if line[:2] == ["Kategori", "Kekerasan fisik"])
    assert fisik[2:] == [3, "<3", 0, 4]
    assert isinstance(fisik[2], int) and isinstance(fisik[5], int), "numbers are numbers"
    assert counts["A1"].font.bold
    assert counts.column_dimensions["B"].width >= len("Kekerasan fisik")
    totals = {row[0].value: row[1].value for row in book["Ringkasan"].iter_rows(min_row=2)}
    assert totals["Laporan"] == 6
    assert totals["Median waktu sampai diterima (jam)"] == 2.0
    assert totals["Belum diterima lewat tenggat"] == 2
    assert totals["Belum selesai lewat tenggat"] == 4
    assert totals["Tindak lanjut rujukan terlambat"] == 0
    everything = repr(cells) + repr(totals)
    for forbidden in (SECRET_STORY, "PKSAI-2026", "6281234567890", "telegram"):
        assert forbidden not in everything


async def test_english_headers_for_an_english_speaking_officer(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    english = [
        line.split(";")
        for line in stats_export.to_csv(summary, words(hotline, "en")).decode("utf-8-sig").splitlines()
    ]
    assert english[0][:2] == ["Grouping", "Item"] and english[0][-1] == "Quarter IV 2026"
