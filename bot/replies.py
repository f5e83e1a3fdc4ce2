"""An officer's reply to a reporter: on the case timeline (readable with the receipt code) and,
where the reporter left a messenger address, queued in the outbox for their chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram import CHANNEL as TELEGRAM
from bot.telegram import render as telegram_render
from bot.whatsapp import CHANNEL as WHATSAPP
from bot.whatsapp import render as whatsapp_render
from flows.access import may_handle
from flows.i18n import N_, Catalogues
from flows.outbound import Reply
from flows.vocabulary import AuditAction, CaseEventKind, Door
from storage import audit
from storage.crypto import Keyring
from storage.models import DeliveryAddress, Officer, Report
from storage.outbox import Outbox, Outgoing
from storage.reports import ReportStore

Render = Callable[[Catalogues, str, str, Reply, str, int], list[Outgoing]]
RENDERERS: dict[str, Render] = {
    TELEGRAM: telegram_render.officer_reply,
    WHATSAPP: whatsapp_render.officer_reply,
}
"""Each channel words an officer's reply its own way (buttons, limits, WhatsApp's window)."""


class ReplyRefused(PermissionError):
    pass


async def reply_to_reporter(
    session: AsyncSession,
    keyring: Keyring,
    catalogues: Catalogues,
    reports: ReportStore,
    report: Report,
    officer: Officer,
    text: str,
    now: datetime,
    via: Door,
) -> int:
    """Returns how many chats the reply was queued for (0: only readable by receipt code)."""
    if not may_handle(officer, report):
        raise ReplyRefused("this officer may not reply on this case")
    await reports.add_event(report, CaseEventKind.OFFICER_REPLY, now, text=text, officer_id=officer.id)
    await audit.record(
        session, action=AuditAction.REPLY, actor=via, officer_id=officer.id, report_id=report.id, now=now
    )
    outbox = Outbox(session, keyring)
    queued = 0
    statement = select(DeliveryAddress).where(
        DeliveryAddress.report_id == report.id, DeliveryAddress.blocked_at.is_(None)
    )
    heading = catalogues.text(report.locale, N_("reply.from_officer"), reference=report.reference)
    reply = Reply(f"{heading}\n\n{text}")
    for address in (await session.scalars(statement)).all():
        render = RENDERERS.get(address.channel)
        if render is None:
            continue
        where = await reports.address(report, address.channel) or ""
        for message in render(catalogues, address.conversation_key, where, reply, report.locale, report.id):
            await outbox.put(message, now)
        queued += 1
    return queued
