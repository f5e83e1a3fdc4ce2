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
        return await self.first_reached(session, [(limit, subject)], now) is None

    async def first_reached(
        self, session: AsyncSession, checks: list[tuple[Limit, str]], now: datetime
    ) -> Limit | None:
        """Count one attempt against each limit (one statement for all); the first, in the order
        given, that is over, or None."""
        keys = [self.keyring.counter_key(limit.purpose, subject) for limit, subject in checks]
        counts = await attempts.hit_many(
            session, [(k, c[0].window) for k, c in zip(keys, checks, strict=True)], now
        )
        return next(
            (limit for key, (limit, _) in zip(keys, checks, strict=True) if counts[key] > limit.hits), None
        )
