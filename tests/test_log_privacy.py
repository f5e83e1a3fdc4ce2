"""The complete log output of a whole report on every channel, with every logger at DEBUG, holds
no client address, messenger id, phone number, token, story, landmark, receipt code or reference.

``hotline serve`` and ``hotline chat`` run as real processes with the hotline's own loggers, the
root logger and every library's (uvicorn, SQLAlchemy with parameters, the drivers, httpx,
python-telegram-bot) at DEBUG (tests/debug_everything.py); everything they write is scanned.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pexpect
import pytest

from tests.botapi import TOKEN as BOT_TOKEN
from tests.botapi import FakeBotAPI
from tests.graphapi import APP_SECRET, VERIFY_TOKEN, FakeGraphAPI, Webhooks, encode, sign
from tests.graphapi import TOKEN as GRAPH_TOKEN
from tests.telegram_harness import SECRET, Harness, backend
from tests.typed_report import LANDMARK, typed_report
from tests.webchat_client import WebReporter

__all__ = ["backend"]  # the module's server runs once per database

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ADDRESS = "10.77.12.34"
TELEGRAM_CHAT = 7770012345
WHATSAPP_NUMBER = "6281377770011"
PHONE_FORMS = ("0812 7777 3131", "081277773131", "+6281277773131", "6281277773131", "81277773131")
REFERENCE = re.compile(r"PKSAI-\d{4}-\d{6}")
RECEIPT = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")


def story(channel: str) -> str:
    return f"Sering dipukul pakai gagang sapu oleh pamannya lewat {channel}."


def steps(channel: str) -> list[str]:
    return typed_report(story(channel))


class DebugHarness(Harness):
    """``hotline serve`` with every logger at DEBUG."""

    def _spawn(self) -> None:
        import subprocess

        self.port = self.port or _free_port()
        log = (self.folder / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.debug_everything", "serve"],
            env=self.env(),
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _free_port() -> int:
    from tests.telegram_harness import free_port

    return free_port()


@pytest.fixture(scope="module")
async def server(backend: str | None, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    telegram = await FakeBotAPI().start()
    graph = await FakeGraphAPI().start()
    env = {
        "PYTHONPATH": str(ROOT),
        "HOTLINE_LOG_LEVEL": "DEBUG",
        "HOTLINE_TRUSTED_PROXIES": "127.0.0.1",
        "HOTLINE_WHATSAPP_TOKEN": GRAPH_TOKEN,
        "HOTLINE_WHATSAPP_APP_SECRET": APP_SECRET,
        "HOTLINE_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "HOTLINE_WHATSAPP_API_URL": graph.url,
    }
    folder = tmp_path_factory.mktemp("logs")
    harness = await DebugHarness(telegram, folder, extra_env=env, database_url=backend).start()
    harness.graph = graph  # type: ignore[attr-defined]
    yield harness
    harness.stop()
    await graph.stop()
    await telegram.stop()


def found(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    assert match, text[-500:]
    return match.group(0)


async def by_telegram(server: Harness) -> list[str]:
    for text in steps("telegram"):
        await server.send(server.updates.text(TELEGRAM_CHAT, text))
        await server.idle()
    said = "\n".join(server.api.texts(TELEGRAM_CHAT))
    return [found(said, RECEIPT), found(said, REFERENCE)]


async def by_whatsapp(server: Harness) -> list[str]:
    graph: FakeGraphAPI = server.graph  # type: ignore[attr-defined]
    hooks = Webhooks()
    async with httpx.AsyncClient() as client:
        for text in ["halo", *steps("whatsapp")]:
            body = encode(hooks.text(WHATSAPP_NUMBER, text))
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
            response = await client.post(server.base + "/webhook/whatsapp", content=body, headers=headers)
            assert response.status_code == 200, response.text
            await server.idle()
    said = "\n".join(graph.texts(WHATSAPP_NUMBER))
    return [found(said, RECEIPT), found(said, REFERENCE)]


class NetworkReporter(WebReporter):
    """The web chat reporter over a real socket, behind the trusted proxy that names its address."""

    def __init__(self, base: str, address: str):
        self.http = httpx.AsyncClient(base_url=base, headers={"X-Forwarded-For": address}, timeout=60)
        self.client, self.question = "", ""
        self.options, self.texts = [], []


async def by_web_chat(server: Harness) -> list[str]:
    reporter = NetworkReporter(server.base, CLIENT_ADDRESS)
    try:
        await reporter.start()
        for text in steps("web chat"):
            await reporter.say(text)
        said = "\n".join(reporter.texts)
        return [reporter.client, found(said, RECEIPT), found(said, REFERENCE)]
    finally:
        await reporter.close()


async def by_console(server: Harness) -> list[str]:
    """An officer signs in from the reporter's network and opens the queue."""
    created = server.hotline("user", "add", "--username", "petugas-log", "--role", "officer")
    password = created.rsplit(": ", 1)[1].strip()
    async with httpx.AsyncClient(base_url=server.base, headers={"X-Forwarded-For": CLIENT_ADDRESS}) as http:
        page = await http.get("/admin/login")
        token = found(page.text, re.compile(r'(?<=name="csrftoken" value=")[^"]+'))
        cookie = {"Cookie": f"csrftoken={page.cookies['csrftoken']}"}
        form = {"csrftoken": token, "username": "petugas-log", "password": password}
        signed = await http.post("/admin/login", data=form, headers=cookie)
        assert signed.status_code == 303, signed.text
        session = signed.cookies["hotline_console"]
        signed_in = {"Cookie": f"hotline_console={session}"}
        queue = await http.get("/admin/queue", headers=signed_in)
        assert queue.status_code == 200 and "Keluar" in queue.text, queue.headers
    return [session, password, token]


