"""Reports: filing them from a draft, receipts, the timeline, and delivery addresses.

Queryable fields go in plain columns; ``ReportDraft.content()`` is sealed with the report id as
context, so a ciphertext copied onto another report does not open.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.report import ReportDraft
from flows.vocabulary import CaseEventKind, Status, Urgency
from storage.crypto import Keyring
from storage.models import CaseEvent, DeliveryAddress, ReferenceCounter, Report, ReportContent
from storage.upsert import insert_ignore

REFERENCE_PREFIX = "PKSAI"
RECEIPT_DIGITS = 16


def new_receipt_code() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def content_context(report_id: int) -> str:
    return f"report-content:{report_id}"


def event_context(report_id: int) -> str:
    return f"case-event:{report_id}"


def referral_context(report_id: int) -> str:
    return event_context(report_id) + ":referral"


def address_context(report_id: int, channel: str) -> str:
    return f"delivery-address:{report_id}:{channel}"


@dataclass(frozen=True)
class TimelineMessage:
    kind: str
    at: datetime
    text: str | None


class ReportStore:
    def __init__(self, session: AsyncSession, keyring: Keyring, unit_ids: dict[str, int] | None = None):
        self.session = session
        self.keyring = keyring
        self.unit_ids = unit_ids or {}
        """Unit codes to ids, for filing drafts (which name their unit by code)."""

    async def next_reference(self, now: datetime) -> str:
        """``PKSAI-2026-000123``: a gap-free yearly sequence, safe under concurrent writers."""
        year = now.year
        await insert_ignore(self.session, ReferenceCounter, {"year": year, "last": 0}, ["year"])
        bump = (
            update(ReferenceCounter)
            .where(ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1)
            .returning(ReferenceCounter.last)
        )
        number = (await self.session.execute(bump)).scalar_one()
        return f"{REFERENCE_PREFIX}-{year}-{number:06d}"

    async def create(self, draft: ReportDraft, channel: str, now: datetime) -> Report:
        report = Report(
            reference=await self.next_reference(now),
            channel=channel,
            created_at=now,
            last_activity_at=now,
            status=Status.NEW,
        )
        self._apply_draft(report, draft)
        self.session.add(report)
        await self.session.flush()
        self.session.add(
            ReportContent(
                report_id=report.id,
                sealed=self.keyring.seal_json(draft.content(), content_context(report.id)),
                updated_at=now,
            )
        )
        await self.session.flush()
        return report

    async def update_from_draft(self, report: Report, draft: ReportDraft, now: datetime) -> None:
        """The rest of an urgent report's answers arrived (or the draft was abandoned)."""
        self._apply_draft(report, draft)
        report.last_activity_at = now
        content = await self.session.get(ReportContent, report.id)
        sealed = self.keyring.seal_json(draft.content(), content_context(report.id))
        if content is None:
            self.session.add(ReportContent(report_id=report.id, sealed=sealed, updated_at=now))
        else:
            content.sealed, content.updated_at = sealed, now
        await self.session.flush()

    def _apply_draft(self, report: Report, draft: ReportDraft) -> None:
        report.unit_id = self.unit_ids[draft.unit]
        report.region_code = draft.region
        report.category = draft.category
        report.simfoni = draft.simfoni
        # Urgency only goes up: a danger alert is not withdrawn by a later answer.
        report.urgency = Urgency.highest(report.urgency or draft.urgency, draft.urgency)
        report.age_band = draft.age_band
        report.sex = draft.sex
        report.reporter_role = draft.role
        report.danger = draft.danger
        report.locale = draft.locale
        report.source = draft.source
        report.complete = draft.complete

    async def issue_receipt(
        self, report: Report, now: datetime, prepared: tuple[str, bytes] | None = None
    ) -> str:
        """A fresh 16-digit code, shown to the reporter once; only its keyed hash is kept.
        ``prepared``: a code hashed beforehand, outside the transaction."""
        if prepared is not None:
            code, report.receipt_hash = prepared
        else:
            code = new_receipt_code()
            report.receipt_hash = await asyncio.to_thread(self.keyring.receipt_hash, code)
        report.submitted_at = now
        await self.session.flush()
        return code

    async def get(self, report_id: int) -> Report | None:
        return await self.session.get(Report, report_id)

    async def by_reference(self, reference: str) -> Report | None:
        return await self.session.scalar(select(Report).where(Report.reference == reference))

    async def by_receipt(self, code: str, hashes: list[bytes] | None = None) -> Report | None:
        """``hashes``: the code's hashes computed beforehand, outside the transaction."""
        if hashes is None:
            hashes = await asyncio.to_thread(self.keyring.receipt_hashes, code)
        return await self.session.scalar(select(Report).where(Report.receipt_hash.in_(hashes)))

    async def content(self, report: Report) -> dict[str, Any] | None:
        """Decrypted content; callers acting for an officer must write an audit entry."""
        row = await self.session.get(ReportContent, report.id)
        if row is None:
            return None
        return self.keyring.open_json(row.sealed, content_context(report.id))

    # The timeline.

    async def add_event(
        self,
        report: Report,
        kind: CaseEventKind,
        now: datetime,
        *,
        text: str | None = None,
        officer_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> CaseEvent:
        sealed = self.keyring.seal(text.encode(), event_context(report.id)) if text else None
        event = CaseEvent(
            report_id=report.id,
            at=now,
            kind=kind,
            officer_id=officer_id,
            sealed=sealed,
            detail=detail,
        )
        self.session.add(event)
        report.last_activity_at = now
        await self.session.flush()
        return event

    async def timeline(
        self, report: Report, kinds: Sequence[CaseEventKind] | None = None
    ) -> list[TimelineMessage]:
        statement = select(CaseEvent).where(CaseEvent.report_id == report.id)
        if kinds is not None:
            statement = statement.where(CaseEvent.kind.in_(kinds))
        events = (await self.session.scalars(statement.order_by(CaseEvent.at, CaseEvent.id))).all()
        context = event_context(report.id)
        return [
            TimelineMessage(e.kind, e.at, self.keyring.open(e.sealed, context).decode() if e.sealed else None)
            for e in events
        ]

    async def officer_replies_to(
        self, conversation_keys: Sequence[str], channel: str, after: int
    ) -> list[tuple[int, Report, str]]:
        """Officers' replies (event id, report, text) on the reports this conversation may still
        receive replies for (its delivery address exists), newer than event ``after``."""
        reports = (
            select(DeliveryAddress.report_id)
            .where(DeliveryAddress.conversation_key.in_(conversation_keys))
            .where(DeliveryAddress.channel == channel)
            .scalar_subquery()
        )
        statement = (
            select(CaseEvent, Report)
            .join(Report, Report.id == CaseEvent.report_id)
            .where(
                CaseEvent.report_id.in_(reports),
                CaseEvent.kind == CaseEventKind.OFFICER_REPLY,
                CaseEvent.id > after,
            )
            .order_by(CaseEvent.id)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            (event.id, report, self.keyring.open(event.sealed, event_context(report.id)).decode())
            for event, report in rows
            if event.sealed
        ]

    async def last_event_id(self) -> int:
        return int(await self.session.scalar(select(func.max(CaseEvent.id))) or 0)

    # Where replies go.

    async def save_address(
        self, report: Report, conversation_key: str, channel: str, address: str, now: datetime
    ) -> None:
        sealed = self.keyring.seal(address.encode(), address_context(report.id, channel))
        existing = await self.session.scalar(
            select(DeliveryAddress).where(
                DeliveryAddress.report_id == report.id, DeliveryAddress.channel == channel
            )
        )
        if existing is None:
            self.session.add(
                DeliveryAddress(
                    report_id=report.id,
                    conversation_key=conversation_key,
                    channel=channel,
                    sealed=sealed,
                    created_at=now,
                )
            )
        else:
            existing.sealed, existing.conversation_key, existing.blocked_at = (
                sealed,
                conversation_key,
                None,
            )
        await self.session.flush()

    async def address(self, report: Report, channel: str) -> str | None:
        row = await self.session.scalar(
            select(DeliveryAddress).where(
                DeliveryAddress.report_id == report.id, DeliveryAddress.channel == channel
            )
        )
        if row is None:
            return None
        return self.keyring.open(row.sealed, address_context(report.id, channel)).decode()

    async def erase_addresses(self, conversation_keys: Sequence[str]) -> int:
        statement = delete(DeliveryAddress).where(DeliveryAddress.conversation_key.in_(conversation_keys))
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
