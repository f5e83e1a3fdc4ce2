"""De-identified statistics for the three-monthly PKSAI review: counts per month and quarter,
median times, overdue cases; exported without free text or identifiers, small cells suppressed."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deployment import Deployment, Unit
from flows.keys import OPTION_LABELS
from flows.sla import deadline
from storage.models import Report

SUPPRESS_BELOW = 3
MIN_YEAR, MAX_YEAR = 2000, 2999
"""Quarters outside these years are refused (and the current one shown); 9999-Q4 would end in
year 10000, which no date can hold."""
DIMENSIONS = ("category", "simfoni", "region", "age_band", "sex", "reporter_role", "status")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str | None, today: date) -> Quarter:
        if text:
            year, _, q = text.upper().partition("-Q")
            digits = len(year) == 4 and year.isascii() and year.isdigit()
            if digits and MIN_YEAR <= int(year) <= MAX_YEAR and q in {"1", "2", "3", "4"}:
                return cls(int(year), int(q))
        return cls(today.year, (today.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def months(self) -> tuple[tuple[int, int], ...]:
        first = 3 * (self.number - 1) + 1
        return tuple((self.year, m) for m in range(first, first + 3))


@dataclass(frozen=True)
class Row:
    dimension: str
    value: str
    label: str
    per_month: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_month)


@dataclass(frozen=True)
class Summary:
    quarter: Quarter
    unit: Unit
    rows: list[Row]
    reports: int
    median_ack_hours: float | None
    median_close_days: float | None
    overdue: int


def suppressed(count: int) -> str:
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)


async def summarise(
    session: AsyncSession,
    unit: Unit,
    unit_id: int,
    quarter: Quarter,
    deployment: Deployment,
    now: datetime,
    translate: Callable[[str], str],
    locale: str,
) -> Summary:
    zone = unit.zone
    first_year, first_month = quarter.months[0]
    start = datetime(first_year, first_month, 1, tzinfo=zone)
    end_year, end_month = (quarter.year + 1, 1) if quarter.number == 4 else (quarter.year, first_month + 3)
    end = datetime(end_year, end_month, 1, tzinfo=zone)
    statement = select(Report).where(
        Report.unit_id == unit_id,
        Report.created_at >= start.astimezone(UTC),
        Report.created_at < end.astimezone(UTC),
    )
    reports = list((await session.scalars(statement)).all())
    rows = _rows(reports, quarter, deployment, zone, translate, locale)
    acks = [(r.acknowledged_at - r.created_at).total_seconds() / 3600 for r in reports if r.acknowledged_at]
    closes = [(r.closed_at - r.created_at).total_seconds() / 86400 for r in reports if r.closed_at]
    overdue = sum(1 for r in reports if (d := deadline(r, deployment, now)) is not None and d.overdue)
    return Summary(
        quarter=quarter,
        unit=unit,
        rows=rows,
        reports=len(reports),
        median_ack_hours=round(statistics.median(acks), 1) if acks else None,
        median_close_days=round(statistics.median(closes), 1) if closes else None,
        overdue=overdue,
    )


def _rows(
    reports: Sequence[Report],
    quarter: Quarter,
    deployment: Deployment,
    zone: object,
    translate: Callable[[str], str],
    locale: str,
) -> list[Row]:
    months = quarter.months
    labels: dict[str, Callable[[str], str]] = {
        "category": lambda v: (
            deployment.category_by_code[v].label.get(locale) if v in deployment.category_by_code else v
        ),
        "simfoni": lambda v: v,
        "region": lambda v: deployment.regions[v].name if v in deployment.regions else v,
        "age_band": lambda v: translate(OPTION_LABELS["age"].get(v, v)),
        "sex": lambda v: translate(OPTION_LABELS["sex"].get(v, v)),
        "reporter_role": lambda v: translate(OPTION_LABELS["role"].get(v, v)),
        "status": lambda v: v,
    }
    columns = {"region": "region_code"}
    result: list[Row] = []
    for dimension in DIMENSIONS:
        counts: Counter[tuple[str, tuple[int, int]]] = Counter()
        for report in reports:
            value = getattr(report, columns.get(dimension, dimension)) or "-"
            local = report.created_at.astimezone(zone)  # type: ignore[arg-type]
            counts[(value, (local.year, local.month))] += 1
        for value in sorted({v for v, _ in counts}):
            label = labels[dimension](value) if value != "-" else "-"
            result.append(Row(dimension, value, label, tuple(counts[(value, m)] for m in months)))
    return result


def header(quarter: Quarter) -> list[str]:
    return ["dimension", "value", *(f"{y}-{m:02d}" for y, m in quarter.months), quarter.label]


def table(summary: Summary) -> list[list[str]]:
    """The export: codes and labels from the deployment, counts with small cells suppressed."""
    lines = [header(summary.quarter)]
    for row in summary.rows:
        cells = [suppressed(n) for n in (*row.per_month, row.total)]
        lines.append([row.dimension, row.label, *cells])
    return lines


def to_csv(summary: Summary) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(summary))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(summary: Summary) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = summary.quarter.label
    for line in table(summary):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bars(rows: Sequence[Row], width: int = 320) -> str:
    """A horizontal bar chart as inline SVG (server-side: no chart library, no CDN)."""
    top = max((r.total for r in rows), default=0) or 1
    height = 22 * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, row in enumerate(rows):
        length = int((width - 40) * row.total / top)
        parts.append(f'<rect x="0" y="{i * 22 + 3}" width="{length}" height="16" fill="#0b5d52"></rect>')
        parts.append(f'<text x="{length + 4}" y="{i * 22 + 16}" font-size="12">{row.total}</text>')
    parts.append("</svg>")
    return "".join(parts)
