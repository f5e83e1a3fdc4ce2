"""SLA deadlines and overdue flags of a case, from the deployment's targets (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.deployment import Deployment
from storage.models import Report

CLOSED = ("selesai", "ditutup")
URGENCY_RANK = {"urgent": 0, "high": 1, "normal": 2}


@dataclass(frozen=True)
class Deadline:
    kind: str
    """"ack" (acknowledge) or "close"."""
    due: datetime
    overdue: bool
    minutes_left: int


def deadline(report: Report, deployment: Deployment, now: datetime) -> Deadline | None:
    if report.status in CLOSED:
        return None
    if report.status == "baru":
        minutes = deployment.sla.acknowledge_minutes[report.urgency]  # type: ignore[index]
        due, kind = report.created_at + timedelta(minutes=minutes), "ack"
    else:
        days = deployment.sla.close_days.get(report.category or "", deployment.sla.close_days["default"])
        due, kind = report.created_at + timedelta(days=days), "close"
    left = int((due - now).total_seconds() // 60)
    return Deadline(kind, due, left < 0, left)
