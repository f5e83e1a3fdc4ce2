"""Closing a case right, on the console's side: an outcome chosen (never preselected), a confirmation
that lists what is still open, reopening (Buka kembali), closing as invalid. Who may make each move
is the lifecycle's rule (``flows.lifecycle``): reopening by a supervisor or the assigned officer,
closing as invalid only by someone who may read the report and has read it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admin.desk_core import ActionRefused, DeskCore
from flows.access import can_read_content
from flows.lifecycle import Move
from flows.vocabulary import CLOSED, OPEN_REFERRALS, CaseEventKind
from storage.cases import Particulars
from storage.models import CaseEvent, Referral, Report

INVALID_REASONS = ("tidak-valid", "spam", "ganda")


@dataclass(frozen=True)
class OpenItems:
    referrals: list[str]
    """Services of referrals still waiting for an answer or under way."""
    unanswered: int
    """Reporter messages after the last officer reply."""

    def __bool__(self) -> bool:
        return bool(self.referrals or self.unanswered)


class NeedsConfirmation(Exception):
    """Closing with things still open: the officer confirms after seeing the list."""

    def __init__(self, items: OpenItems, form: dict[str, str]):
        super().__init__("confirm")
        self.items = items
        self.form = form


class Closing(DeskCore):
    async def open_items(self, report: Report) -> OpenItems:
        referrals = (
            await self.session.scalars(
                select(Referral.service)
                .where(Referral.report_id == report.id, Referral.status.in_(OPEN_REFERRALS))
                .order_by(Referral.id)
            )
        ).all()
        kinds = (
            await self.session.scalars(
                select(CaseEvent.kind)
                .where(CaseEvent.report_id == report.id)
                .where(CaseEvent.kind.in_((CaseEventKind.REPORTER_MESSAGE, CaseEventKind.OFFICER_REPLY)))
                .order_by(CaseEvent.at, CaseEvent.id)
            )
        ).all()
        unanswered = 0
        for kind in kinds:
            unanswered = unanswered + 1 if kind == CaseEventKind.REPORTER_MESSAGE else 0
        return OpenItems(list(referrals), unanswered)

    async def may_reopen(self, report: Report) -> bool:
        return report.status in CLOSED and await self._may(report, Move.REOPEN)

    def may_close_invalid(self, report: Report) -> bool:
        """The assigned officer or a supervisor: people who may read the report."""
        return report.status not in CLOSED and can_read_content(self.officer, report)

    async def _act_close(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        outcome = form.get("outcome", "")
        if outcome not in {o.code for o in self.deployment.outcomes}:
            raise ActionRefused("console.error.outcome")
        items = await self.open_items(report)
        if items and form.get("confirm") != "1":
            raise NeedsConfirmation(items, form)
        await self._move(report, Move.RESOLVE, Particulars(outcome=outcome), refusal="console.error.status")
        return "console.done.closed"

    async def _act_invalid(self, report: Report, form: dict[str, str]) -> str:
        self._require_content(report)
        reason = form.get("reason", "")
        if reason not in INVALID_REASONS:
            raise ActionRefused("console.error.invalid")
        await self.session.flush()  # this request's own reads count
        await self._move(
            report, Move.INVALIDATE, Particulars(outcome=reason), refusal="console.error.read_first"
        )
        return "console.done.closed"

    async def _act_reopen(self, report: Report, form: dict[str, str]) -> str:
        await self._move(report, Move.REOPEN, refusal="console.error.not_allowed")
        return "console.done.reopened"
