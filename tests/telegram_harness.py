"""A real ``hotline serve`` process wired to the Bot API stand-in, for end-to-end channel tests,
on SQLite or on a throwaway PostgreSQL database (``backend``: one module's tests run on each)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.botapi import TOKEN, FakeBotAPI
from tests.botupdates import Updates
from tests.conftest import create_postgres_database, drop_postgres_database, require_postgres

HOTLINE = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "hotline")
SECRET = "webhook-secret_for-tests-123"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """The database of a module's server: None for a SQLite file in its folder, else a URL."""
    if request.param == "sqlite":
        yield None
        return
    require_postgres()
    url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


def server_database(database_url: str) -> str | None:
    """The harness's form of the ``database_url`` fixture: None for its SQLite file."""
    return None if database_url.startswith("sqlite") else database_url


def _postgres_query(url: str, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    import asyncpg

    numbered = iter(range(1, len(args) + 1))
    statement = re.sub(r"\?", lambda _: f"${next(numbered)}", sql)

    async def run() -> list[tuple[Any, ...]]:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            return [tuple(row) for row in await connection.fetch(statement, *args)]
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as pool:  # callable from inside the test's running event loop
        return pool.submit(asyncio.run, run()).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Harness:
    api: FakeBotAPI
    folder: Path
    updates: Updates = field(default_factory=Updates)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None
    """PostgreSQL (a throwaway database); None: SQLite in ``folder``."""
    answers: list[dict[str, Any]] = field(default_factory=list)
    """Bot API calls the server made in its webhook responses, as Telegram would carry them out."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.folder / "hotline.db"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
        env.update(
            {
                "HOTLINE_DATABASE_URL": self.database_url or f"sqlite+aiosqlite:///{self.database}",
                "HOTLINE_SECRET_KEY_FILE": str(self.folder / "hotline.secret"),
                "HOTLINE_TELEGRAM_TOKEN": TOKEN,
                "HOTLINE_TELEGRAM_API_URL": self.api.url,
                "HOTLINE_TELEGRAM_WEBHOOK_SECRET": SECRET,
                "HOTLINE_TELEGRAM_TIMEOUT": "3",  # a loaded machine must not look like a hung API
                "HOTLINE_OUTBOX_BACKOFF_BASE": "0.2",
                "HOTLINE_TELEGRAM_CHAT_RATE": "0",
                "HOTLINE_PUBLIC_URL": "https://hotline.example.test",
                "HOTLINE_PORT": str(self.port),
                **self.extra_env,
            }
        )
        return env

    def _spawn(self) -> None:
        self.port = self.port or free_port()
        log = (self.folder / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [HOTLINE, "serve"], env=self.env(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
        )

    async def start(self) -> Harness:
        self._spawn()
        assert self.process is not None
        deadline = time.monotonic() + 90  # start-up on a machine busy with other tests
        async with httpx.AsyncClient() as client:
            while True:
                try:
                    if (await client.get(self.base + "/healthz", timeout=1)).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("serve did not start:\n" + (self.folder / "serve.log").read_text())
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with httpx.AsyncClient() as client:
            return await client.post(
                self.base + "/webhook/telegram", json=update, headers=headers, timeout=10
            )

    async def send(self, update: dict[str, Any]) -> None:
        response = await self.post(update)
        assert response.status_code == 200, response.text
        if "method" in response.json():
            self.answers.append(response.json())

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Plain SQL with ``?`` placeholders, on whichever database the server uses."""
        if self.database_url is not None:
            return _postgres_query(self.database_url, sql, args)
        with sqlite3.connect(self.database, timeout=10) as connection:
            return connection.execute(sql, args).fetchall()

    async def idle(self, within: float = 30.0) -> None:
        """Wait until every recorded update is processed and every due message has left (or was
        given up): after this, nothing more is on its way, so counting what arrived is safe."""

        def quiet() -> bool:
            waiting = self.query("SELECT count(*) FROM inbox_updates WHERE processed_at IS NULL")
            unsent = self.query(
                "SELECT count(*) FROM outbox "
                "WHERE sent_at IS NULL AND dead_at IS NULL AND held_reason IS NULL"
            )
            return waiting == [(0,)] and unsent == [(0,)]

        await self.api.wait_for(quiet, within, "the bot to finish its work")

    def hotline(self, *args: str) -> str:
        result = subprocess.run(
            [HOTLINE, *args], env=self.env(), cwd=self.folder, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


BUTTON_PATH = [
    ("report", "Apakah Anda setuju?"),
    ("agree", "Siapa yang melapor?"),
    ("teacher", "Masalah apa yang dialami anak?"),
    ("putus-sekolah", "dalam bahaya sekarang"),
    ("no", "Berapa umur anak"),
    ("13-17", "Jenis kelamin anak"),
    ("male", "Di kecamatan mana"),
    ("33.75.01", "Kelurahan/desa mana"),
    ("k2", "Ada patokan"),
]


@pytest.fixture(scope="module")
async def api(backend: str | None) -> AsyncIterator[FakeBotAPI]:
    """A stand-in per database, so what one server sent never mixes with the other's."""
    stand_in = await FakeBotAPI().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="module")
async def server(
    api: FakeBotAPI, backend: str | None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Harness]:
    harness = await Harness(api, tmp_path_factory.mktemp("telegram"), database_url=backend).start()
    yield harness
    harness.stop()


async def press(server: Harness, chat: int, option: str, expect: str) -> None:
    """Press the button of ``option`` on the newest keyboard, as Telegram reports it."""
    api = server.api
    await api.wait_for(lambda: api.last_keyboard(chat), what="a keyboard")
    message_id, buttons = api.keyboard_message(chat)
    data = next(b["callback_data"] for b in buttons if b["callback_data"].endswith("|" + option))
    assert len(data.encode()) <= 64
    before = len(api.texts(chat))
    await server.send(server.updates.callback(chat, data, message_id=message_id))
    await api.wait_for(lambda: any(expect in t for t in api.texts(chat)[before:]), what=expect)


async def say(server: Harness, chat: int, text: str, expect: str) -> None:
    before = len(server.api.texts(chat))
    await server.send(server.updates.text(chat, text))
    await server.api.wait_for(lambda: any(expect in t for t in server.api.texts(chat)[before:]), what=expect)
