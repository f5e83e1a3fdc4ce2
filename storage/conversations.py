"""Conversations as stored: a pseudonymous key, the state name, and the sealed rest.

Loading takes a row lock (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
writers anyway) so that two messages of one reporter are handled one after the other, even by
different worker processes.

Every reporter message loads and saves one conversation, so both are plain SQL statements built
once (their compiled form cached): the ORM's object tracking cost more than the rest of the turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.conversation import Conversation
from storage.crypto import Keyring
from storage.models import Conversation as ConversationRow
from storage.upsert import insert_ignore

_TABLE = ConversationRow.__table__
assert isinstance(_TABLE, Table)
_COLUMNS = (_TABLE.c.id, _TABLE.c.key, _TABLE.c.locale, _TABLE.c.sealed)
_BY_KEYS = select(*_COLUMNS).where(_TABLE.c.key.in_(bindparam("keys", expanding=True))).with_for_update()
_BY_ID = select(*_COLUMNS).where(_TABLE.c.id == bindparam("row_id")).with_for_update(skip_locked=True)
_SAVED = ("key", "state", "locale", "sealed", "updated_at", "idle_since")
_SAVE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values({name: bindparam(f"new_{name}") for name in _SAVED})
)
_SAVE_INBOUND = _SAVE.values(last_inbound_at=bindparam("new_last_inbound_at"))


@dataclass
class StoredConversation:
    """The row's identity as loaded; ``key`` is the current pseudonym (after a key rotation the
    row found under an older one is re-keyed when saved)."""

    id: int
    key: str


def _context(row_id: int) -> str:
    return f"conversation:{row_id}"


class ConversationStore:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    async def load(
        self, channel: str, user_id: str, now: datetime, *, default_locale: str = "id"
    ) -> tuple[StoredConversation, Conversation]:
        keys = self.keyring.pseudonyms(channel, user_id)
        found = await self._locked(keys)
        if found is None:
            values = {
                "key": keys[0],
                "channel": channel,
                "state": "menu",
                "locale": default_locale,
                "sealed": b"",
                "created_at": now,
                "updated_at": now,
            }
            await insert_ignore(self.session, ConversationRow, values, ["key"])
            found = await self._locked(keys)
            assert found is not None
        row_id, _key, locale, sealed = found
        return StoredConversation(row_id, keys[0]), self._conversation(row_id, locale, sealed)

    async def load_row(self, row_id: int) -> tuple[StoredConversation, Conversation] | None:
        found = (await self.session.execute(_BY_ID, {"row_id": row_id})).first()
        if found is None or not found.sealed:
            return None
        return StoredConversation(row_id, found.key), self._conversation(row_id, found.locale, found.sealed)

    def _conversation(self, row_id: int, locale: str, sealed: bytes) -> Conversation:
        if not sealed:
            return Conversation(locale=locale)
        return Conversation.from_dict(self.keyring.open_json(sealed, _context(row_id)))

    async def save(
        self,
        row: StoredConversation,
        conv: Conversation,
        now: datetime,
        *,
        inbound_at: datetime | None = None,
    ) -> None:
        """``inbound_at``: the reporter wrote (WhatsApp's 24-hour window runs from it)."""
        busy = conv.has_draft or conv.verified_reference or conv.state != "menu"
        values: dict[str, Any] = {
            "row_id": row.id,
            "new_key": row.key,
            "new_state": conv.state,
            "new_locale": conv.locale,
            "new_sealed": self.keyring.seal_json(conv.to_dict(), _context(row.id)),
            "new_updated_at": now,
            "new_idle_since": conv.last_active if busy else None,
        }
        if inbound_at is None:
            await self.session.execute(_SAVE, values)
        else:
            await self.session.execute(_SAVE_INBOUND, {**values, "new_last_inbound_at": inbound_at})

    async def idle_ids(self, before: datetime, limit: int = 200) -> Sequence[int]:
        statement = (
            select(ConversationRow.id)
            .where(ConversationRow.idle_since.is_not(None), ConversationRow.idle_since < before)
            .order_by(ConversationRow.idle_since)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def _locked(self, keys: list[str]) -> Any:
        rows = (await self.session.execute(_BY_KEYS, {"keys": keys})).all()
        return min(rows, key=lambda r: keys.index(r.key)) if rows else None
