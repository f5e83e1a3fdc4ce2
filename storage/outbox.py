"""The outbox: everything the bot sends, written with the state change that caused it.

A sender claims the oldest due message of a destination that has nothing older unsent, calls the
channel, and records the result in the same transaction: sent once, in order, retried with backoff
(or the channel's own ``retry_after``), given up on when the person blocked the bot.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import Channel, OutboxPurpose
from storage.crypto import Keyring
from storage.models import OutboxMessage
from storage.queueing import next_in_line

MAX_ATTEMPTS = 12
BACKOFF_CAP = timedelta(minutes=30)


def _context(message_id: int) -> str:
    return f"outbox:{message_id}"


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    destination: str
    method: str
    params: dict[str, Any]
    report_id: int | None = None
    purpose: OutboxPurpose = OutboxPurpose.REPLY


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Exponential with jitter, so a recovering API is not hit by every sender at once."""
    ceiling = min(BACKOFF_CAP.total_seconds(), base_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


class Outbox:
    def __init__(self, session: AsyncSession, keyring: Keyring, backoff_base: float = 2.0):
        self.session = session
        self.keyring = keyring
        self.backoff_base = backoff_base

    async def put(self, message: Outgoing, now: datetime) -> OutboxMessage:
        row = OutboxMessage(
            channel=message.channel,
            destination=message.destination,
            method=message.method,
            sealed=b"",
            report_id=message.report_id,
            purpose=message.purpose,
            created_at=now,
            not_before=now,
            attempts=0,
        )
        self.session.add(row)
        await self.session.flush()
        row.sealed = self.keyring.seal_json(message.params, _context(row.id))
        await self.session.flush()
        return row

    async def claim(self, channel: str, now: datetime) -> OutboxMessage | None:
        statement = next_in_line(
            OutboxMessage,
            ("channel", "destination"),
            # A message held for WhatsApp's window does not block the ones after it.
            lambda row: and_(row.sent_at.is_(None), row.dead_at.is_(None), row.held_reason.is_(None)),
            OutboxMessage.channel == channel,
            OutboxMessage.not_before <= now,
        )
        return await self.session.scalar(statement)

    def params(self, row: OutboxMessage) -> dict[str, Any]:
        return self.keyring.open_json(row.sealed, _context(row.id))

    def sent(self, row: OutboxMessage, now: datetime) -> None:
        row.sent_at = now
        row.sealed = self.keyring.seal_json({}, _context(row.id))

    def retry(self, row: OutboxMessage, now: datetime, error: str, after: timedelta | None) -> None:
        row.attempts += 1
        row.last_error = error[:200]
        if row.attempts >= MAX_ATTEMPTS:
            self.dead(row, now, error)
            return
        row.not_before = now + (after if after is not None else backoff(row.attempts, self.backoff_base))

    def dead(self, row: OutboxMessage, now: datetime, error: str) -> None:
        row.dead_at = now
        row.last_error = error[:200]

    async def drop_destination(self, destination: str, now: datetime, error: str) -> int:
        """The person blocked the bot: nothing more will reach them."""
        statement = select(OutboxMessage).where(
            OutboxMessage.destination == destination,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
        )
        rows = (await self.session.scalars(statement)).all()
        for row in rows:
            self.dead(row, now, error)
        return len(rows)

    async def next_due(self, channel: str) -> datetime | None:
        statement = select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.channel == channel,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
        )
        return await self.session.scalar(statement)
