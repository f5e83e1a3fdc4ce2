"""Counting attempts in fixed windows, in the database, so every server process sees one count.

One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per attempt: the row is created, counted or
restarted and read back in a single statement, so parallel attempts can never both read the same
count (a read-modify-write would let 40 parallel guesses end with a count of 4). Works the same
on SQLite (3.35+) and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AttemptCounter
from storage.upsert import dialect_insert

_HITS: dict[tuple[str, int], Any] = {}
"""Per dialect and number of counters, the counting statement, built once: it runs on every web
chat message."""


def _hit_statement(session: AsyncSession, counters: int) -> Any:
    shape = (session.get_bind().dialect.name, counters)
    if shape not in _HITS:
        table = AttemptCounter.__table__
        assert isinstance(table, Table)
        rows = [
            {"key": bindparam(f"key_{i}"), "hits": 1, "window_ends": bindparam(f"ends_{i}")}
            for i in range(counters)
        ]
        statement = dialect_insert(session, table).values(rows)
        expired = table.c.window_ends <= bindparam("now")
        _HITS[shape] = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((expired, 1), else_=table.c.hits + 1),
                "window_ends": case((expired, statement.excluded.window_ends), else_=table.c.window_ends),
            },
        ).returning(table.c.key, table.c.hits)
    return _HITS[shape]


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
    result = await session.execute(_hit_statement(session, len(counted)), parameters)
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
