"""What every case operation needs, and the steps they share: the transaction, keys, words and
the officer acting; permission checks, status changes with their timeline event and audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.routing import Announcer
from flows.access import can_read_content, may_handle
from flows.deployment import Deployment
from flows.i18n import Catalogues
from flows.lifecycle import Move
from flows.vocabulary import CLOSED, AuditAction, CaseEventKind, Door
from storage import audit
from storage.cases import Actor, Particulars, carry_out, decide_move
from storage.crypto import Keyring
from storage.models import Officer, Report
from storage.reports import ReportStore

TEXT_LIMIT = 4000


class ActionRefused(Exception):
    """Within the user's scope, but not allowed or not valid now; ``key`` names the message."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass
class DeskCore:
    session: AsyncSession
    keyring: Keyring
    catalogues: Catalogues
    deployment: Deployment
    reports: ReportStore
    officer: Officer
    now: datetime
    announcers: Sequence[Announcer] = ()
    escalation_reader: bool = False
    """An admin opening an urgent case escalated to them: they may read it (audited), not act."""

    def _require_handling(self, report: Report) -> None:
        if not may_handle(self.officer, report) or report.status in CLOSED:
            raise ActionRefused("console.error.not_allowed")

    def _require_content(self, report: Report) -> None:
        if not can_read_content(self.officer, report) or report.status in CLOSED:
            raise ActionRefused("console.error.take_first")

    def _text(self, form: dict[str, str]) -> str:
        text = (form.get("text") or "").strip()
        if not text:
            raise ActionRefused("console.error.empty")
        if len(text) > TEXT_LIMIT:
            raise ActionRefused("console.error.too_long")
        return text

    async def _may(self, report: Report, move: Move) -> bool:
        actor = Actor.officer_on(self.officer, report, Door.CONSOLE)
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
        actor = Actor.officer_on(self.officer, report, Door.CONSOLE)
        if not (await carry_out(self.reports, report, actor, move, self.now, particulars)).allowed:
            raise ActionRefused(refusal)

    async def _event(
        self, report: Report, kind: CaseEventKind, action: AuditAction, detail: dict[str, Any]
    ) -> None:
        await self.reports.add_event(report, kind, self.now, officer_id=self.officer.id, detail=detail)
        await self._audit(action, report, {k: v for k, v in detail.items() if not isinstance(v, dict)})

    async def _audit(self, action: AuditAction, report: Report, detail: dict[str, Any] | None = None) -> None:
        await audit.record(
            self.session,
            action=action,
            actor=Door.CONSOLE,
            officer_id=self.officer.id,
            report_id=report.id,
            now=self.now,
            detail=detail,
        )
