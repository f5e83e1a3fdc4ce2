"""Engines and sessions for SQLite (default, WAL) and PostgreSQL (asyncpg).

SQLite allows one writer at a time. Rather than letting every session take ``BEGIN IMMEDIATE`` and
sleep in SQLite's busy handler until the lock frees (latency in steps of up to 100 ms), a process
writes through a single connection: sessions wait for it in the pool's own asyncio queue, in
order, without polling. ``BEGIN IMMEDIATE`` and a busy timeout stay, for the rare second process
(a CLI command beside ``serve``). Read-only work — health checks, idle sweeps, the sender's
look-ups, the inbox scan — goes through a second engine of ``query_only`` connections in deferred
transactions (WAL snapshots), so it never waits for the writer. On PostgreSQL both are one engine.
SQLite's connections run each statement in one trip to their thread (``storage.sqlite_driver``).
"""

from __future__ import annotations

import contextlib
import os
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITER_WAIT_SECONDS = 120
"""How long a session may queue for SQLite's write connection before the wait counts as a fault."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """The engine for writing (and for anything not known to be read-only)."""
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        return create_async_engine(url, **kwargs)
    kwargs.update(pool_size=1, max_overflow=0, pool_timeout=WRITER_WAIT_SECONDS)
    return _sqlite(url, begin="BEGIN IMMEDIATE", **kwargs)


def create_read_engine(url: str, writer: AsyncEngine) -> AsyncEngine:
    """Connections that can only read; on PostgreSQL the writer's engine serves reads too."""
    if not is_sqlite(url):
        return writer
    return _sqlite(url, begin="BEGIN", query_only=True, pool_size=4, max_overflow=4)


def _sqlite(url: str, *, begin: str, query_only: bool = False, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.database in (None, "", ":memory:"):
        raise ValueError("use a SQLite file: an in-memory database is one shared connection")
    if parsed.query:
        raise ValueError("a SQLite database URL takes no options (?…): the service sets its own")
    database = os.path.abspath(parsed.database)  # one file, whatever the working directory later
    _owner_only(Path(database))
    from storage import sqlite_driver

    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    opened = partial(sqlite_driver.connect, database, timeout=timeout, check_same_thread=False)
    engine = create_async_engine(url, async_creator=opened, **kwargs)
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if query_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _owner_only(path: Path) -> None:
    """The database file (and so its WAL and shared-memory files, which SQLite creates with the
    database's own mode) readable by the service's user alone: 0600, never the umask's 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
