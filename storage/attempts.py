"""Counting attempts in fixed windows, in the database, so every server process sees one count.

One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per attempt, for all its counters at once:
each row is created, counted or restarted and read back in a single statement, so parallel
attempts can never both read the same count (a read-modify-write would let 40 parallel guesses
end with a count of 4). Works the same on SQLite (3.35+) and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import TextClause, bindparam, delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AttemptCounter

_HITS: dict[int, TextClause] = {}
"""Per number of counters, the counting statement, built once: it runs on every web chat message.
Written as SQL (the same on SQLite and PostgreSQL) because SQLAlchemy compiles a multi-row
``VALUES`` afresh on every execution, which cost the web chat a twentieth of its time."""


def _hit_statement(counters: int) -> TextClause:
    if counters not in _HITS:
        rows = ", ".join(f"(:key_{i}, 1, :ends_{i})" for i in range(counters))
        expired = "attempt_counters.window_ends <= :now"
        sql = (
            f'INSERT INTO attempt_counters ("key", hits, window_ends) VALUES {rows} '
            'ON CONFLICT ("key") DO UPDATE SET '
            f"hits = CASE WHEN {expired} THEN 1 ELSE attempt_counters.hits + 1 END, "
            f"window_ends = CASE WHEN {expired} THEN excluded.window_ends "
            "ELSE attempt_counters.window_ends END "
            'RETURNING "key", hits'
        )
        moment = AttemptCounter.__table__.c.window_ends.type
        times = [bindparam("now", type_=moment)] + [
            bindparam(f"ends_{i}", type_=moment) for i in range(counters)
        ]
        _HITS[counters] = text(sql).bindparams(*times)
    return _HITS[counters]


async def hit(session: AsyncSession, key: str, window: timedelta, now: datetime) -> int:
    """Count one attempt under ``key``; returns the attempts in the current window, this one included."""
    return (await hit_many(session, [(key, window)], now))[key]


async def hit_many(
    session: AsyncSession, counted: list[tuple[str, timedelta]], now: datetime
) -> dict[str, int]:
    """Count one attempt under each key (all different) in one statement; the attempts in each
    one's current window, this one included."""
    parameters: dict[str, Any] = {"now": now}
    for i, (key, window) in enumerate(counted):
        parameters[f"key_{i}"], parameters[f"ends_{i}"] = key, now + window
    result = await session.execute(_hit_statement(len(counted)), parameters)
    return {key: int(hits) for key, hits in result.all()}


async def count(session: AsyncSession, key: str, now: datetime) -> int:
    """Attempts in the current window, without counting one."""
    statement = select(AttemptCounter.hits).where(AttemptCounter.key == key, AttemptCounter.window_ends > now)
    return int(await session.scalar(statement) or 0)


async def forget(session: AsyncSession, key: str) -> None:
    await session.execute(delete(AttemptCounter).where(AttemptCounter.key == key))


async def give_back(session: AsyncSession, key: str) -> None:
    """Uncount one attempt that turned out to be legitimate (a successful sign-in)."""
    await session.execute(
        update(AttemptCounter)
        .where(AttemptCounter.key == key, AttemptCounter.hits > 0)
        .values(hits=AttemptCounter.hits - 1)
    )


async def prune(session: AsyncSession, now: datetime) -> int:
    """Delete the rows of finished windows; returns how many."""
    result = await session.execute(delete(AttemptCounter).where(AttemptCounter.window_ends <= now))
    return int(getattr(result, "rowcount", 0) or 0)
