"""Sending Web Push alerts from the outbox: encrypted for the device (RFC 8291), signed with our
VAPID key (RFC 8292), once, with retries.

Same life as the other senders: lease a due row, call the push service without holding a database
lock, settle the row. 404/410 mean the browser dropped the subscription: it is deleted and its
pending alerts given up. 429 waits ``Retry-After``; 5xx and network errors back off.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from pywebpush import WebPushException, webpush_async

from bot.hotline import Hotline
from bot.push import CHANNEL, settings_vapid
from bot.worker import drain_forever
from storage.models import OutboxMessage, PushSubscription
from storage.outbox import Outbox
from storage.push_subscriptions import PushSubscriptions

log = logging.getLogger(__name__)
GONE = (404, 410)
TTL_SECONDS = 12 * 3600
"""A phone that is off for the night still gets the alert when it wakes."""
TIMEOUT_SECONDS = 15


class PushSender:
    def __init__(self, hotline: Hotline):
        settings = hotline.settings
        self.hotline = hotline
        self.keyring = settings.keyring
        self.backoff_base = settings.outbox_backoff_base
        self.vapid = settings_vapid(settings)
        self.subject = settings.vapid_contact
        self.lease = timedelta(seconds=TIMEOUT_SECONDS + 5)
        self.wake = asyncio.Event()
        self._http: aiohttp.ClientSession | None = None

    def outbox(self, session: Any) -> Outbox:
        return Outbox(session, self.keyring, self.backoff_base)

    async def run(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        try:
            await drain_forever("push outbox", self.run_once, self.wake, self._idle_seconds)
        finally:
            await self._http.close()

    async def _idle_seconds(self) -> float:
        async with self.hotline.sessions() as session:
            due = await self.outbox(session).next_due(CHANNEL)
        if due is None:
            return 1.0
        wait = (due - self.hotline.runtime.clock()).total_seconds()
        return min(max(wait, 0.05), 1.0)

    async def run_once(self) -> bool:
        """Send the next due alert; False when nothing is due."""
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            now = self.hotline.runtime.clock()
            row = await outbox.claim(CHANNEL, now)
            if row is None:
                return False
            params = outbox.params(row)
            device = await session.get(PushSubscription, params.get("subscription", 0))
            if device is None:
                outbox.dead(row, now, "unsubscribed")
                return True
            row.not_before = now + self.lease
            message_id = row.id
            info = PushSubscriptions(session, self.keyring).open(device).info()
            payload = params["payload"]
        try:
            await webpush_async(
                info,
                json.dumps(payload, ensure_ascii=False),
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject, "aud": _audience(info["endpoint"])},
                ttl=TTL_SECONDS,
                headers={"Urgency": "high" if payload.get("urgency") == "urgent" else "normal"},
                aiohttp_session=self._http,
            )
        except WebPushException as exc:
            status = exc.status_code or 0
            if status in GONE:
                await self._settle(message_id, "gone", str(status))
            elif status == 429 or status >= 500:
                await self._settle(message_id, "retry", str(status), _retry_after(exc.retry_after))
            else:
                log.warning("push service refused an alert: %s", status)
                await self._settle(message_id, "dead", str(status))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            await self._settle(message_id, "retry", type(exc).__name__)
        else:
            await self._settle(message_id, "sent")
        return True

    async def _settle(
        self, message_id: int, outcome: str, error: str = "", after: timedelta | None = None
    ) -> None:
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            row = await session.get(OutboxMessage, message_id)
            if row is None or row.sent_at is not None:
                return
            now = self.hotline.runtime.clock()
            device_id = outbox.params(row).get("subscription", 0)
            if outcome == "sent":
                outbox.sent(row, now)
                device = await session.get(PushSubscription, device_id)
                if device is not None:
                    device.last_sent_at = now
            elif outcome == "retry":
                outbox.retry(row, now, error, after)
            elif outcome == "gone":
                await PushSubscriptions(session, self.keyring).forget(device_id)
                await outbox.drop_destination(row.destination, now, error)
                log.info("a push subscription expired and was removed")
            else:
                outbox.dead(row, now, error)


def _audience(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _retry_after(value: str | None) -> timedelta | None:
    if value and value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    return None
