"""Data protection rule 7: the content of closed reports is purged after the retention period;
the de-identified facts (category, kecamatan, age band, times) stay for statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import AuditAction, Door
from storage import audit
from storage.models import Attachment, CaseEvent, DeliveryAddress, Report, ReportContent


async def purge_closed(session: AsyncSession, retention: timedelta, now: datetime) -> int:
    """Purge every closed report whose last activity is older than ``retention``; returns how many."""
    cutoff = now - retention
    statement = select(Report).where(
        Report.closed_at.is_not(None),
        Report.closed_at < cutoff,
        Report.last_activity_at < cutoff,
        Report.content_purged_at.is_(None),
    )
    reports = (await session.scalars(statement)).all()
    for report in reports:
        await session.execute(delete(ReportContent).where(ReportContent.report_id == report.id))
        await session.execute(delete(Attachment).where(Attachment.report_id == report.id))
        await session.execute(delete(DeliveryAddress).where(DeliveryAddress.report_id == report.id))
        await session.execute(update(CaseEvent).where(CaseEvent.report_id == report.id).values(sealed=None))
        report.content_purged_at = now
        await audit.record(
            session, action=AuditAction.CONTENT_PURGED, actor=Door.SYSTEM, report_id=report.id, now=now
        )
    return len(reports)
