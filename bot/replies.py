"""An officer's reply to a reporter: on the case timeline (readable with the receipt code) and,
where the reporter left a messenger address, queued in the outbox for their chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram import CHANNEL as TELEGRAM
from bot.telegram.render import send_message_calls
from bot.whatsapp import CHANNEL as WHATSAPP
from bot.whatsapp.render import payloads
from flows.access import may_handle
from flows.i18n import N_, Catalogues
from flows.outbound import Reply
from flows.vocabulary import OutboxPurpose
from storage import audit
from storage.crypto import Keyring
from storage.models import DeliveryAddress, Officer, Report
from storage.outbox import Outbox, Outgoing
from storage.reports import ReportStore


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
) -> int:
    """Returns how many chats the reply was queued for (0: only readable by receipt code)."""
    if not may_handle(officer, report):
        raise ReplyRefused("this officer may not reply on this case")
    await reports.add_event(report, "officer_reply", now, text=text, officer_id=officer.id)
    await audit.record(
        session, action="reply", actor="officer", officer_id=officer.id, report_id=report.id, now=now
    )
    outbox = Outbox(session, keyring)
    queued = 0
    statement = select(DeliveryAddress).where(
        DeliveryAddress.report_id == report.id, DeliveryAddress.blocked_at.is_(None)
    )
    heading = catalogues.text(report.locale, N_("reply.from_officer"), reference=report.reference)
    reply = Reply(f"{heading}\n\n{text}")
    for address in (await session.scalars(statement)).all():
        where = await reports.address(report, address.channel) or ""
        if address.channel == TELEGRAM:
            for params in send_message_calls(where, [reply]):
                await outbox.put(
                    Outgoing(
                        TELEGRAM,
                        address.conversation_key,
                        "sendMessage",
                        params,
                        report.id,
                        OutboxPurpose.OFFICER_REPLY,
                    ),
                    now,
                )
        elif address.channel == WHATSAPP:
            phone_id, _, to = where.partition(":")
            choose = catalogues.text(report.locale, N_("whatsapp.choose"))
            button = catalogues.text(report.locale, N_("whatsapp.list_button"))
            for payload in payloads(to, reply, choose=choose, list_button=button):
                params = {"phone_number_id": phone_id, "payload": payload}
                message = Outgoing(
                    WHATSAPP,
                    address.conversation_key,
                    "messages",
                    params,
                    report.id,
                    OutboxPurpose.OFFICER_REPLY,
                )
                await outbox.put(message, now)
        else:
            continue
        queued += 1
    return queued
