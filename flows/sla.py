"""SLA deadlines and overdue flags of a case, from the deployment's targets (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flows.deployment import Deployment
from flows.vocabulary import CLOSED, Status, Urgency


class Timed(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def urgency(self) -> str: ...
    @property
    def category(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Deadline:
    kind: str
    """"ack" (acknowledge) or "close"."""
    due: datetime
    overdue: bool
    minutes_left: int


def acknowledge_by(case: Timed, deployment: Deployment) -> datetime:
    """When a new case must have been taken, by its urgency; escalation is scheduled for then."""
    minutes = deployment.sla.acknowledge_minutes[Urgency(case.urgency)]
    return case.created_at + timedelta(minutes=minutes)


def deadline(case: Timed, deployment: Deployment, now: datetime) -> Deadline | None:
    if case.status in CLOSED:
        return None
    if case.status == Status.NEW:
        due, kind = acknowledge_by(case, deployment), "ack"
    else:
        days = deployment.sla.close_days.get(case.category or "", deployment.sla.close_days["default"])
        due, kind = case.created_at + timedelta(days=days), "close"
    left = int((due - now).total_seconds() // 60)
    return Deadline(kind, due, left < 0, left)
