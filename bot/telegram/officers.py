"""Duty officers on Telegram: linking with a one-time code, case announcements, the Terima button.

Announcements carry the reference, category, urgency and a console link, never report content.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from bot.telegram import CHANNEL
from bot.telegram.updates import ACK_PREFIX
from flows.deployment import Deployment
from flows.i18n import N_, Catalogues
from flows.vocabulary import Announcement, Door, OutboxPurpose, Status, Urgency
from storage.cases import AckOutcome, acknowledge
from storage.crypto import Keyring
from storage.models import Officer, Report
from storage.officer_links import chat_key, linked_officer, links_of_unit, redeem
from storage.outbox import Outbox, Outgoing
from storage.reports import ReportStore

OFFICER_LOCALE = "id"


class OfficerDesk:
    def __init__(self, settings: Settings, catalogues: Catalogues):
        self.settings = settings
        self.keyring: Keyring = settings.keyring
        self.deployment: Deployment = settings.deployment
        self.catalogues = catalogues

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(OFFICER_LOCALE, key, **params)

    def send(
        self, destination: str, chat_id: str | int, text: str, report_id: int | None = None, **extra: Any
    ) -> Outgoing:
        params = {"chat_id": chat_id, "text": text, **extra}
        return Outgoing(
            CHANNEL, destination, "sendMessage", params, report_id, purpose=OutboxPurpose.TO_OFFICER
        )

    # The router's Announcer: a case to take, or an escalation.

    async def announce(
        self,
        session: AsyncSession,
        report: Report,
        officers: Sequence[Officer],
        kind: Announcement,
        now: datetime,
    ) -> None:
        wanted = {o.id for o in officers}
        if not wanted:
            return
        outbox = Outbox(session, self.keyring)
        text = self._announcement(report, kind)
        button = {"text": self.t(N_("officer.ack_button")), "callback_data": f"{ACK_PREFIX}|{report.id}"}
        markup = {"inline_keyboard": [[button]]} if report.status == Status.NEW else None
        for officer, link, chat_id in await links_of_unit(session, self.keyring, report.unit_id):
            if officer.id in wanted:
                extra = {"reply_markup": markup} if markup else {}
                await outbox.put(self.send(link.chat_key, chat_id, text, report.id, **extra), now)

    def _announcement(self, report: Report, kind: Announcement) -> str:
        category = self.deployment.category_by_code.get(report.category or "")
        label = category.label.get(OFFICER_LOCALE) if category else self.t(N_("officer.category_pending"))
        params = {"reference": report.reference, "category": label}
        if kind == Announcement.URGENT:
            text = self.t(N_("officer.urgent_case"), **params)
        elif kind == Announcement.UNASSIGNED:
            text = self.t(N_("officer.unassigned_case"), **params)
        elif kind in (Announcement.ESCALATED_TO_SUPERVISORS, Announcement.ESCALATED_TO_ADMINS):
            text = self.t(N_("officer.escalated"), **params)
        else:
            high = report.urgency == Urgency.HIGH
            urgency = self.t(N_("officer.urgency.high") if high else N_("officer.urgency.normal"))
            text = self.t(N_("officer.new_case"), urgency=urgency, **params)
        if self.settings.public_url:
            text += "\n" + f"{self.settings.public_url.rstrip('/')}/admin/cases/{report.reference}"
        return text

    # Updates from officers.

    async def link(self, session: AsyncSession, code: str, chat_id: int, now: datetime) -> list[Outgoing]:
        officer = await redeem(session, self.keyring, code, chat_id, now) if code else None
        key = chat_key(self.keyring, chat_id)
        if officer is None:
            return [self.send(key, chat_id, self.t(N_("officer.link_invalid")))]
        return [self.send(key, chat_id, self.t(N_("officer.linked"), name=officer.display_name))]

    async def acknowledge(
        self,
        session: AsyncSession,
        argument: str,
        chat_id: int,
        callback_id: str,
        now: datetime,
        unit_ids: dict[str, int],
    ) -> tuple[str, bool]:
        """Answer text for the callback, and whether the case is (now or already) taken."""
        officer = await linked_officer(session, self.keyring, chat_id)
        reports = ReportStore(session, self.keyring, unit_ids)
        report = await reports.get(int(argument)) if argument.isdigit() else None
        if officer is None or report is None:
            return self.t(N_("officer.ack_refused")), False
        result = await acknowledge(session, reports, report, officer, now, via=Door.TELEGRAM)
        if result.outcome == AckOutcome.ACKNOWLEDGED:
            return self.t(N_("officer.acked"), reference=report.reference, name=officer.display_name), True
        if result.outcome == AckOutcome.ALREADY:
            return self.t(N_("officer.ack_already"), reference=report.reference, name=result.by or "-"), True
        return self.t(N_("officer.ack_refused")), False
