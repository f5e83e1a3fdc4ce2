"""The SQLite connections SQLAlchemy gets: aiosqlite, with one trip to its thread per statement.

aiosqlite runs each call on the connection's own thread, and SQLAlchemy's adapter makes up to
four calls for a statement (open a cursor, execute, fetch, close): four hand-offs between the
event loop and that thread, each waking the thread and passing the GIL back and forth. On this
project's hot path (a transaction of half a dozen statements per message) the hand-offs cost
more than the SQL. Here a cursor lives its whole life in one call and keeps what it read: a
statement is one trip, ``BEGIN`` and ``COMMIT`` one each.

It uses aiosqlite's own queue to its thread (``Connection._execute``, as aiosqlite's cursors do),
so the version is pinned in pyproject.toml; the whole test suite runs through it on SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

ITER_CHUNK_SIZE = 64


def _execute(connection: sqlite3.Connection, many: bool, sql: str, parameters: Any) -> tuple[Any, ...]:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """What SQLAlchemy's adapter uses of ``aiosqlite.Cursor``, each statement in one trip."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        return await self._run(False, sql, () if parameters is None else parameters)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        return await self._run(True, sql, parameters)

    async def _run(self, many: bool, sql: str, parameters: Any) -> OneTripCursor:
        done = await self._connection.trip(many, sql, parameters)
        self.description, self.rowcount, self.lastrowid, self._rows = done
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        size = self.arraysize if size is None else size
        taken, self._rows = self._rows[:size], self._rows[size:]
        return taken

    async def fetchall(self) -> Sequence[Any]:
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    async def trip(self, many: bool, sql: str, parameters: Any) -> tuple[Any, ...]:
        """One statement on the connection's thread: its description, counts and rows."""
        done: tuple[Any, ...] = await self._execute(  # type: ignore[no-untyped-call]
            _execute, self._conn, many, sql, parameters
        )
        return done

    async def rollback(self) -> None:
        """The pool rolls back every connection it gets back, nearly always after a commit: with no
        transaction open there is nothing to do, and no trip is made. Read from the event loop's
        thread, which is safe as SQLAlchemy runs one operation at a time on a connection (and
        discards a connection whose statement was cancelled)."""
        if self._conn.in_transaction:
            await super().rollback()

    def cursor(self) -> OneTripCursor:  # type: ignore[override]  # what SQLAlchemy calls, no trip
        return OneTripCursor(self)


async def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Like ``aiosqlite.connect``, for ``create_async_engine(async_creator=…)``."""
    connection = OneTripConnection(partial(sqlite3.connect, database, **kwargs), ITER_CHUNK_SIZE)
    connection._thread.daemon = True
    await connection
    return connection
