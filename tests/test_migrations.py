"""Starting on a database already at the newest schema skips Alembic; one behind is migrated."""

from __future__ import annotations

import subprocess
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.database import create_engine
from storage.migrate import MIGRATIONS, alembic_config, newest_revision, stamped_revision, upgrade


def test_the_newest_revision_read_from_file_names_is_alembics_only_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [newest_revision()]
    for script in scripts.walk_revisions():
        assert script.path is not None
        assert script.path.rsplit("/", 1)[1].startswith(f"{script.revision}_"), script.path


def test_every_migration_file_is_named_for_its_revision() -> None:
    names = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))
    assert names and all(name[:4].isdigit() and name[4] == "_" for name in names), names


async def test_a_database_one_revision_behind_is_migrated_on_start(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await stamped_revision(engine) == newest_revision()

        def downgrade(connection: object) -> None:
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")

        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
        assert await stamped_revision(engine) != newest_revision()

        await upgrade(engine)

        assert await stamped_revision(engine) == newest_revision()
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert "key_material" in tables
    finally:
        await engine.dispose()


async def test_a_new_database_has_no_stamp_and_is_created(tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/new.db")
    try:
        assert await stamped_revision(engine) is None
        await upgrade(engine)
        assert await stamped_revision(engine) == newest_revision()
    finally:
        await engine.dispose()


def test_the_upgrade_command_says_which_revision_the_database_is_at(sandbox_env: dict[str, str]) -> None:
    hotline = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "hotline")
    done = subprocess.run(
        [hotline, "db", "upgrade"], env=sandbox_env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"database at revision {newest_revision()}"