def by_terminal(server: Harness) -> tuple[list[str], str]:
    """``hotline chat`` against the same database; its log (stderr) kept apart from the chat."""
    log = server.folder / "chat.log"
    env = {**server.env(), "USER": "pelapor-terminal", "LOGNAME": "pelapor-terminal"}
    command = f"{sys.executable} -m tests.debug_everything chat 2>{log}"
    child = pexpect.spawn(
        "sh", ["-c", command], env=env, cwd=str(server.folder), encoding="utf-8", timeout=60
    )
    child.expect("> ")
    for text in steps("terminal"):
        child.sendline(text)
        child.expect("> ")
    transcript = child.before or ""
    child.sendeof()
    child.expect(pexpect.EOF)
    return [found(transcript, RECEIPT), found(transcript, REFERENCE)], log.read_text()


async def test_a_whole_report_on_every_channel_leaves_nobody_in_the_log(server: Harness) -> None:
    secrets_seen = [
        *await by_telegram(server),
        *await by_whatsapp(server),
        *await by_web_chat(server),
        *await by_console(server),
    ]
    terminal_secrets, chat_log = by_terminal(server)
    secrets_seen += terminal_secrets
    server.stop()
    log = (server.folder / "serve.log").read_text() + chat_log
    assert log.count(" submitted (urgency ") == 4, "the scan reads the output of every channel's report"
    messages = 4 * len(steps("any"))
    assert len(log.splitlines()) < messages / 2, "no line per message (the review found 3,198 for one report)"
    forbidden = {
        "client address": [CLIENT_ADDRESS],
        "telegram chat id": [str(TELEGRAM_CHAT)],
        "whatsapp number": [WHATSAPP_NUMBER, WHATSAPP_NUMBER[2:]],
        "phone number": list(PHONE_FORMS),
        "token": [BOT_TOKEN, BOT_TOKEN.split(":")[1], GRAPH_TOKEN, APP_SECRET, VERIFY_TOKEN, SECRET],
        "story": [story(c) for c in ("telegram", "whatsapp", "web chat", "terminal")] + ["gagang sapu"],
        "landmark": [LANDMARK, "Sumirah"],
        "receipt, reference, web chat token, console session, password": secrets_seen
        + [s.replace("-", "") for s in secrets_seen if RECEIPT.fullmatch(s)],
    }
    leaks = [
        f"{what} {value!r}: {next(line for line in log.splitlines() if value in line)}"
        for what, values in forbidden.items()
        for value in values
        if value in log
    ]
    assert not leaks, "\n".join(leaks[:40])
    assert not REFERENCE.search(log), "no report reference, so none next to a connection"
