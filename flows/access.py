"""Who sees and reads what. A case outside a person's scope does not exist for them (the console
answers 404); inside it, reading the report's content is narrower still.

Pure: the rules read a few facts of the person and the case (``Person``, ``CaseFacts``), which the
database rows happen to have.
"""

from __future__ import annotations

from typing import Protocol

from flows.lifecycle import Party
from flows.vocabulary import Role


class Person(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def unit_id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def active(self) -> bool: ...


class CaseFacts(Protocol):
    @property
    def unit_id(self) -> int: ...
    @property
    def assignee_id(self) -> int | None: ...


def party(person: Person, case: CaseFacts) -> Party:
    """The person as the lifecycle sees them on this case."""
    if not person.active or person.unit_id != case.unit_id:
        return Party.OUTSIDER
    if person.role == Role.SUPERVISOR:
        return Party.SUPERVISOR
    if person.role == Role.ADMIN:
        return Party.ADMIN
    if person.role != Role.OFFICER:
        return Party.OUTSIDER
    if case.assignee_id is None:
        return Party.UNASSIGNED_OFFICER
    return Party.ASSIGNED_OFFICER if case.assignee_id == person.id else Party.OTHER_OFFICER


def may_handle(person: Person, case: CaseFacts) -> bool:
    """An officer handles cases of their unit assigned to them or to nobody; a supervisor, all."""
    return party(person, case) in (Party.ASSIGNED_OFFICER, Party.UNASSIGNED_OFFICER, Party.SUPERVISOR)


def can_view(person: Person, case: CaseFacts) -> bool:
    """Supervisors see their unit's cases; officers theirs and the unassigned; admins none."""
    return may_handle(person, case)


def can_read_content(person: Person, case: CaseFacts) -> bool:
    """The story and contact details: the assigned officer, and the unit's supervisors."""
    return party(person, case) in (Party.ASSIGNED_OFFICER, Party.SUPERVISOR)


def can_assign(person: Person, case: CaseFacts) -> bool:
    """Supervisors assign any case of the unit; an officer hands over their own."""
    return party(person, case) in (Party.ASSIGNED_OFFICER, Party.SUPERVISOR)
