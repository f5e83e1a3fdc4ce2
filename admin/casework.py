"""A case as officers see and work it: the page's data, and every action on it.

Each action checks its own permission, changes the case, writes the timeline and the audit trail;
the views only translate HTTP to these calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.form_values import parse_id
from bot.replies import ReplyRefused, reply_to_reporter
from bot.routing import Announcer
from flows.access import can_assign, can_read_content, can_view, may_handle
from flows.deployment import Deployment
from flows.i18n import Catalogues
from flows.lifecycle import Move
from flows.sla import Deadline, deadline
from flows.vocabulary import CLOSED, ON_ROSTER, Urgency
from storage import audit
from storage.attachments import AttachmentStore
from storage.cases import Actor, Particulars, acknowledge, carry_out, decide_move
from storage.crypto import Keyring
from storage.file_types import extension_of
from storage.models import Attachment, CaseEvent, DeliveryAddress, Officer, OutboxMessage, Referral, Report
from storage.reports import ReportStore, event_context

URGENCIES = tuple(Urgency)
REFERRAL_STATUSES = ("diajukan", "diterima", "ditolak", "selesai")
TEXT_LIMIT = 4000


class ActionRefused(Exception):
    """Within the user's scope, but not allowed or not valid now; ``key`` names the message."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass
class TimelineEntry:
    kind: str
    at: datetime
    officer: str | None
    text: str | None
    detail: dict[str, Any] | None


@dataclass
class CaseView:
    report: Report
    content: dict[str, Any] | None
    timeline: list[TimelineEntry]
    attachments: list[Attachment]
    referrals: list[Referral]
    colleagues: list[Officer]
    assignee: Officer | None
    deadline: Deadline | None
    reachable: bool
    blocked: bool
    may_read: bool
    may_handle: bool
    may_assign: bool
    names: dict[int, str] = field(default_factory=dict)
    held: int = 0
    """Officer replies waiting for WhatsApp's 24-hour window to reopen."""


