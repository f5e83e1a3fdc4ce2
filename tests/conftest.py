"""Shared fixtures: the shipped deployment, a controllable clock, and databases.

Storage tests run once per backend (aiogram's habit): SQLite in a temporary file always, and
PostgreSQL in a throwaway database when a server is reachable. In CI (``CI`` or
``HOTLINE_REQUIRE_POSTGRES`` set) an unreachable PostgreSQL is a failure, never a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from bot.catalogue_files import load_catalogues
from bot.deployment_file import load_deployment
from bot.hotline import Hotline
from bot.lexicon_files import reading_for
from bot.settings import Settings
from flows.complaint import ComplaintFlow
from flows.deployment import Deployment
from flows.i18n import Catalogues
from storage.database import create_engine
from storage.migrate import upgrade
from tests.botapi import FakeBotAPI
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.chat import Chat

POSTGRES_ADMIN_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = bool(os.environ.get("CI") or os.environ.get("HOTLINE_REQUIRE_POSTGRES"))
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


class FakeClock:
    """A clock the test moves by hand (draft expiry, lockouts, SLA)."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def deployment() -> Deployment:
    return load_deployment()


@pytest.fixture(scope="session")
def catalogues() -> Catalogues:
    return load_catalogues()


@pytest.fixture(scope="session")
def flow(deployment: Deployment, catalogues: Catalogues) -> ComplaintFlow:
    return ComplaintFlow(deployment, catalogues, reading_for(deployment))


@pytest.fixture
def chat(flow: ComplaintFlow, clock: FakeClock) -> Chat:
    """A conversation with the pure flow, as a test drives it."""
    return Chat(flow, clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _postgres_reachable() -> str | None:
    """None if reachable, else why not."""
    import asyncpg

    async def probe() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
        await connection.close()

    try:
        with ThreadPoolExecutor(1) as pool:  # callable from inside a running event loop
            pool.submit(asyncio.run, probe()).result()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


_POSTGRES_PROBLEM: str | None = None
_POSTGRES_PROBED = False


def postgres_problem() -> str | None:
    global _POSTGRES_PROBED, _POSTGRES_PROBLEM
    if not _POSTGRES_PROBED:
        _POSTGRES_PROBLEM = _postgres_reachable()
        _POSTGRES_PROBED = True
    return _POSTGRES_PROBLEM


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable ({problem})"
    if REQUIRE_POSTGRES:
        pytest.fail(message + "; CI requires it", pytrace=False)
    pytest.skip(message + "; set HOTLINE_TEST_POSTGRES_URL to run the PostgreSQL half")


async def create_postgres_database(template: str | None = None) -> str:
    """A throwaway database; a copy of ``template`` (PostgreSQL copies files, no migrations)."""
    import asyncpg

    name = f"hotline_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        copy = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await connection.close()
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def drop_postgres_database(url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


_TEMPLATES: dict[str, str] = {}
"""Per backend, a database migrated once per run (made when a test first needs it)."""


async def template(backend: str, scratch: pytest.TempPathFactory) -> str:
    if backend not in _TEMPLATES:
        if backend == "sqlite":
            path = scratch.mktemp("template") / "hotline.db"
            await migrate(f"sqlite+aiosqlite:///{path}")
            _TEMPLATES[backend] = str(path)
        else:
            url = await create_postgres_database()
            await migrate(url)
            _TEMPLATES[backend] = url.rsplit("/", 1)[1]
    return _TEMPLATES[backend]


def pytest_sessionfinish(session: pytest.Session) -> None:
    name = _TEMPLATES.pop("postgres", None)
    if name is not None:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, drop_postgres_database(f"{POSTGRES_ADMIN_URL}/{name}")).result()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A fresh database at the newest schema, on each backend: a copy of the run's template."""
    if request.param == "sqlite":
        shutil.copyfile(await template("sqlite", tmp_path_factory), tmp_path / "hotline.db")
        yield f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}"
        return
    require_postgres()
    url = await create_postgres_database(await template("postgres", tmp_path_factory))
    try:
        yield url
    finally:
        await drop_postgres_database(url)


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "secret_key_file": tmp_path / "unused.secret",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def hotline(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Hotline]:
    service = Hotline.build(make_settings(database_url, tmp_path), clock=clock)
    await service.start()
    try:
        yield service
    finally:
        await service.close()


@pytest.fixture
def sandbox_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a ``hotline`` subprocess working in its own directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        {
            "HOTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}",
            "HOTLINE_SECRET_KEY_FILE": str(tmp_path / "hotline.secret"),
            "USER": "pelapor-uji",
            "LOGNAME": "pelapor-uji",
            "PYTHONUNBUFFERED": "1",
        }
    )
    yield env


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[FakeBotAPI]:
    """The Bot API stand-in, one per test module."""
    stand_in = await FakeBotAPI().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium under Playwright, one per test module (fails in CI when missing)."""
    require_chromium()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        await chromium.close()
