"""Data protection rules 1–3: after a full report nothing identifying is readable in the database.

SQLite: the raw bytes of the database file and its WAL. PostgreSQL: every text, JSON and bytea
value of every table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.hotline import Hotline
from bot.runtime import Inbound
from flows import inbound as ev
from flows.vocabulary import Channel
from tests.chat import STANDARD_PATH
from tests.conftest import (
    FakeClock,
    create_postgres_database,
    drop_postgres_database,
    make_settings,
    require_postgres,
)

USER_ID = "tg-user-7734190288"
STORY = "Rahasia-cerita: pamannya mengurung Dimas di gudang belakang sejak Selasa."
LANDMARK = "Gang Melati belakang toko kelontong Sumber Rejeki"
REPLY = "Balasan-rahasia: saya tetangga sebelah kanan rumahnya."
PHONE_FORMS = ("081298765432", "0812 9876 5432", "+6281298765432", "6281298765432", "81298765432")


def secrets_of_the_report() -> list[str]:
    return [USER_ID, STORY, "Dimas", LANDMARK, "Sumber Rejeki", REPLY, *PHONE_FORMS]


async def full_report(hotline: Hotline) -> None:
    path = [
        (state, ev.Text(LANDMARK) if state == "landmark" else event) for state, event in STANDARD_PATH[:-1]
    ]
    path = [(s, ev.Text(STORY) if (s == "story" and isinstance(e, ev.Text)) else e) for s, e in path]
    for _state, event in [*path, ("phone", ev.Text("0812 9876 5432"))]:
        await hotline.runtime.handle(Inbound(Channel.TELEGRAM, USER_ID, event))
    replies = await hotline.runtime.handle(Inbound(Channel.TELEGRAM, USER_ID, ev.Choice("submit")))
    receipt = next(line for r in replies for line in r.text.splitlines() if "Kode tanda" in line)
    code = receipt.split(":", 1)[1].strip()
    for event in (ev.Choice("status"), ev.Text(code), ev.Choice("reply"), ev.Text(REPLY)):
        await hotline.runtime.handle(Inbound(Channel.TELEGRAM, USER_ID, event))
    # A second draft left half-way: drafts are sealed too.
    for _state, event in path[:11]:
        await hotline.runtime.handle(Inbound(Channel.TELEGRAM, USER_ID + "-2", event))


async def test_sqlite_file_holds_nothing_in_clear(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'scan.db'}"
    hotline = Hotline.build(make_settings(url, tmp_path), clock=clock)
    await hotline.start()
    try:
        await full_report(hotline)
        raw = database_bytes(tmp_path)
        assert b"PKSAI-2026-000001" in raw, "the scan reads the real data"
    finally:
        await hotline.close()
    raw += database_bytes(tmp_path)
    for secret in secrets_of_the_report():
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{secret!r} found in the SQLite file"


def database_bytes(folder: Path) -> bytes:
    """The database file with its WAL and shared memory, as they lie on disk."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("scan.db*")) if p.is_file())


async def test_postgres_holds_nothing_in_clear(tmp_path: Path, clock: FakeClock) -> None:
    require_postgres()
    url = await create_postgres_database()
    hotline = Hotline.build(make_settings(url, tmp_path), clock=clock)
    try:
        await hotline.start()
        await full_report(hotline)
        values = await all_text_values(hotline)
        assert any("PKSAI-2026-000001" in v for v in values), "the scan reads the real data"
        for secret in secrets_of_the_report():
            leaks = [v[:80] for v in values if secret in v]
            assert not leaks, f"{secret!r} found in PostgreSQL: {leaks}"
    finally:
        await hotline.close()
        await drop_postgres_database(url)


async def all_text_values(hotline: Hotline) -> list[str]:
    columns_sql = text(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN "
        "('text', 'character varying', 'json', 'jsonb', 'bytea')"
    )
    values: list[str] = []
    async with hotline.engine.connect() as connection:
        columns = (await connection.execute(columns_sql)).all()
        assert len(columns) > 20
        for table, column, data_type in columns:
            rows = await connection.execute(text(f'SELECT "{column}"::text FROM "{table}"'))
            for (value,) in rows:
                if value is None:
                    continue
                values.append(value)
                if data_type == "bytea":
                    values.append(bytes.fromhex(value[2:]).decode("latin-1"))
    return values


@pytest.mark.parametrize("secret", ["hotline.secret"])
def test_the_generated_secret_key_file_is_private(tmp_path: Path, secret: str) -> None:
    from storage.secret import load_or_create_secret

    path = tmp_path / secret
    first = load_or_create_secret(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_secret(path) == first, "made once, then reused"
