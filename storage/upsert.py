"""``INSERT ... ON CONFLICT`` for both dialects, the one piece of SQL that differs.

The dialect's module is imported when first used: PostgreSQL's costs a SQLite deployment's cold
start 50 ms for nothing."""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """The session's dialect's ``INSERT``, with ``on_conflict_do_nothing`` and ``on_conflict_do_update``."""
    module = importlib.import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}")
    statement: Insert = module.insert(table)
    return statement


_IGNORING: dict[tuple[str, str, tuple[str, ...], bool], Any] = {}
"""Statements built once per dialect, table, conflict target and shape (some run on every message)."""


def _ignoring(session: AsyncSession, table: Any, conflict: list[str], *, returning: bool) -> Any:
    key = (session.get_bind().dialect.name, table.__tablename__, tuple(conflict), returning)
    if key not in _IGNORING:
        columns = table.__table__
        statement = dialect_insert(session, columns).on_conflict_do_nothing(index_elements=conflict)
        _IGNORING[key] = statement.returning(*columns.primary_key.columns) if returning else statement
    return _IGNORING[key]


async def insert_ignore(
    session: AsyncSession, table: Any, values: dict[str, Any], conflict: list[str]
) -> bool:
    """True if the row was inserted, False if it was already there."""
    statement = _ignoring(session, table, conflict, returning=True)
    return (await session.execute(statement, values)).first() is not None


async def insert_ignore_many(
    session: AsyncSession, table: Any, rows: list[dict[str, Any]], conflict: list[str]
) -> None:
    """Many rows in one statement, those already there left alone."""
    if rows:
        await session.execute(_ignoring(session, table, conflict, returning=False), rows)
