"""A case as officers see and work it: the page's data, and every action on it.

Each action checks its own permission, changes the case, writes the timeline and the audit trail;
the views only translate HTTP to these calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from admin.case_closing import Closing, OpenItems
from admin.case_referrals import Referrals, ReferralView
from admin.desk_core import ActionRefused
from admin.form_values import parse_id
from bot.replies import ReplyRefused, reply_to_reporter
from flows.access import can_assign, can_read_content, can_view, may_handle
from flows.lifecycle import Move
from flows.sla import Deadline, deadline
from flows.vocabulary import ON_ROSTER, Announcement, AuditAction, CaseEventKind, Door, Role, Urgency
from storage.attachments import AttachmentStore
from storage.canned_replies import replies_or_defaults
from storage.case_reads import mark_seen
from storage.cases import AckOutcome, Particulars, acknowledge
from storage.file_types import extension_of
from storage.models import Attachment, CaseEvent, DeliveryAddress, Officer, Report
from storage.models_delivery import OutboxMessage
from storage.reports import event_context

__all__ = ["ActionRefused", "CaseView", "Desk"]


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
    referrals: list[ReferralView]
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
    replies: list[tuple[str, str]] = field(default_factory=list)
    """The unit's ready-made replies: (Indonesian, English)."""
    open_items: OpenItems | None = None
    may_reopen: bool = False
    may_close_invalid: bool = False


@dataclass
class Desk(Closing, Referrals):
    """A case's page and actions for one officer, in one transaction."""

    async def find(self, reference: str) -> Report | None:
        """The case, or None when it is outside this officer's scope (shown as 404)."""
        report = await self.reports.by_reference(reference)
        if report is None:
            return None
        if self.officer.role == Role.ADMIN and await self._escalated_to_admins(report):
            self.escalation_reader = True
            return report
        return report if can_view(self.officer, report) else None

    async def _escalated_to_admins(self, report: Report) -> bool:
        """The last step of the escalation chain: an urgent case nobody took reaches the unit's
        admin, who may then open it (read only, every read audited) to get someone on it."""
        if (
            report.unit_id != self.officer.unit_id
            or not self.officer.active
            or report.urgency != Urgency.URGENT
        ):
            return False
        details = (
            await self.session.scalars(
                select(CaseEvent.detail).where(
                    CaseEvent.report_id == report.id, CaseEvent.kind == CaseEventKind.ESCALATED
                )
            )
        ).all()
        return any((d or {}).get("to") == Role.ADMIN for d in details)

    async def view(self, report: Report) -> CaseView:
        may_read = can_read_content(self.officer, report)
        content = None
        if may_read or self.escalation_reader:
            content = await self.reports.content(report)
            await self._audit(
                AuditAction.READ_CONTENT, report, {"as": "escalation"} if self.escalation_reader else None
            )
        await mark_seen(self.session, self.officer.id, report.id, self.now)
        events = (
            await self.session.scalars(
                select(CaseEvent).where(CaseEvent.report_id == report.id).order_by(CaseEvent.at, CaseEvent.id)
            )
        ).all()
        everyone = (
            await self.session.scalars(
                select(Officer).where(Officer.unit_id == report.unit_id).order_by(Officer.display_name)
            )
        ).all()
        names = {o.id: o.display_name for o in everyone}
        colleagues = [o for o in everyone if o.active and o.role in ON_ROSTER]
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
        referrals = await self.referrals(report, readable=may_read)
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
            replies=await replies_or_defaults(self.session, report.unit_id, self.deployment),
            open_items=await self.open_items(report),
            may_reopen=await self.may_reopen(report),
            may_close_invalid=self.may_close_invalid(report),
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
        await self._audit(
            AuditAction.READ_ORIGINAL if original else AuditAction.READ_ATTACHMENT, report, {"file": ref}
        )
        return data, (extension_of(row.mime) if original else "jpg")

    # Actions.

    async def act(self, report: Report, action: str, form: dict[str, str]) -> str:
        """Run one action; returns the key of the message that confirms it."""
        handler = getattr(self, f"_act_{action}", None)
        if handler is None:
            raise ActionRefused("console.error.unknown_action")
        result: str = await handler(report, form)
        return result

    async def _act_acknowledge(self, report: Report, form: dict[str, str]) -> str:
        result = await acknowledge(
            self.session, self.reports, report, self.officer, self.now, via=Door.CONSOLE
        )
        if result.outcome == AckOutcome.REFUSED:
            raise ActionRefused("console.error.not_allowed")
        return (
            "console.done.acknowledged"
            if result.outcome == AckOutcome.ACKNOWLEDGED
            else "console.done.already"
        )

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
        await self._event(report, CaseEventKind.RISK, AuditAction.RISK, {"from": old, "to": urgency})
        return "console.done.saved"

    async def _act_recategorise(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        category = self.deployment.category_by_code.get(form.get("category", ""))
        if category is None:
            raise ActionRefused("console.error.invalid")
        old = report.category
        report.category = category.code
        report.simfoni = category.simfoni.value if category.simfoni else None
        await self._event(
            report, CaseEventKind.CATEGORY, AuditAction.CATEGORY, {"from": old, "to": category.code}
        )
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
        await self._move(report, Move.ASSIGN, Particulars(assignee_id=target.id))
        for announcer in self.announcers:
            await announcer.announce(self.session, report, [target], Announcement.ASSIGNED, self.now)
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
                Door.CONSOLE,
            )
        except ReplyRefused as exc:
            raise ActionRefused("console.error.not_allowed") from exc
        return "console.done.replied"

    async def _act_note(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        await self.reports.add_event(
            report, CaseEventKind.NOTE, self.now, text=self._text(form), officer_id=self.officer.id
        )
        await self._audit(AuditAction.NOTE, report)
        return "console.done.noted"
