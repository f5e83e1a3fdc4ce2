"""Who sees what in the console. A case outside a user's scope does not exist for them (404)."""

from __future__ import annotations

from storage.cases import may_handle
from storage.models import Officer, Report


def can_view(officer: Officer, report: Report) -> bool:
    """Supervisors see their unit's cases; officers theirs and the unassigned; admins none."""
    return may_handle(officer, report)


def can_read_content(officer: Officer, report: Report) -> bool:
    """The story and contact details: the assigned officer, and the unit's supervisors."""
    if not officer.active or officer.unit_id != report.unit_id:
        return False
    if officer.role == "supervisor":
        return True
    return officer.role == "officer" and report.assignee_id == officer.id


def can_assign(officer: Officer, report: Report) -> bool:
    """Supervisors assign any case of the unit; an officer hands over their own."""
    if officer.role == "supervisor":
        return can_view(officer, report)
    return officer.role == "officer" and report.assignee_id == officer.id
