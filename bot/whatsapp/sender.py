"""Sending the outbox to the Graph API's ``/messages`` (on the shared ``OutboxSender``), with
WhatsApp's own rule: free-form messages only within 24 hours of the reporter's last message. An
officer's reply outside that window is held (the case page shows it) until the reporter writes
again; with an approved template, the reporter is told once that a reply waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from bot.outbox_sender import OutboxSender, Outcome, Result
from bot.pacing import Pacer
from bot.whatsapp import CHANNEL
from flows.vocabulary import OutboxPurpose
from storage.models import Conversation, Report
from storage.models_delivery import OutboxMessage
from storage.outbox import Claimed, Outbox, Outgoing

WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = "outside_24h_window"
HOLD_UNTIL_WRITES = timedelta(days=3650)
OUTSIDE_WINDOW_ERROR = 131047


class WhatsAppSender(OutboxSender):
    channel = CHANNEL

    def __init__(self, hotline: Hotline, http: httpx.AsyncClient):
        super().__init__(hotline, Pacer(hotline.settings.whatsapp_rate))
        self.http = http
        self.api = hotline.settings.whatsapp_api_url.rstrip("/")

    async def deliver(self, message: Claimed) -> Result:
        params = message.params
        try:
            response = await self.http.post(
                f"{self.api}/{params['phone_number_id']}/messages", json=params["payload"]
            )
        except httpx.HTTPError as exc:
            return Result(Outcome.RETRY, type(exc).__name__)
        if response.status_code == 200:
            wamid = ((response.json().get("messages") or [{}])[0]).get("id")
            return Result(Outcome.SENT, provider_id=wamid)
        if response.status_code == 429 or response.status_code >= 500:
            after = response.headers.get("Retry-After")
            delay = timedelta(seconds=int(after)) if after and after.isdigit() else None
            return Result(Outcome.RETRY, str(response.status_code), delay)
        if _error_code(response) == OUTSIDE_WINDOW_ERROR:
            return Result(Outcome.HOLD, OUTSIDE_WINDOW)
        return Result(Outcome.DEAD, str(response.status_code))

    async def screen(
        self, session: AsyncSession, outbox: Outbox, chain: list[Claimed], now: datetime
    ) -> list[Claimed]:
        """Officers' replies outside the window are held, and do not block what follows them."""
        kept: list[Claimed] = []
        for message in chain:
            if message.purpose == OutboxPurpose.OFFICER_REPLY and not await self._window_open(
                session, message.destination, now
            ):
                await self._hold(session, outbox, message, now)
            else:
                kept.append(message)
        return kept

    async def sent(
        self, session: AsyncSession, sent: Sequence[tuple[Claimed, Result]], now: datetime
    ) -> None:
        await self.outbox(session).provider_ids({m.id: r.provider_id for m, r in sent})

    async def settled(
        self, session: AsyncSession, outbox: Outbox, row: OutboxMessage, result: Result, now: datetime
    ) -> None:
        if result.outcome == Outcome.HOLD:
            row.held_reason, row.not_before = OUTSIDE_WINDOW, now + HOLD_UNTIL_WRITES

    async def _window_open(self, session: AsyncSession, destination: str, now: datetime) -> bool:
        last = await session.scalar(
            select(Conversation.last_inbound_at).where(Conversation.key == destination)
        )
        return last is not None and now - last < WINDOW

    async def _hold(self, session: AsyncSession, outbox: Outbox, message: Claimed, now: datetime) -> None:
        """Hold the reply; with an approved template, tell the reporter once."""
        already_held = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.destination == message.destination, OutboxMessage.held_reason.is_not(None))
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
        )
        row = await session.get(OutboxMessage, message.id)
        assert row is not None
        row.held_reason, row.not_before = OUTSIDE_WINDOW, now + HOLD_UNTIL_WRITES
        template = self.hotline.settings.whatsapp_reply_template
        if not template or already_held:
            return
        report = await session.get(Report, message.report_id) if message.report_id else None
        payload = {
            "messaging_product": "whatsapp",
            "to": message.params["payload"]["to"],
            "type": "template",
            "template": {
                "name": template,
                "language": {"code": self.hotline.settings.whatsapp_template_language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": report.reference if report else "-"}],
                    }
                ],
            },
        }
        params = {"phone_number_id": message.params["phone_number_id"], "payload": payload}
        notice = Outgoing(
            CHANNEL, message.destination, "messages", params, message.report_id, OutboxPurpose.WAITING_NOTICE
        )
        await outbox.put(notice, now)


def _error_code(response: httpx.Response) -> int | None:
    try:
        return int(response.json().get("error", {}).get("code"))
    except (ValueError, TypeError, AttributeError):
        return None
