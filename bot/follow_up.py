"""A linked follow-up report, for a reporter writing on a case that stays closed.

Whether a closed case is reopened or followed up is the lifecycle's rule (``flows.lifecycle``:
reopened when resolved recently with its content kept, otherwise a follow-up); danger heard on a
closed case always opens an urgent follow-up, so it reaches whoever is on duty now. The follow-up
takes the closed case's unit, place, category and the child's age band and sex (no content: the
officer opens the closed case for that), gets its own receipt code, and is routed like any new
report, so the message reaches an open queue. Both timelines name the other.
"""

from __future__ import annotations

from datetime import datetime

from flows.report import AGE_BANDS, AgeBand, ReportDraft
from flows.vocabulary import CaseEventKind, Urgency
from storage.models import Report
from storage.reports import ReportStore


def follow_up_draft(closed: Report, unit_code: str, urgency: Urgency) -> ReportDraft:
    age_band: AgeBand = closed.age_band if closed.age_band in AGE_BANDS else "unknown"
    return ReportDraft(
        unit=unit_code,
        region=closed.region_code,
        category=closed.category,
        simfoni=closed.simfoni,
        role=closed.reporter_role,
        danger=None,
        urgency=urgency,
        age=None,
        age_band=age_band,
        sex=closed.sex,
        kelurahan=None,
        landmark=None,
        coords=None,
        story=(),
        attachments=(),
        phone=None,
        locale=closed.locale or "id",
        source=closed.source,
        complete=True,
    )


async def open_follow_up(
    reports: ReportStore,
    closed: Report,
    channel: str,
    now: datetime,
    *,
    urgency: Urgency,
    prepared: tuple[str, bytes] | None = None,
) -> tuple[Report, str]:
    """The follow-up report and its receipt code (shown to the reporter once); ``prepared``: a
    receipt code hashed beforehand, off the event loop."""
    unit_code = next(code for code, unit_id in reports.unit_ids.items() if unit_id == closed.unit_id)
    report = await reports.create(follow_up_draft(closed, unit_code, urgency), channel, now)
    code = await reports.issue_receipt(report, now, prepared)
    await reports.add_event(report, CaseEventKind.FOLLOW_UP_OF, now, detail={"reference": closed.reference})
    await reports.add_event(closed, CaseEventKind.FOLLOW_UP, now, detail={"reference": report.reference})
    return report, code
