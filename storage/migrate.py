"""Alembic migrations, runnable from the CLI and from inside a running event loop.

Alembic's async ``env.py`` calls ``asyncio.run``, which fails inside ``hotline serve`` or an async
test; so we open the connection ourselves and hand it to Alembic (the cookbook's
connection-sharing recipe), and ``env.py`` uses it when given.

Every start migrates, but a database already at the newest revision is the common case: it is
recognised from the stamp alone, without importing Alembic or reading every migration script
(a third of a second of a cold start). A migration's file name starts with its revision id, and
the chain is linear (``tests/test_migrations.py`` holds both), so the newest is the largest prefix.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def newest_revision() -> str:
    """The head revision, read from the migration files' names."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    if revision == "head" and await stamped_revision(engine) == newest_revision():
        return

    def run(connection: Connection) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def stamped_revision(engine: AsyncEngine) -> str | None:
    """The revision recorded in the database; None for a new (or unreadable) one."""
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except DBAPIError:
        return None
