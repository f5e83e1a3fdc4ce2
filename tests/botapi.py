"""A local stand-in for the Telegram Bot API, and builders of real Bot API update JSON.

It answers the methods the hotline calls the way Telegram does (``{"ok": true, "result": ...}``),
records every call it answered, serves files for ``getFile`` downloads, and can be told to fail
for one chat: 429 with ``retry_after``, 5xx, a timeout (no answer in time), a closed connection or
403 (bot blocked). ``hold()`` keeps every call waiting unanswered (a network that has stopped
moving) until ``release()``; a call whose caller went away meanwhile is dropped unanswered, as if it
never reached Telegram. With ``limits`` it also enforces Telegram's flood limits — about 30 messages a
second per bot and about one a second per chat — answering 429 with ``retry_after`` beyond them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token_for-the-stand-in"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "PKSAI", "username": "pksai_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    result: Any = None


MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "forwardMessage", "copyMessage"})
"""What Telegram's flood limits count: messages sent into a chat."""


@dataclass
class Limits:
    """Token buckets like Telegram's: ``per_second`` for the whole bot (bursts up to that many), and
    ``per_chat`` a second with bursts of ``chat_burst`` in one chat."""

    per_second: float = 30.0
    per_chat: float = 1.0
    chat_burst: int = 3
    retry_after: int = 1


@dataclass
class _Bucket:
    capacity: float
    rate: float
    tokens: float = -1.0
    at: float = 0.0

    def take(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.at = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass
class FakeBotAPI:
    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """chat_id → list of "429:<seconds>", "500", "timeout", "403" to answer in turn."""
    attempts: list[Call] = field(default_factory=list)
    hang_seconds: float = 8.0
    pending_updates: list[dict[str, Any]] = field(default_factory=list)
    """Served by ``getUpdates`` (long polling), each once."""
    limits: Limits | None = None
    flood_refusals: int = 0
    """429s answered because a limit was exceeded (not the scripted ones)."""
    flood_refused: list[str] = field(default_factory=list)
    """Which limit each of those exceeded."""
    on_call: Callable[[Call], None] | None = None
    """Told of every call answered with success (benchmarks wait on it)."""
    _bot_bucket: _Bucket | None = None
    _chat_buckets: dict[str, _Bucket] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    held: int = 0
    """Calls waiting at the gate (``hold``)."""
    _gate: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _holds: int = 0
    _lost_holds: set[int] = field(default_factory=set)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    url: str = ""

    def __post_init__(self) -> None:
        self._gate.set()

    def hold(self) -> None:
        self._holds += 1
        self._gate.clear()

    def release(self, lost: bool = False) -> None:
        """Let held calls through; ``lost``: drop them unanswered instead (their caller died)."""
        if lost:
            self._lost_holds.add(self._holds)
        self._gate.set()

    async def start(self, own_thread: bool = False) -> FakeBotAPI:
        """Serve on the caller's event loop, or with ``own_thread`` on a loop of its own, so that its
        clock (which the flood limits read) is not held up by the test's own work; ``on_call``
        then runs on that thread."""
        if not own_thread:
            await self._serve()
            return self
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="bot-api-stand-in", daemon=True)
        self._loop = loop
        self._thread.start()
        await asyncio.to_thread(ready.wait)
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self._method)
        app.router.add_get(f"/file/bot{TOKEN}/{{path:.*}}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join)
            return
        await self._cleanup()

    async def _cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _method(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method = request.match_info["method"]
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            try:
                params[key] = json.loads(str(value))
            except ValueError:
                params[key] = str(value)
        if not self._gate.is_set():
            hold = self._holds
            self.held += 1
            try:
                await self._gate.wait()
            finally:
                self.held -= 1
            gone = request.transport is None or request.transport.is_closing()
            if gone or hold in self._lost_holds:
                return web.Response(status=503)  # nobody is listening: it never arrived
            arrived = time.monotonic()
        call = Call(method, params, arrived)
        self.attempts.append(call)
        chat = str(params.get("chat_id", ""))
        if self.limits is not None and method in MESSAGE_METHODS:
            exceeded = self._exceeded(chat, call.at)
            if exceeded:
                self.flood_refusals += 1
                self.flood_refused.append(exceeded)
                return self._too_many(self.limits.retry_after)
        if self.failures.get(chat):
            failure = self.failures[chat].pop(0)
            if failure == "close":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            if failure == "timeout":
                await asyncio.sleep(self.hang_seconds)
                return web.json_response({"ok": False, "error_code": 504, "description": "late"})
            if failure.startswith("429"):
                return self._too_many(int(failure.split(":")[1]))
            if failure == "403":
                body = {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
                return web.json_response(body, status=403)
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return web.json_response(body, status=500)
        if method == "getUpdates":
            await self._long_poll(params)
        call.result = self._result(method, params)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        return web.json_response({"ok": True, "result": call.result})

    def _exceeded(self, chat: str, now: float) -> str:
        """Which limit the call exceeds ("bot" or "chat <id>"), or "" when it is within them."""
        limits = self.limits
        assert limits is not None
        if self._bot_bucket is None:
            self._bot_bucket = _Bucket(limits.per_second, limits.per_second)
        bucket = self._chat_buckets.setdefault(chat, _Bucket(limits.chat_burst, limits.per_chat))
        if not self._bot_bucket.take(now):
            return "bot"
        return "" if bucket.take(now) else f"chat {chat}"

    @staticmethod
    def _too_many(seconds: int) -> web.Response:
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds}",
            "parameters": {"retry_after": seconds},
        }
        return web.json_response(body, status=429)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": "u-" + file_id,
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"media/{file_id}",
            }
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            served = [u for u in self.pending_updates if u["update_id"] >= offset]
            self.pending_updates = served
            return served
        return True

    async def _long_poll(self, params: dict[str, Any]) -> None:
        offset = int(params.get("offset") or 0)
        for _ in range(10):
            if any(u["update_id"] >= offset for u in self.pending_updates):
                return
            await asyncio.sleep(0.05)

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].removeprefix("media/")
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    # Reading what the bot did.

    def to_chat(self, chat_id: int, method: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if str(c.params.get("chat_id", "")) == str(chat_id) and (method is None or c.method == method)
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [c.params["text"] for c in self.to_chat(chat_id, "sendMessage")]

    def last_keyboard(self, chat_id: int) -> list[dict[str, str]]:
        return self.keyboard_message(chat_id)[1]

    def keyboard_message(self, chat_id: int) -> tuple[int, list[dict[str, str]]]:
        """The newest message to the chat that carries buttons: (message id, buttons)."""
        for call in reversed(self.to_chat(chat_id, "sendMessage")):
            markup = call.params.get("reply_markup")
            if markup and markup.get("inline_keyboard"):
                return call.result["message_id"], [row[0] for row in markup["inline_keyboard"]]
        return 0, []

    async def wait_for(self, predicate: Any, within: float = 15.0, what: str = "") -> Any:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what or predicate}")

    async def wait_texts(self, chat_id: int, count: int, within: float = 15.0) -> list[str]:
        """Wait until the chat has received ``count`` messages in all; returns the new ones too."""
        await self.wait_for(
            lambda: len(self.texts(chat_id)) >= count, within, f"{count} messages to {chat_id}"
        )
        await asyncio.sleep(0.2)
        return self.texts(chat_id)
