"""The queue: folders, filters, and the order officers work in (urgency, then age)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows import vocabulary
from flows.deployment import Deployment
from flows.sla import deadline
from flows.vocabulary import CLOSED, Role, Urgency
from storage.models import Officer, Report

FOLDERS = ("mine", "unassigned", "all")


@dataclass(frozen=True)
class Filters:
    folder: str = "mine"
    status: str = ""
    category: str = ""
    urgency: str = ""
    region: str = ""
    overdue: bool = False
    closed: bool = False

    @classmethod
    def from_query(cls, query: dict[str, str], officer: Officer) -> Filters:
        folder = query.get("folder") or ("all" if officer.role == Role.SUPERVISOR else "mine")
        return cls(
            folder=folder if folder in FOLDERS else "mine",
            status=_member(vocabulary.Status, query.get("status", "")),
            category=query.get("category", ""),
            urgency=_member(vocabulary.Urgency, query.get("urgency", "")),
            region=query.get("region", ""),
            overdue=query.get("overdue") == "1",
            closed=query.get("closed") == "1",
        )


def _member(words: type[StrEnum], value: str) -> str:
    """A filter value the column can hold, else no filter (the column refuses other strings)."""
    return value if value in {member.value for member in words} else ""


async def queue(
    session: AsyncSession, officer: Officer, filters: Filters, deployment: Deployment, now: datetime
) -> Sequence[Report]:
    rank = case({u: u.rank for u in Urgency}, value=Report.urgency)
    statement = select(Report).where(Report.unit_id == officer.unit_id)
    if officer.role != Role.SUPERVISOR:
        statement = statement.where(or_(Report.assignee_id.is_(None), Report.assignee_id == officer.id))
    if filters.folder == "mine":
        statement = statement.where(Report.assignee_id == officer.id)
    elif filters.folder == "unassigned":
        statement = statement.where(Report.assignee_id.is_(None))
    if filters.status:
        statement = statement.where(Report.status == filters.status)
    elif not filters.closed:
        statement = statement.where(Report.status.not_in(CLOSED))
    for column, value in (
        (Report.category, filters.category),
        (Report.urgency, filters.urgency),
        (Report.region_code, filters.region),
    ):
        if value:
            statement = statement.where(column == value)
    statement = statement.order_by(rank, Report.created_at, Report.id).limit(500)
    reports = (await session.scalars(statement)).all()
    if filters.overdue:
        reports = [r for r in reports if (d := deadline(r, deployment, now)) is not None and d.overdue]
    return reports
