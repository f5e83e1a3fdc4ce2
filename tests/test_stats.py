"""Statistics and the quarterly export, opened and checked (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from admin import stats
from bot.hotline import Hotline
from flows.report import ReportDraft
from storage.reports import ReportStore
from storage.units import unit_ids

SECRET_STORY = "Cerita-rahasia yang tidak boleh keluar"


def draft(category: str, region: str, age_band: str = "6-12", sex: str = "female") -> ReportDraft:
    return ReportDraft(
        unit="kota-pekalongan",
        region=region,
        category=category,
        simfoni=None,
        role="neighbour",
        danger="no",
        urgency="normal",
        age=None,
        age_band=age_band,
        sex=sex,
        kelurahan=None,  # type: ignore[arg-type]
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
                report.status = "diterima"


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
    assert summary.overdue == 6, "2 not acknowledged in 24 h, 4 fisik not closed in 14 days"


async def test_the_export_suppresses_small_cells_and_carries_no_text(hotline: Hotline) -> None:
    await seed(hotline)
    summary = await quarter_summary(hotline)
    lines = list(csv.reader(io.StringIO(stats.to_csv(summary).decode("utf-8-sig"))))
    assert lines[0] == ["dimension", "value", "2026-10", "2026-11", "2026-12", "2026-Q4"]
    by_label = {(line[0], line[1]): line[2:] for line in lines[1:]}
    assert by_label[("category", "Kekerasan fisik")] == ["3", "<3", "0", "4"]
    assert by_label[("category", "Putus sekolah")] == ["0", "<3", "<3", "<3"]
    assert by_label[("region", "Pekalongan Barat")] == ["<3", "0", "0", "<3"]
    workbook = load_workbook(io.BytesIO(stats.to_xlsx(summary)))
    sheet = workbook["2026-Q4"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells == lines
    everything = repr(cells)
    for forbidden in (SECRET_STORY, "PKSAI-2026", "6281234567890", "telegram"):
        assert forbidden not in everything