@dataclass
class Desk:
    """What every case operation needs: the transaction, keys, words and the officer acting."""

    session: AsyncSession
    keyring: Keyring
    catalogues: Catalogues
    deployment: Deployment
    reports: ReportStore
    officer: Officer
    now: datetime
    announcers: Sequence[Announcer] = ()

    async def find(self, reference: str) -> Report | None:
        """The case, or None when it is outside this officer's scope (shown as 404)."""
        report = await self.reports.by_reference(reference)
        if report is None or not can_view(self.officer, report):
            return None
        return report

    async def view(self, report: Report) -> CaseView:
        may_read = can_read_content(self.officer, report)
        content = None
        if may_read:
            content = await self.reports.content(report)
            await self._audit("read_content", report)
        events = (
            await self.session.scalars(
                select(CaseEvent).where(CaseEvent.report_id == report.id).order_by(CaseEvent.at, CaseEvent.id)
            )
        ).all()
        colleagues = (
            await self.session.scalars(
                select(Officer)
                .where(Officer.unit_id == report.unit_id, Officer.active.is_(True))
                .where(Officer.role.in_(("officer", "supervisor")))
                .order_by(Officer.display_name)
            )
        ).all()
        names = {o.id: o.display_name for o in colleagues}
        context = event_context(report.id)
        timeline = [
            TimelineEntry(
                e.kind,
                e.at,
                names.get(e.officer_id or 0),
                self.keyring.open(e.sealed, context).decode() if (e.sealed and may_read) else None,
                e.detail,
            )
            for e in events
        ]
        addresses = (
            await self.session.scalars(select(DeliveryAddress).where(DeliveryAddress.report_id == report.id))
        ).all()
        attachments = (
            (await self.session.scalars(select(Attachment).where(Attachment.report_id == report.id))).all()
            if may_read
            else []
        )
        referrals = (
            await self.session.scalars(
                select(Referral).where(Referral.report_id == report.id).order_by(Referral.id)
            )
        ).all()
        assignee = await self.session.get(Officer, report.assignee_id) if report.assignee_id else None
        held = await self.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.report_id == report.id, OutboxMessage.held_reason.is_not(None))
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
        )
        return CaseView(
            report=report,
            content=content,
            timeline=timeline,
            attachments=list(attachments),
            referrals=list(referrals),
            colleagues=list(colleagues),
            assignee=assignee,
            deadline=deadline(report, self.deployment, self.now),
            reachable=any(a.blocked_at is None for a in addresses),
            blocked=any(a.blocked_at is not None for a in addresses),
            may_read=may_read,
            may_handle=may_handle(self.officer, report),
            may_assign=can_assign(self.officer, report),
            names=names,
            held=int(held or 0),
        )

    async def attachment(self, report: Report, ref: str, *, original: bool) -> tuple[bytes, str] | None:
        """A display copy (photos, for readers) or the evidence original (assigned officer only),
        with its file name extension (by content: an unknown type is ``bin``)."""
        if not can_read_content(self.officer, report):
            return None
        if original and report.assignee_id != self.officer.id:
            return None
        row = await self.session.scalar(
            select(Attachment).where(Attachment.ref == ref, Attachment.report_id == report.id)
        )
        if row is None:
            return None
        store = AttachmentStore(self.session, self.keyring)
        data = store.original(row) if original else store.display(row)
        if data is None:
            return None
        await self._audit("read_original" if original else "read_attachment", report, {"file": ref})
        return data, (extension_of(row.mime) if original else "jpg")

    # Actions.

    async def act(self, report: Report, action: str, form: dict[str, str]) -> str:
        """Run one action; returns the key of the message that confirms it."""
        handler = getattr(self, f"_act_{action}", None)
        if handler is None:
            raise ActionRefused("console.error.unknown_action")
        result: str = await handler(report, form)
        return result

    def _require_content(self, report: Report) -> None:
        if not can_read_content(self.officer, report) or report.status in CLOSED:
            raise ActionRefused("console.error.take_first")

    async def _act_acknowledge(self, report: Report, form: dict[str, str]) -> str:
        result = await acknowledge(self.session, self.reports, report, self.officer, self.now, via="console")
        if result.outcome == "refused":
            raise ActionRefused("console.error.not_allowed")
        return "console.done.acknowledged" if result.outcome == "acknowledged" else "console.done.already"

    async def _act_handle(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        await self._move(report, Move.HANDLE, refusal="console.error.status")
        return "console.done.status"

    async def _act_risk(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        try:
            urgency = Urgency(form.get("urgency", ""))
        except ValueError:
            raise ActionRefused("console.error.invalid") from None
        old, report.urgency = report.urgency, urgency
        await self._event(report, "risk", {"from": old, "to": urgency})
        return "console.done.saved"

    async def _act_recategorise(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        category = self.deployment.category_by_code.get(form.get("category", ""))
        if category is None:
            raise ActionRefused("console.error.invalid")
        old = report.category
        report.category = category.code
        report.simfoni = category.simfoni.value if category.simfoni else None
        await self._event(report, "category", {"from": old, "to": category.code})
        return "console.done.saved"

    async def _act_assign(self, report: Report, form: dict[str, str]) -> str:
        if not await self._may(report, Move.ASSIGN):
            raise ActionRefused("console.error.not_allowed")
        target_id = parse_id(form.get("officer"))
        target = await self.session.get(Officer, target_id) if target_id else None
        if (
            target is None
            or not target.active
            or target.unit_id != report.unit_id
            or target.role not in ON_ROSTER
        ):
            raise ActionRefused("console.error.invalid")
        await self._move(report, Move.ASSIGN, Particulars(assignee_id=target.id, reason="console"))
        for announcer in self.announcers:
            await announcer.announce(self.session, report, [target], "assigned", self.now)
        return "console.done.assigned"

    async def _act_reply(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        text = self._text(form)
        try:
            await reply_to_reporter(
                self.session,
                self.keyring,
                self.catalogues,
                self.reports,
                report,
                self.officer,
                text,
                self.now,
            )
        except ReplyRefused as exc:
            raise ActionRefused("console.error.not_allowed") from exc
        return "console.done.replied"

    async def _act_note(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        await self.reports.add_event(
            report, "note", self.now, text=self._text(form), officer_id=self.officer.id
        )
        await self._audit("note", report)
        return "console.done.noted"

    async def _act_refer(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        service = form.get("service", "")
        if not await self._may(report, Move.REFER):
            raise ActionRefused("console.error.status")
        if service not in {s.code for s in self.deployment.services}:
            raise ActionRefused("console.error.invalid")
        self.session.add(
            Referral(
                report_id=report.id,
                service=service,
                status="diajukan",
                officer_id=self.officer.id,
                created_at=self.now,
                updated_at=self.now,
            )
        )
        await self._move(report, Move.REFER, refusal="console.error.status")
        await self._event(report, "referred", {"service": service})
        return "console.done.referred"

    async def _act_referral(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        referral_id, status = parse_id(form.get("referral")), form.get("status", "")
        referral = await self.session.get(Referral, referral_id) if referral_id else None
        if referral is None or referral.report_id != report.id or status not in REFERRAL_STATUSES:
            raise ActionRefused("console.error.invalid")
        old, referral.status, referral.updated_at = referral.status, status, self.now
        await self._event(report, "referral", {"service": referral.service, "from": old, "to": status})
        return "console.done.saved"

    async def _act_close(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        outcome = form.get("outcome", "")
        if outcome not in {o.code for o in self.deployment.outcomes}:
            raise ActionRefused("console.error.outcome")
        await self._move(report, Move.RESOLVE, Particulars(outcome=outcome), refusal="console.error.status")
        return "console.done.closed"

    async def _act_invalid(self, report: Report, form: dict[str, str]) -> str:
        """Closing as invalid erases the reply address: only someone who may read the report (its
        assigned officer or a supervisor) decides it is not worth an answer."""
        self._require_content(report)
        reason = form.get("reason", "")
        if reason not in ("tidak-valid", "spam", "ganda"):
            raise ActionRefused("console.error.invalid")
        await self._move(
            report, Move.INVALIDATE, Particulars(outcome=reason), refusal="console.error.read_first"
        )
        return "console.done.closed"

    # Shared steps.

    def _text(self, form: dict[str, str]) -> str:
        text = (form.get("text") or "").strip()
        if not text:
            raise ActionRefused("console.error.empty")
        if len(text) > TEXT_LIMIT:
            raise ActionRefused("console.error.too_long")
        return text

    async def _may(self, report: Report, move: Move) -> bool:
        actor = Actor.officer_on(self.officer, report, "console")
        return (await decide_move(self.session, report, actor, move, self.now)).allowed

    async def _move(
        self,
        report: Report,
        move: Move,
        particulars: Particulars | None = None,
        *,
        refusal: str = "console.error.not_allowed",
    ) -> None:
        """A status change by the lifecycle's rule (which also erases the reply address on closing)."""
        actor = Actor.officer_on(self.officer, report, "console")
        if not (await carry_out(self.reports, report, actor, move, self.now, particulars)).allowed:
            raise ActionRefused(refusal)

    async def _event(self, report: Report, kind: str, detail: dict[str, Any]) -> None:
        await self.reports.add_event(report, kind, self.now, officer_id=self.officer.id, detail=detail)
        await self._audit(kind, report, {k: v for k, v in detail.items() if not isinstance(v, dict)})

    async def _audit(self, action: str, report: Report, detail: dict[str, Any] | None = None) -> None:
        await audit.record(
            self.session,
            action=action,
            actor="console",
            officer_id=self.officer.id,
            report_id=report.id,
            now=self.now,
            detail=detail,
        )
