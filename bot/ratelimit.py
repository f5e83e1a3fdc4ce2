"""Limits on how often something may be done, counted in the database so that every server process
enforces the same count (storage/attempts.py). What is counted is named by a keyed hash (a
conversation token, a client address), never by the thing itself, and each count is deleted when
its window ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage import attempts
from storage.crypto import Keyring


@dataclass(frozen=True)
class Limit:
    purpose: str
    hits: int
    window: timedelta


class Limiter:
    def __init__(self, keyring: Keyring):
        self.keyring = keyring

    async def allow(self, session: AsyncSession, limit: Limit, subject: str, now: datetime) -> bool:
        """Count one attempt of ``subject``; False once it is over the limit for the window."""
        key = self.keyring.counter_key(limit.purpose, subject)
        return await attempts.hit(session, key, limit.window, now) <= limit.hits
