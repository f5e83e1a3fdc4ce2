"""De-identified statistics for the three-monthly PKSAI review: counts per month and quarter,
median times, overdue cases; every code shown with its Indonesian (or English) label."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin import labels as L
from flows.deployment import Deployment, Unit
from flows.i18n import N_
from flows.keys import OPTION_LABELS
from flows.sla import deadline
from flows.vocabulary import CLOSED, OPEN_REFERRALS
from storage.models import Referral, Report

SUPPRESS_BELOW = 3
MIN_YEAR, MAX_YEAR = 2000, 2999
"""Quarters outside these years are refused (and the current one shown); 9999-Q4 would end in
year 10000, which no date can hold."""
DIMENSIONS = ("category", "simfoni", "region", "age_band", "sex", "reporter_role", "status", "outcome")
ROMAN = ("I", "II", "III", "IV")
Translate = Callable[[str], str]


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
        return cls.of(today)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        """The code in URLs and file names: ``2026-Q4``."""
        return f"{self.year}-Q{self.number}"

    def title(self, translate: Translate) -> str:
        """``Triwulan IV 2026`` / ``Quarter IV 2026``."""
        return translate(N_("console.stats.quarter_title")).format(
            number=ROMAN[self.number - 1], year=self.year
        )

    @property
    def months(self) -> tuple[tuple[int, int], ...]:
        first = 3 * (self.number - 1) + 1
        return tuple((self.year, m) for m in range(first, first + 3))

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def month_name(year: int, month: int, locale: str) -> str:
    """``Okt 2026``: short month names as an Indonesian office writes them."""
    return format_date(date(year, month, 1), "MMM y", locale=locale)


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
    overdue_ack: int
    overdue_close: int
    overdue_referrals: int
    locale: str

    @property
    def overdue(self) -> int:
        return self.overdue_ack + self.overdue_close


def suppressed(count: int) -> int | str:
    """Counts of 1 and 2 could point at one child: shown as ``<3``; other counts stay numbers."""
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else count


def quarters_until(today: date, count: int = 8) -> list[Quarter]:
    """The picker's choices: this quarter and the ones before it, newest first."""
    found = [Quarter.of(today)]
    while len(found) < count:
        found.append(found[-1].previous())
    return found


async def summarise(
    session: AsyncSession,
    unit: Unit,
    unit_id: int,
    quarter: Quarter,
    deployment: Deployment,
    now: datetime,
    translate: Translate,
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
    deadlines = [d for r in reports if (d := deadline(r, deployment, now)) is not None and d.overdue]
    today = now.astimezone(zone).date().isoformat()
    late_referrals = await session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.report_id.in_([r.id for r in reports if r.status not in CLOSED] or [0]))
        .where(Referral.status.in_(OPEN_REFERRALS), Referral.follow_up_on < today)
    )
    return Summary(
        quarter=quarter,
        unit=unit,
        rows=rows,
        reports=len(reports),
        median_ack_hours=round(statistics.median(acks), 1) if acks else None,
        median_close_days=round(statistics.median(closes), 1) if closes else None,
        overdue_ack=sum(1 for d in deadlines if d.kind == "ack"),
        overdue_close=sum(1 for d in deadlines if d.kind == "close"),
        overdue_referrals=int(late_referrals or 0),
        locale=locale,
    )


def _labeller(deployment: Deployment, translate: Translate, locale: str) -> dict[str, Callable[[str], str]]:
    outcomes = {o.code: o.label.get(locale) or o.label.get("id") or o.code for o in deployment.outcomes}

    def option(step: str) -> Callable[[str], str]:
        return lambda v: translate(OPTION_LABELS[step][v]) if v in OPTION_LABELS[step] else v

    return {
        "category": lambda v: (
            deployment.category_by_code[v].label.get(locale) or v if v in deployment.category_by_code else v
        ),
        "simfoni": lambda v: translate(L.SIMFONI[v]) if v in L.SIMFONI else v,
        "region": lambda v: deployment.regions[v].name if v in deployment.regions else v,
        "age_band": option("age"),
        "sex": option("sex"),
        "reporter_role": option("role"),
        "status": lambda v: translate(L.STATUS[v]) if v in L.STATUS else v,
        "outcome": lambda v: outcomes.get(v) or (translate(L.INVALID[v]) if v in L.INVALID else v),
    }


def _rows(
    reports: Sequence[Report],
    quarter: Quarter,
    deployment: Deployment,
    zone: object,
    translate: Translate,
    locale: str,
) -> list[Row]:
    months = quarter.months
    labels = _labeller(deployment, translate, locale)
    columns = {"region": "region_code"}
    missing = translate(N_("console.stats.not_given"))
    result: list[Row] = []
    for dimension in DIMENSIONS:
        counts: Counter[tuple[str, tuple[int, int]]] = Counter()
        for report in reports:
            value = getattr(report, columns.get(dimension, dimension)) or "-"
            if dimension == "outcome" and report.status not in CLOSED:
                continue
            local = report.created_at.astimezone(zone)  # type: ignore[arg-type]
            counts[(value, (local.year, local.month))] += 1
        for value in sorted({v for v, _ in counts}):
            label = labels[dimension](value) if value != "-" else missing
            result.append(Row(dimension, value, label, tuple(counts[(value, m)] for m in months)))
    return result


def bar(row: Row, top: int, name: str, width: int = 160) -> str:
    """One row's bar as inline SVG with its text alternative (the label and the count), drawn on
    the server: no chart library, no CDN. Only the export suppresses small counts; supervisors
    reading this page may open the cases themselves."""
    length = max(2, int((width - 4) * row.total / (top or 1))) if row.total else 0
    alt = escape(f"{row.label}: {row.total} {name}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="18" viewBox="0 0 {width} 18" '
        f'role="img" aria-label="{alt}"><title>{alt}</title>'
        f'<rect x="0" y="2" width="{length}" height="14" rx="2" fill="#0b5d52"></rect></svg>'
    )
