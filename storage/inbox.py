"""The inbox: messenger updates recorded before the webhook answers, processed in order.

Claiming picks the oldest pending update of a conversation that has no older pending update, so
one reporter's messages are handled one at a time and in order, also across worker processes
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's single writer serialises anyway).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.models import InboxUpdate
from storage.queueing import next_in_line
from storage.upsert import insert_ignore

MAX_ATTEMPTS = 5
KEEP_DEDUPE_KEYS = timedelta(days=8)


def _context(channel: str, update_id: str) -> str:
    return f"inbox:{channel}:{update_id}"


class Inbox:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    async def record(
        self, channel: str, update_id: str, conversation_key: str, payload: Any, now: datetime
    ) -> bool:
        """Store an update once; False if it was already there (a redelivery)."""
        values = {
            "channel": channel,
            "update_id": update_id,
            "conversation_key": conversation_key,
            "sealed": self.keyring.seal_json(payload, _context(channel, update_id)),
            "received_at": now,
            "attempts": 0,
        }
        return await insert_ignore(self.session, InboxUpdate, values, ["channel", "update_id"])

    async def claim(self, channel: str) -> InboxUpdate | None:
        """The next update that may be processed now, locked for this transaction."""
        statement = next_in_line(
            InboxUpdate,
            ("channel", "conversation_key"),
            lambda row: row.processed_at.is_(None),
            InboxUpdate.channel == channel,
        )
        return await self.session.scalar(statement)

    def payload(self, update: InboxUpdate) -> Any:
        assert update.sealed is not None
        return self.keyring.open_json(update.sealed, _context(update.channel, update.update_id))

    def done(self, update: InboxUpdate, now: datetime, error: str | None = None) -> None:
        update.processed_at = now
        update.sealed = None
        update.last_error = error

    async def failed(self, inbox_id: int, error: str, now: datetime) -> None:
        """Count a failed attempt (in its own transaction); give up after ``MAX_ATTEMPTS``, so one
        poisonous update cannot block its conversation for ever."""
        row = await self.session.get(InboxUpdate, inbox_id)
        if row is None or row.processed_at is not None:
            return
        row.attempts += 1
        row.last_error = error[:200]
        if row.attempts >= MAX_ATTEMPTS:
            self.done(row, now, error=row.last_error)

    async def purge(self, now: datetime) -> int:
        statement = delete(InboxUpdate).where(
            InboxUpdate.processed_at.is_not(None), InboxUpdate.received_at < now - KEEP_DEDUPE_KEYS
        )
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
