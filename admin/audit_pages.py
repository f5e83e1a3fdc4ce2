"""The audit trail of a unit, for its supervisors and admin: who read or changed what, when —
filtered by person, case, action and dates, every action named in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import labels as L
from admin.form_values import clean, parse_id
from admin.pages import Pages
from admin.unit_pages import SUPERVISING
from storage.models import AuditEntry, Officer, Report

LIMIT = 300
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class AuditFilters:
    who: int | None = None
    case: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> AuditFilters:
        who = query.get("who", "")
        return cls(
            who=parse_id(who),
            case=clean(query.get("case", "")).strip().upper()[:24],
            action=query.get("action", "") if query.get("action", "") in L.AUDIT else "",
            since=_day(query.get("since")),
            until=_day(query.get("until")),
        )

    def apply(self, statement: Select, zone: object) -> Select:  # type: ignore[type-arg]
        if self.who is not None:
            statement = statement.where(AuditEntry.officer_id == self.who)
        if self.case:
            statement = statement.where(Report.reference.contains(self.case))
        if self.action:
            statement = statement.where(AuditEntry.action == self.action)
        if self.since:
            statement = statement.where(AuditEntry.at >= datetime.combine(self.since, time(), zone))  # type: ignore[arg-type]
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), zone)  # type: ignore[arg-type]
            statement = statement.where(AuditEntry.at < end)
        return statement


def _day(text: str | None) -> date | None:
    """A date of the audit trail's lifetime; anything else (or none) filters nothing."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR else None


class AuditPages(Pages):
    def routes(self) -> list[Route]:
        return [Route("/admin/audit", self.audit_page)]

    async def audit_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            officer = signed.officer
            filters = AuditFilters.from_query(dict(request.query_params))
            unit_officers = select(Officer.id).where(Officer.unit_id == officer.unit_id)
            unit_reports = select(Report.id).where(Report.unit_id == officer.unit_id)
            statement = (
                select(AuditEntry, Officer.display_name, Report.reference)
                .outerjoin(Officer, Officer.id == AuditEntry.officer_id)
                .outerjoin(Report, Report.id == AuditEntry.report_id)
                .where((AuditEntry.officer_id.in_(unit_officers)) | (AuditEntry.report_id.in_(unit_reports)))
            )
            zone = self.deployment.default_unit.zone
            statement = filters.apply(statement, zone).order_by(AuditEntry.id.desc()).limit(LIMIT)
            entries = (await signed.session.execute(statement)).all()
            people = (
                await signed.session.scalars(
                    select(Officer).where(Officer.unit_id == officer.unit_id).order_by(Officer.display_name)
                )
            ).all()
            return self.render(
                request,
                "audit.html",
                officer.locale,
                officer=officer,
                entries=entries,
                filters=filters,
                people=people,
                limit=LIMIT,
            )
