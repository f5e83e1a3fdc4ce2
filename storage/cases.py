"""A lifecycle move carried out in the database, in the caller's transaction: the status and its
stamps, the timeline entry (through ``ReportStore.add_event``, so the retention clock follows),
the audit row, and erasing the reporter's reply address when a case closes.

The rule itself (who may make which move from which status) is ``flows.lifecycle``; telling
officers and opening follow-up reports are the application's (``bot.routing``, ``bot.follow_up``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.access import may_handle as may_handle  # the rule lives in flows; many callers import it here
from flows.access import party
from flows.lifecycle import Case, Decision, Emission, Move, Party, decide
from flows.vocabulary import AuditAction, CaseEventKind, Door, RouteReason, Status
from storage import audit
from storage.models import AuditEntry, DeliveryAddress, Officer, Report
from storage.reports import ReportStore

DONE: dict[Move, AuditAction] = {
    Move.ACKNOWLEDGE: AuditAction.ACKNOWLEDGE,
    Move.HANDLE: AuditAction.HANDLE,
    Move.REFER: AuditAction.REFER,
    Move.RESOLVE: AuditAction.RESOLVE,
    Move.INVALIDATE: AuditAction.INVALIDATE,
    Move.REOPEN: AuditAction.REOPEN,
}
"""The audit row of a move that changes the status."""
REFUSED: dict[Move, AuditAction] = {
    Move.ACKNOWLEDGE: AuditAction.ACKNOWLEDGE_REFUSED,
    Move.HANDLE: AuditAction.HANDLE_REFUSED,
    Move.REFER: AuditAction.REFER_REFUSED,
    Move.RESOLVE: AuditAction.RESOLVE_REFUSED,
    Move.INVALIDATE: AuditAction.INVALIDATE_REFUSED,
    Move.REOPEN: AuditAction.REOPEN_REFUSED,
    Move.ASSIGN: AuditAction.ASSIGN_REFUSED,
    Move.ESCALATE: AuditAction.ESCALATE_REFUSED,
    Move.REPORTER_WRITES: AuditAction.REPORTER_WRITES_REFUSED,
}
ROUTED: dict[RouteReason | None, AuditAction] = {
    None: AuditAction.ASSIGNED,
    RouteReason.ROSTER: AuditAction.ROUTED_ROSTER,
    RouteReason.SHIFT_START: AuditAction.ROUTED_SHIFT_START,
    RouteReason.HANDOVER: AuditAction.ROUTED_HANDOVER,
    RouteReason.SLA: AuditAction.ESCALATED,
}
"""A case the scheduler assigned, by why (an escalation assigns nobody; it is listed so that every
reason has its row)."""


@dataclass(frozen=True)
class Actor:
    """Who makes a move and through which door (``via`` names it in the audit trail)."""

    party: Party
    via: Door
    officer: Officer | None = None

    @classmethod
    def officer_on(cls, officer: Officer, report: Report, via: Door) -> Actor:
        return cls(party(officer, report), via, officer)

    @property
    def officer_id(self) -> int | None:
        return self.officer.id if self.officer else None


REPORTER = Actor(Party.REPORTER, Door.REPORTER)
SCHEDULER = Actor(Party.SCHEDULER, Door.SYSTEM)


async def has_read(session: AsyncSession, officer_id: int, report_id: int) -> bool:
    """Whether this person has had the report's content in front of them (every read is audited)."""
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.report_id == report_id,
            AuditEntry.officer_id == officer_id,
            AuditEntry.action == AuditAction.READ_CONTENT,
        )
    )
    return bool(count)


async def case_of(session: AsyncSession, report: Report, actor: Actor, now: datetime, move: Move) -> Case:
    """The facts the rules read; reading the audit trail only when the move asks for it."""
    read = False
    if move is Move.INVALIDATE and actor.officer is not None:
        read = await has_read(session, actor.officer.id, report.id)
    return Case(
        state=Status(report.status),
        party=actor.party,
        has_read=read,
        content_kept=report.content_purged_at is None,
        closed_at=report.closed_at,
        now=now,
    )


async def decide_move(
    session: AsyncSession, report: Report, actor: Actor, move: Move, now: datetime
) -> Decision:
    return decide(await case_of(session, report, actor, now, move), move)


@dataclass
class Particulars:
    """What some moves carry: the outcome of a closing, the new assignee, words, detail."""

    outcome: str | None = None
    assignee_id: int | None = None
    reason: RouteReason | None = None
    """Why the scheduler assigned a case, or escalated it; None when an officer chose."""
    text: str | None = None
    detail: dict[str, Any] | None = None


async def carry_out(
    reports: ReportStore,
    report: Report,
    actor: Actor,
    move: Move,
    now: datetime,
    particulars: Particulars | None = None,
) -> Decision:
    """Decide the move and, if allowed, write what it emits; a refused move is audited, no more."""
    session = reports.session
    given = particulars or Particulars()
    decision = await decide_move(session, report, actor, move, now)
    if not decision.allowed:
        if actor.officer is not None:
            await _audit(session, report, actor, REFUSED[move], now)
        return decision
    writer = _Writer(reports, report, actor, decision, now, given)
    for emission in decision.emits:
        await writer.write(emission)
    return decision


