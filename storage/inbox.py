"""The inbox: messenger updates recorded before the webhook answers, processed in order.

An update may be processed only when its conversation has no older pending update, so one
reporter's messages are handled one at a time and in order, also across worker processes: the
claim locks the row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer) in the same
transaction that handles it and marks it done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.models_delivery import InboxUpdate
from storage.upsert import dialect_insert

MAX_ATTEMPTS = 5
KEEP_DEDUPE_KEYS = timedelta(days=8)


def _context(channel: str, update_id: str) -> str:
    return f"inbox:{channel}:{update_id}"


@dataclass(frozen=True)
class Arrival:
    channel: str
    update_id: str
    conversation_key: str
    payload: Any


@dataclass(frozen=True)
class Waiting:
    """A pending update as the dispatcher sees it: which conversation, in which order."""

    id: int
    conversation_key: str
    received_at: datetime | None = None
    """Known when read back from the table (a scan), not when just recorded."""


@dataclass(frozen=True)
class PendingUpdate:
    """A claimed update as stored, read out of its row."""

    id: int
    channel: str
    update_id: str
    conversation_key: str
    sealed: bytes | None
    last_error: str | None


_TABLE = InboxUpdate.__table__
assert isinstance(_TABLE, Table)
_OLDER = _TABLE.alias("older")
_CLAIM = (
    select(
        _TABLE.c.id,
        _TABLE.c.channel,
        _TABLE.c.update_id,
        _TABLE.c.conversation_key,
        _TABLE.c.sealed,
        _TABLE.c.last_error,
    )
    .where(
        _TABLE.c.id == bindparam("inbox_id"),
        _TABLE.c.channel == bindparam("channel"),
        _TABLE.c.processed_at.is_(None),
        ~exists().where(
            _OLDER.c.channel == _TABLE.c.channel,
            _OLDER.c.conversation_key == _TABLE.c.conversation_key,
            _OLDER.c.processed_at.is_(None),
            _OLDER.c.id < _TABLE.c.id,
        ),
    )
    .with_for_update(skip_locked=True, of=_TABLE)
)
"""Built once: every update is claimed by it (the compiled form is cached)."""
_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("inbox_id"))
    .values(processed_at=bindparam("now"), sealed=None, last_error=bindparam("error"))
)


class Inbox:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    async def record(
        self, channel: str, update_id: str, conversation_key: str, payload: Any, now: datetime
    ) -> bool:
        """Store an update once; False if it was already there (a redelivery)."""
        recorded = await self.record_many([Arrival(channel, update_id, conversation_key, payload)], now)
        return recorded[0] is not None

    async def record_many(self, arrivals: Sequence[Arrival], now: datetime) -> list[Waiting | None]:
        """Store many updates in one statement; per arrival, its row (None: a redelivery)."""
        values: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for a in arrivals:
            if (a.channel, a.update_id) in seen:
                continue
            seen.add((a.channel, a.update_id))
            values.append(
                {
                    "channel": a.channel,
                    "update_id": a.update_id,
                    "conversation_key": a.conversation_key,
                    "sealed": self.keyring.seal_json(a.payload, _context(a.channel, a.update_id)),
                    "received_at": now,
                    "attempts": 0,
                }
            )
        table = InboxUpdate.__table__
        statement = (
            dialect_insert(self.session, table)
            .on_conflict_do_nothing(index_elements=["channel", "update_id"])
            .returning(table.c.id, table.c.channel, table.c.update_id)
        )
        # One statement with the rows as parameters (not in its text): compiled once and cached,
        # whatever the batch's size; SQLAlchemy still sends them as one multi-row INSERT.
        inserted: dict[tuple[str, str], int] = {
            (str(c), u): i for i, c, u in (await self.session.execute(statement, values)).all()
        }
        result: list[Waiting | None] = []
        for arrival in arrivals:
            row_id = inserted.pop((arrival.channel, arrival.update_id), None)
            result.append(None if row_id is None else Waiting(row_id, arrival.conversation_key))
        return result

    async def waiting(self, channel: str, limit: int = 500) -> list[Waiting]:
        """Pending updates, oldest first (a read: the claim decides)."""
        statement = (
            select(InboxUpdate.id, InboxUpdate.conversation_key, InboxUpdate.received_at)
            .where(InboxUpdate.channel == channel, InboxUpdate.processed_at.is_(None))
            .order_by(InboxUpdate.id)
            .limit(limit)
        )
        return [Waiting(i, k, at) for i, k, at in (await self.session.execute(statement)).all()]

    async def claim(self, channel: str, inbox_id: int) -> PendingUpdate | None:
        """This update, locked for this transaction, if it is pending and first of its conversation."""
        found = (await self.session.execute(_CLAIM, {"inbox_id": inbox_id, "channel": channel})).first()
        return None if found is None else PendingUpdate(*found)

    def payload(self, update: PendingUpdate) -> Any:
        assert update.sealed is not None
        return self.keyring.open_json(update.sealed, _context(update.channel, update.update_id))

    async def done(self, inbox_id: int, now: datetime, error: str | None = None) -> None:
        await self.session.execute(_DONE, {"inbox_id": inbox_id, "now": now, "error": error})

    async def failed(self, inbox_id: int, error: str, now: datetime) -> bool:
        """Count a failed attempt (in its own transaction); give up after ``MAX_ATTEMPTS``, so one
        poisonous update cannot block its conversation for ever. True: it may be tried again."""
        row = await self.session.get(InboxUpdate, inbox_id)
        if row is None or row.processed_at is not None:
            return False
        row.attempts += 1
        row.last_error = error[:200]
        if row.attempts >= MAX_ATTEMPTS:
            row.processed_at, row.sealed = now, None
            return False
        return True

    async def purge(self, now: datetime) -> int:
        statement = delete(InboxUpdate).where(
            InboxUpdate.processed_at.is_not(None), InboxUpdate.received_at < now - KEEP_DEDUPE_KEYS
        )
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
