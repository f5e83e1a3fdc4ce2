"""SQLite statements in one trip each to the connection's thread, with everything SQLAlchemy
reads from a cursor still there: rows, counts, the new row's id, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, word TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_a_transaction_of_three_statements_is_five_trips(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosqlite's cursor made up to four trips a statement (open, execute, fetch, close)."""
    trips = 0
    queued = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await queued(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (word) VALUES ('satu')"))
        await connection.execute(text("UPDATE notes SET word = 'dua' WHERE word = 'satu'"))
        assert (await connection.execute(text("SELECT word FROM notes"))).scalars().all() == ["dua"]
    assert trips == 5, "BEGIN, three statements, COMMIT (and no rollback of nothing on return)"


async def test_rows_counts_ids_and_errors_come_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO notes (word) VALUES ('satu')"))
        assert inserted.lastrowid == 1
        many = await connection.execute(
            text("INSERT INTO notes (word) VALUES (:word)"), [{"word": "dua"}, {"word": "tiga"}]
        )
        assert many.rowcount == 2
        changed = await connection.execute(text("UPDATE notes SET word = word || '!' WHERE id > 1"))
        assert changed.rowcount == 2
        returned = await connection.execute(text("DELETE FROM notes WHERE id = 3 RETURNING word"))
        assert returned.scalars().all() == ["tiga!"]
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO notes (word) VALUES ('satu')"))
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes (word) VALUES ('empat')"))
    async with engine.connect() as connection:  # closed above without a commit
        rows = (await connection.execute(text("SELECT id, word FROM notes ORDER BY id"))).all()
    assert [tuple(r) for r in rows] == [(1, "satu"), (2, "dua!")], "what failed or was not committed is gone"


async def test_the_database_file_stays_where_the_url_pointed_when_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    engine = create_engine("sqlite+aiosqlite:///./hotline.db")
    monkeypatch.chdir(tmp_path / "elsewhere")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
    finally:
        await engine.dispose()
    assert (tmp_path / "here" / "hotline.db").exists()
    assert not (tmp_path / "elsewhere" / "hotline.db").exists()


def test_options_in_a_sqlite_url_are_refused_not_ignored(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no options"):
        create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}?timeout=1")
