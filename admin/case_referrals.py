"""Referrals with substance: to which service, with a note, the contact person there and the date
by which the officer follows up; each status change named on the timeline with its note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from admin.desk_core import ActionRefused, DeskCore
from admin.form_values import parse_id
from flows.lifecycle import Move
from flows.vocabulary import OPEN_REFERRALS, AuditAction, CaseEventKind, ReferralStatus
from storage.models import Referral, Report
from storage.reports import referral_context

NOTE_LIMIT = 1000
CONTACT_LIMIT = 160


@dataclass(frozen=True)
class ReferralView:
    row: Referral
    note: str | None
    contact: str | None
    overdue: bool


class Referrals(DeskCore):
    async def referrals(self, report: Report, *, readable: bool) -> list[ReferralView]:
        rows = (
            await self.session.scalars(
                select(Referral).where(Referral.report_id == report.id).order_by(Referral.id)
            )
        ).all()
        today = self.now.astimezone(self.deployment.default_unit.zone).date().isoformat()
        views = []
        for row in rows:
            details: dict[str, Any] = {}
            if readable and row.sealed:
                details = self.keyring.open_json(row.sealed, referral_context(report.id))
            overdue = bool(row.follow_up_on and row.follow_up_on < today and row.status in OPEN_REFERRALS)
            views.append(ReferralView(row, details.get("note"), details.get("contact"), overdue))
        return views

    def _details(self, form: dict[str, str]) -> tuple[str, str, str | None]:
        note = (form.get("note") or "").strip()
        contact = (form.get("contact") or "").strip()
        if len(note) > NOTE_LIMIT or len(contact) > CONTACT_LIMIT:
            raise ActionRefused("console.error.too_long")
        follow_up = (form.get("follow_up") or "").strip() or None
        if follow_up is not None:
            try:
                date.fromisoformat(follow_up)
            except ValueError:
                raise ActionRefused("console.error.invalid") from None
        return note, contact, follow_up

    async def _act_refer(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        if not await self._may(report, Move.REFER):
            raise ActionRefused("console.error.status")
        service = form.get("service", "")
        if service not in {s.code for s in self.deployment.services}:
            raise ActionRefused("console.error.invalid")
        note, contact, follow_up = self._details(form)
        sealed = self.keyring.seal_json({"note": note, "contact": contact}, referral_context(report.id))
        self.session.add(
            Referral(
                report_id=report.id,
                service=service,
                status=ReferralStatus.PROPOSED,
                officer_id=self.officer.id,
                created_at=self.now,
                updated_at=self.now,
                follow_up_on=follow_up,
                sealed=sealed,
            )
        )
        await self._move(report, Move.REFER, refusal="console.error.status")
        detail = {"service": service, "follow_up": follow_up}
        await self.reports.add_event(
            report,
            CaseEventKind.REFERRED,
            self.now,
            text=note or None,
            officer_id=self.officer.id,
            detail=detail,
        )
        await self._audit(AuditAction.REFERRED, report, {"service": service})
        return "console.done.referred"

    async def _act_referral(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        referral_id = parse_id(form.get("referral"))
        referral = await self.session.get(Referral, referral_id) if referral_id else None
        try:
            status = ReferralStatus(form.get("status", ""))
        except ValueError:
            raise ActionRefused("console.error.invalid") from None
        if referral is None or referral.report_id != report.id:
            raise ActionRefused("console.error.invalid")
        note, _, follow_up = self._details(form)
        old = referral.status
        if old == status and not note and follow_up in (None, referral.follow_up_on):
            raise ActionRefused("console.error.nothing_changed")
        referral.status, referral.updated_at = status, self.now
        if follow_up is not None:
            referral.follow_up_on = follow_up
        detail = {"service": referral.service, "from": old, "to": status, "follow_up": referral.follow_up_on}
        await self.reports.add_event(
            report,
            CaseEventKind.REFERRAL,
            self.now,
            text=note or None,
            officer_id=self.officer.id,
            detail=detail,
        )
        await self._audit(
            AuditAction.REFERRAL, report, {"service": referral.service, "from": old, "to": status}
        )
        return "console.done.saved"
