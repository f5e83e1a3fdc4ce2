"""The quarterly export as an office opens it: CSV for Excel with Indonesian regional settings
(``;`` and a UTF-8 BOM by default), and XLSX with numeric cells, labelled headers, column widths
and a summary sheet. No free text, no identifiers; counts of 1–2 are suppressed as ``<3``."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from admin import labels as L
from admin.stats import Summary, Translate, month_name, suppressed
from flows.i18n import N_

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Cell = int | float | str | None


def header(summary: Summary, translate: Translate) -> list[str]:
    months = [month_name(y, m, summary.locale) for y, m in summary.quarter.months]
    return [
        translate(N_("console.stats.col.dimension")),
        translate(N_("console.stats.col.value")),
        *months,
        summary.quarter.title(translate),
    ]


def table(summary: Summary, translate: Translate) -> list[list[Cell]]:
    """The counts: one line per value of each dimension, by month and for the quarter."""
    lines: list[list[Cell]] = [list(header(summary, translate))]
    for row in summary.rows:
        cells = [suppressed(n) for n in (*row.per_month, row.total)]
        lines.append([translate(L.DIMENSION[row.dimension]), row.label, *cells])
    return lines


def overview(summary: Summary, translate: Translate) -> list[list[Cell]]:
    """The summary sheet: how many, how fast, how many late."""
    return [
        [translate(N_("console.stats.col.measure")), translate(N_("console.stats.col.figure"))],
        [translate(N_("console.stats.unit")), summary.unit.name],
        [translate(N_("console.stats.quarter")), summary.quarter.title(translate)],
        [translate(N_("console.stats.reports")), summary.reports],
        [translate(N_("console.stats.median_ack")), summary.median_ack_hours],
        [translate(N_("console.stats.median_close")), summary.median_close_days],
        [translate(N_("console.stats.overdue_ack")), summary.overdue_ack],
        [translate(N_("console.stats.overdue_close")), summary.overdue_close],
        [translate(N_("console.stats.overdue_referrals")), summary.overdue_referrals],
    ]


def to_csv(summary: Summary, translate: Translate, delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table(summary, translate))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(summary: Summary, translate: Translate) -> bytes:
    from openpyxl import Workbook  # a quarterly export: not worth its import at every start

    book = Workbook()
    counts = book.active
    assert counts is not None
    counts.title = translate(N_("console.stats.sheet.counts"))
    _fill(counts, table(summary, translate))
    counts.freeze_panes = "C2"
    totals = book.create_sheet(translate(N_("console.stats.sheet.summary")))
    _fill(totals, overview(summary, translate))
    for row in totals.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(sheet: Worksheet, lines: list[list[Cell]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for line in lines:
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(sheet.iter_cols(), start=1):
        widest = max(len(str(c.value)) for c in column if c.value is not None)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, widest + 2))
