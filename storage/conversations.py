"""Conversations as stored: a pseudonymous key, the state name, and the sealed rest.

Loading takes a row lock (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
writers anyway) so that two messages of one reporter are handled one after the other, even by
different worker processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.conversation import Conversation
from storage.crypto import Keyring
from storage.models import Conversation as ConversationRow
from storage.upsert import insert_ignore


def _context(row: ConversationRow) -> str:
    return f"conversation:{row.id}"


class ConversationStore:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    async def load(
        self, channel: str, user_id: str, now: datetime, *, default_locale: str = "id"
    ) -> tuple[ConversationRow, Conversation]:
        keys = self.keyring.pseudonyms(channel, user_id)
        row = await self._locked(keys)
        if row is None:
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
            row = await self._locked(keys)
            assert row is not None
        if row.key != keys[0]:
            row.key = keys[0]  # re-keyed under the current secret after a rotation
        if not row.sealed:
            return row, Conversation(locale=row.locale)
        return row, self.unseal(row)

    async def load_row(self, row_id: int) -> tuple[ConversationRow, Conversation] | None:
        statement = select(ConversationRow).where(ConversationRow.id == row_id)
        row = await self.session.scalar(statement.with_for_update(skip_locked=True))
        if row is None or not row.sealed:
            return None
        return row, self.unseal(row)

    def unseal(self, row: ConversationRow) -> Conversation:
        return Conversation.from_dict(self.keyring.open_json(row.sealed, _context(row)))

    async def save(self, row: ConversationRow, conv: Conversation, now: datetime) -> None:
        row.state = conv.state
        row.locale = conv.locale
        row.sealed = self.keyring.seal_json(conv.to_dict(), _context(row))
        row.updated_at = now
        busy = conv.has_draft or conv.verified_reference or conv.state != "menu"
        row.idle_since = conv.last_active if busy else None
        await self.session.flush()

    async def idle_ids(self, before: datetime, limit: int = 200) -> Sequence[int]:
        statement = (
            select(ConversationRow.id)
            .where(ConversationRow.idle_since.is_not(None), ConversationRow.idle_since < before)
            .order_by(ConversationRow.idle_since)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def _locked(self, keys: list[str]) -> ConversationRow | None:
        statement = select(ConversationRow).where(ConversationRow.key.in_(keys)).with_for_update()
        rows = (await self.session.scalars(statement)).all()
        return min(rows, key=lambda r: keys.index(r.key)) if rows else None
