"""Sending Web Push alerts from the outbox: encrypted for the device (RFC 8291), signed with our
VAPID key (RFC 8292), once, with retries — on the shared ``OutboxSender`` like every channel.

404/410 mean the browser dropped the subscription: it is deleted and its pending alerts given up.
429 waits ``Retry-After``; 5xx and network errors back off; other refusals are not retried.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from bot.outbox_sender import OutboxSender, Outcome, Result
from bot.pacing import Pacer
from bot.push import CHANNEL, settings_vapid
from flows.vocabulary import Urgency
from storage.models_delivery import OutboxMessage, PushSubscription
from storage.outbox import Claimed, Outbox
from storage.push_subscriptions import PushSubscriptions

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)
GONE = (404, 410)
TTL_SECONDS = 12 * 3600
"""A phone that is off for the night still gets the alert when it wakes."""
TIMEOUT_SECONDS = 15
RATE = 50.0
"""Alerts per second to the push services, all devices together (they are few and small)."""


class PushSender(OutboxSender):
    channel = CHANNEL

    def __init__(self, hotline: Hotline, concurrency: int = 16):
        super().__init__(hotline, Pacer(RATE), concurrency)
        self.vapid = settings_vapid(hotline.settings)
        self.subject = hotline.settings.vapid_contact
        self._http: aiohttp.ClientSession | None = None

    async def stop(self) -> None:
        await super().stop()
        if self._http is not None:
            await self._http.close()
            self._http = None

    def http(self) -> aiohttp.ClientSession:
        import aiohttp  # with pywebpush, a third of a second at start-up for a rarely used feature

        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        return self._http

    async def deliver(self, message: Claimed) -> Result:
        async with self.hotline.reads() as session:
            device = await session.get(PushSubscription, message.params.get("subscription", 0))
            info = PushSubscriptions(session, self.keyring).open(device).info() if device else None
        if info is None:
            return Result(Outcome.DEAD, "unsubscribed")
        import aiohttp
        from pywebpush import WebPushException, webpush_async

        payload = message.params["payload"]
        try:
            await webpush_async(
                info,
                json.dumps(payload, ensure_ascii=False),
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject, "aud": _audience(info["endpoint"])},
                ttl=TTL_SECONDS,
                headers={
                    "Urgency": "high" if payload.get("urgency") == Urgency.URGENT else "normal"
                },  # RFC 8030
                aiohttp_session=self.http(),
            )
        except WebPushException as exc:
            status = exc.status_code or 0
            if status in GONE:
                return Result(Outcome.DEAD, str(status), detail="gone")
            if status == 429 or status >= 500:
                return Result(Outcome.RETRY, str(status), _retry_after(exc.retry_after))
            log.warning("push service refused an alert: %s", status)
            return Result(Outcome.DEAD, str(status))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Result(Outcome.RETRY, type(exc).__name__)
        return Result(Outcome.SENT)

    async def sent(
        self, session: AsyncSession, sent: Sequence[tuple[Claimed, Result]], now: datetime
    ) -> None:
        devices = {_device_of(message.destination) for message, _result in sent}
        await PushSubscriptions(session, self.keyring).sent_to(devices, now)

    async def settled(
        self, session: AsyncSession, outbox: Outbox, row: OutboxMessage, result: Result, now: datetime
    ) -> None:
        if result.detail == "gone":
            await PushSubscriptions(session, self.keyring).forget(_device_of(row.destination))
            await outbox.drop_destination(row.destination, now, result.error)
            log.info("a push subscription expired and was removed")


def _device_of(destination: str) -> int:
    """``push:<id>`` back to the subscription's id (see ``bot.push.destination``)."""
    _, _, number = destination.partition(":")
    return int(number) if number.isascii() and number.isdigit() else 0


def _audience(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _retry_after(value: str | None) -> timedelta | None:
    if value and value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    return None