@dataclass
class _Writer:
    reports: ReportStore
    report: Report
    actor: Actor
    decision: Decision
    now: datetime
    given: Particulars

    async def write(self, emission: Emission) -> None:
        handler = getattr(self, f"_{emission.value}", None)
        if handler is not None:
            await handler()

    async def _event(
        self, kind: CaseEventKind, detail: dict[str, Any] | None = None, text: str | None = None
    ) -> None:
        await self.reports.add_event(
            self.report, kind, self.now, text=text, officer_id=self.actor.officer_id, detail=detail
        )

    async def _status_event(self) -> None:
        old, new = self.decision.source, self.decision.dest
        self.report.status = new
        detail: dict[str, Any] = {"from": old.value, "to": new.value}
        if self.given.outcome and new.closed:
            self.report.outcome = self.given.outcome
            detail["outcome"] = self.given.outcome
        await self._event(CaseEventKind.STATUS, detail)
        await _audit(
            self.reports.session, self.report, self.actor, DONE[self.decision.move], self.now, detail
        )

    async def _taken(self) -> None:
        if self.report.assignee_id is None and self.actor.officer is not None:
            self.report.assignee_id = self.actor.officer.id

    async def _acknowledged(self) -> None:
        self.report.acknowledged_at = self.now

    async def _closed(self) -> None:
        self.report.closed_at = self.now

    async def _erase_reply_address(self) -> None:
        await self.reports.session.execute(
            delete(DeliveryAddress).where(DeliveryAddress.report_id == self.report.id)
        )

    async def _reopened(self) -> None:
        old, old_outcome = self.decision.source, self.report.outcome
        self.report.status = self.decision.dest
        self.report.closed_at, self.report.outcome = None, None
        if self.report.assignee_id is None and self.actor.officer is not None:
            self.report.assignee_id = self.actor.officer.id
        detail = {"from": old.value, "to": self.decision.dest.value, "outcome": old_outcome}
        await self._event(CaseEventKind.REOPENED, detail)
        await _audit(self.reports.session, self.report, self.actor, AuditAction.REOPEN, self.now, detail)

    async def _assigned_event(self) -> None:
        old, new = self.report.assignee_id, self.given.assignee_id
        self.report.assignee_id = new
        detail = {
            "from": old,
            "to": new,
            "by": self.given.reason or self.actor.via,
            **(self.given.detail or {}),
        }
        await self._event(CaseEventKind.ASSIGNED if new is not None else CaseEventKind.UNASSIGNED, detail)
        action = AuditAction.ASSIGNED
        if self.actor.party is Party.SCHEDULER:
            action = AuditAction.ROUTED_NOBODY if new is None else ROUTED[self.given.reason]
        await _audit(self.reports.session, self.report, self.actor, action, self.now, {"to": new})

    async def _escalated_event(self) -> None:
        detail = dict(self.given.detail or {})
        await self._event(CaseEventKind.ESCALATED, detail)
        level = detail.get("level")
        await _audit(
            self.reports.session, self.report, self.actor, AuditAction.ESCALATED, self.now, {"level": level}
        )

    async def _reporter_message(self) -> None:
        await self._event(CaseEventKind.REPORTER_MESSAGE, text=self.given.text)


async def _audit(
    session: AsyncSession,
    report: Report,
    actor: Actor,
    action: AuditAction,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    scalars = {k: v for k, v in (detail or {}).items() if isinstance(v, str | int | bool) or v is None}
    await audit.record(
        session,
        action=action,
        actor=actor.via,
        officer_id=actor.officer_id,
        report_id=report.id,
        now=now,
        detail=scalars or None,
    )


class AckOutcome(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    """Someone took it before."""
    REFUSED = "refused"


@dataclass(frozen=True)
class AckResult:
    outcome: AckOutcome
    by: str | None = None


async def acknowledge(
    session: AsyncSession, reports: ReportStore, report: Report, officer: Officer, now: datetime, via: Door
) -> AckResult:
    """Terima, from any door: the console button, the Telegram button, ``hotline case``."""
    actor = Actor.officer_on(officer, report, via)
    if report.status != Status.NEW and actor.party in (
        Party.ASSIGNED_OFFICER,
        Party.UNASSIGNED_OFFICER,
        Party.SUPERVISOR,
    ):
        assignee = await session.get(Officer, report.assignee_id) if report.assignee_id else None
        return AckResult(AckOutcome.ALREADY, assignee.display_name if assignee else None)
    decision = await carry_out(reports, report, actor, Move.ACKNOWLEDGE, now)
    if not decision.allowed:
        return AckResult(AckOutcome.REFUSED)
    return AckResult(AckOutcome.ACKNOWLEDGED, officer.display_name)
