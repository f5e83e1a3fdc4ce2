"""What officers do to a case, with its rules checked here whatever the entry point (console,
Telegram button, CLI): scope by unit and role, the status vocabulary, timeline and audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Officer, Report
from storage.reports import ReportStore

STATUSES = ("baru", "diterima", "ditangani", "dirujuk", "selesai", "ditutup")
HANDLING_ROLES = ("officer", "supervisor")

AckOutcome = Literal["acknowledged", "already", "refused"]


@dataclass(frozen=True)
class AckResult:
    outcome: AckOutcome
    by: str | None = None


def may_handle(officer: Officer, report: Report) -> bool:
    """An officer handles cases of their unit assigned to them or to nobody; a supervisor, all."""
    if not officer.active or officer.unit_id != report.unit_id:
        return False
    if officer.role == "supervisor":
        return True
    return officer.role == "officer" and report.assignee_id in (None, officer.id)


async def acknowledge(
    session: AsyncSession, reports: ReportStore, report: Report, officer: Officer, now: datetime, via: str
) -> AckResult:
    if not may_handle(officer, report):
        await audit.record(
            session,
            action="acknowledge_refused",
            actor=via,
            officer_id=officer.id,
            report_id=report.id,
            now=now,
        )
        return AckResult("refused")
    if report.status != "baru":
        assignee = await session.get(Officer, report.assignee_id) if report.assignee_id else None
        return AckResult("already", assignee.display_name if assignee else None)
    report.status = "diterima"
    report.acknowledged_at = now
    if report.assignee_id is None:
        report.assignee_id = officer.id
    await reports.add_event(
        report, "status", now, officer_id=officer.id, detail={"from": "baru", "to": "diterima"}
    )
    await audit.record(
        session, action="acknowledge", actor=via, officer_id=officer.id, report_id=report.id, now=now
    )
    return AckResult("acknowledged", officer.display_name)
