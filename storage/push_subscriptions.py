"""Officers' browsers that take Web Push alerts: one row per device, endpoint and keys sealed.

A push endpoint is a capability URL (whoever holds it can wake the phone), so it is stored sealed
and found again by its keyed hash; one device belongs to one officer at a time.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.models_delivery import PushSubscription

MAX_ENDPOINT = 1000
P256DH_BYTES = 65
AUTH_BYTES = 16


class InvalidSubscription(ValueError):
    """What a browser sent is not a Web Push subscription we can deliver to."""


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str

    @classmethod
    def parse(cls, data: Any) -> Subscription:
        """Check a ``PushSubscription.toJSON()``: an https endpoint (http only on loopback, for a
        local push service) and keys of the sizes RFC 8291 fixes."""
        if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
            raise InvalidSubscription("not a subscription")
        endpoint, keys = data.get("endpoint"), data["keys"]
        if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT:
            raise InvalidSubscription("endpoint")
        parts = urlsplit(endpoint)
        if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
            raise InvalidSubscription("endpoint scheme")
        p256dh, auth = keys.get("p256dh"), keys.get("auth")
        if _decoded_size(p256dh) != P256DH_BYTES or _decoded_size(auth) != AUTH_BYTES:
            raise InvalidSubscription("keys")
        return cls(endpoint, str(p256dh), str(auth))

    def info(self) -> dict[str, Any]:
        """The shape pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _decoded_size(value: Any) -> int:
    if not isinstance(value, str) or len(value) > 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1


class PushSubscriptions:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    def _hash(self, endpoint: str) -> str:
        return self.keyring.pseudonym("push-endpoint", endpoint)

    @staticmethod
    def _context(endpoint_hash: str) -> str:
        return f"push-subscription:{endpoint_hash}"

    async def save(self, officer_id: int, subscription: Subscription, now: datetime) -> PushSubscription:
        """Store (or move to this officer) the device's subscription; keys may have changed."""
        endpoint_hash = self._hash(subscription.endpoint)
        row = await self.session.scalar(
            select(PushSubscription).where(PushSubscription.endpoint_hash == endpoint_hash)
        )
        sealed = self.keyring.seal_json(subscription.info(), self._context(endpoint_hash))
        if row is None:
            row = PushSubscription(
                officer_id=officer_id, endpoint_hash=endpoint_hash, sealed=sealed, created_at=now
            )
            self.session.add(row)
        else:
            row.officer_id, row.sealed = officer_id, sealed
        await self.session.flush()
        return row

    async def remove(self, officer_id: int, endpoint: str) -> bool:
        result = await self.session.execute(
            delete(PushSubscription).where(
                PushSubscription.endpoint_hash == self._hash(endpoint),
                PushSubscription.officer_id == officer_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget(self, subscription_id: int) -> None:
        """The push service said the subscription is gone (404/410)."""
        await self.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))

    async def sent_to(self, subscription_ids: Collection[int], now: datetime) -> None:
        """Notifications went to these devices (one statement for a settled batch)."""
        if subscription_ids:
            await self.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id.in_(list(subscription_ids)))
                .values(last_sent_at=now)
            )

    async def forget_officer(self, officer_id: int) -> None:
        """A deactivated account's devices stop waking up."""
        await self.session.execute(delete(PushSubscription).where(PushSubscription.officer_id == officer_id))

    async def of_officers(self, officer_ids: Iterable[int]) -> Sequence[PushSubscription]:
        wanted = list(officer_ids)
        if not wanted:
            return []
        statement = (
            select(PushSubscription)
            .where(PushSubscription.officer_id.in_(wanted))
            .order_by(PushSubscription.id)
        )
        return (await self.session.scalars(statement)).all()

    async def count(self, officer_id: int) -> int:
        return len(await self.of_officers([officer_id]))

    def open(self, row: PushSubscription) -> Subscription:
        info = self.keyring.open_json(row.sealed, self._context(row.endpoint_hash))
        return Subscription(info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"])
