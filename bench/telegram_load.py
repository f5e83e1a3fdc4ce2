"""Scripted Telegram reporters against a webhook, timed at the Bot API stand-in.

A reporter posts one update, waits until the bot's answer to it has reached the stand-in, then
posts the next (a closed loop). Latency is from the POST to the first message that reaches the
reporter's chat afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from flows import inbound as ev
from tests.botapi import Call, FakeBotAPI
from tests.botupdates import Updates
from tests.chat import STANDARD_PATH

SCRIPT: list[ev.Event] = [ev.Text("/start"), *(event for _state, event in STANDARD_PATH), ev.Choice("submit")]
"""One whole report: the menu, every question answered (buttons pressed), submitted."""


@dataclass
class Chats:
    """What reached each chat at the stand-in, with a wake-up per chat."""

    messages: dict[int, list[Call]] = field(default_factory=lambda: defaultdict(list))
    events: dict[int, asyncio.Event] = field(default_factory=lambda: defaultdict(asyncio.Event))
    sent: int = 0

    def __call__(self, call: Call) -> None:
        if call.method != "sendMessage":
            return
        chat = int(call.params["chat_id"])
        self.messages[chat].append(call)
        self.sent += 1
        self.events[chat].set()

    async def wait(self, chat: int, ready: Any, within: float) -> None:
        deadline = time.monotonic() + within
        while not ready():
            event = self.events[chat]
            event.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat}: no answer within {within} s")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


@dataclass
class Result:
    messages: int = 0
    reports: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0
    busy: float = 0.0  # of all the machine's cores, meanwhile

    @property
    def rate(self) -> float:
        return self.messages / self.elapsed if self.elapsed else 0.0

    def __add__(self, other: Result) -> Result:
        """Two runs as one (a baseline measured before and after, so a drift of the machine's
        speed weighs on both sides alike)."""
        return Result(
            self.messages + other.messages,
            self.reports + other.reports,
            self.latencies + other.latencies,
            self.errors + other.errors,
            self.elapsed + other.elapsed,
            self.cpu + other.cpu,
            (self.busy * self.elapsed + other.busy * other.elapsed) / ((self.elapsed + other.elapsed) or 1),
        )


class Poster:
    def __init__(self, urls: list[str], secret: str):
        self.urls = itertools.cycle(urls)
        self.headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Poster:
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.http is not None
        await self.http.close()

    async def post(self, update: dict[str, Any]) -> tuple[int, float]:
        assert self.http is not None
        began = time.perf_counter()
        url = next(self.urls) + "/webhook/telegram"
        async with self.http.post(url, json=update, headers=self.headers) as response:
            await response.read()
            return response.status, time.perf_counter() - began


def _keyboard(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [row[0]["callback_data"] for row in markup.get("inline_keyboard") or []]


async def report_loop(
    chat: int, poster: Poster, chats: Chats, updates: Updates, result: Result, stop_at: float, echo: bool
) -> None:
    """Whole reports one after another until ``stop_at`` (the echo gets the same updates)."""
    while time.monotonic() < stop_at:
        for index, event in enumerate(SCRIPT):
            if time.monotonic() >= stop_at:
                return
            seen = len(chats.messages[chat])
            if isinstance(event, ev.Choice):
                pressed = _press(chats.messages[chat], event.option) if not echo else None
                update = updates.callback(chat, pressed[1] if pressed else f"q||{event.option}")
                if pressed:
                    update["callback_query"]["message"]["message_id"] = pressed[0]
            else:
                assert isinstance(event, ev.Text)
                update = updates.text(chat, event.text)
            began = time.monotonic()
            status, _ = await poster.post(update)
            if status != 200:
                result.errors += 1
                return
            following = SCRIPT[index + 1] if index + 1 < len(SCRIPT) else None

            def ready(seen: int = seen, following: ev.Event | None = following) -> bool:
                got = chats.messages[chat][seen:]
                if not got:
                    return False
                if echo or not isinstance(following, ev.Choice):
                    return True
                return _press(got, following.option) is not None

            await chats.wait(chat, ready, within=120)
            result.latencies.append(chats.messages[chat][seen].at - began)
            result.messages += 1
        result.reports += 1


def _press(calls: list[Call], option: str) -> tuple[int, str] | None:
    for call in reversed(calls):
        for data in _keyboard(call):
            if data.endswith("|" + option):
                return int(call.result["message_id"]), data
    return None


async def closed_loop(
    api: FakeBotAPI, urls: list[str], secret: str, reporters: int, seconds: float, echo: bool, first_chat: int
) -> Result:
    chats = Chats()
    api.on_call = chats
    result = Result()
    updates = Updates(start=first_chat * 1000)
    async with Poster(urls, secret) as poster:
        began = time.monotonic()
        stop_at = began + seconds
        loops = [
            report_loop(first_chat + i, poster, chats, updates, result, stop_at, echo)
            for i in range(reporters)
        ]
        await asyncio.gather(*loops)
        result.elapsed = time.monotonic() - began
    api.on_call = None
    return result


@dataclass
class Burst:
    chats: int = 0
    acknowledged: int = 0
    webhook: list[float] = field(default_factory=list)
    answered_in: float = float("nan")
    """Seconds from the first post until every acknowledged chat had its answer."""
    answered: int = 0
    duplicated: int = 0
    refusals: int = 0
    sent: int = 0
    send_rate: float = 0.0
    """Messages a second reaching the stand-in while the burst drained (first to last)."""
    cpu: float = 0.0


async def burst(
    api: FakeBotAPI, url: str, secret: str, chats: int, within: float, first_chat: int, patience: float
) -> Burst:
    """``chats`` different chats each send /start, spread evenly over ``within`` seconds (an open
    loop: posts do not wait for each other); then wait up to ``patience`` for every answer."""
    seen: dict[int, int] = defaultdict(int)
    sent_at: list[float] = []

    waiting: set[int] = set()
    all_answered = asyncio.Event()
    posted = False

    def on_call(call: Call) -> None:
        if call.method == "sendMessage":
            chat = int(call.params["chat_id"])
            seen[chat] += 1
            sent_at.append(call.at)
            waiting.discard(chat)
            if posted and not waiting:
                all_answered.set()

    api.on_call = on_call
    refusals_before = api.flood_refusals
    result = Burst(chats=chats)
    updates = Updates(start=first_chat * 1000)
    acknowledged: list[int] = []
    async with Poster([url], secret) as poster:
        began = time.monotonic()

        async def one(index: int) -> None:
            await asyncio.sleep(max(0.0, began + index * within / chats - time.monotonic()))
            chat = first_chat + index
            try:
                status, elapsed = await poster.post(updates.text(chat, "/start"))
            except aiohttp.ClientError:
                return
            result.webhook.append(elapsed)
            if status == 200:
                acknowledged.append(chat)

        await asyncio.gather(*(one(i) for i in range(chats)))
        waiting.update(c for c in acknowledged if not seen[c])
        posted = True
        if not waiting:
            all_answered.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_answered.wait(), began + patience - time.monotonic())
            result.answered_in = time.monotonic() - began
        await asyncio.sleep(1.0)  # anything sent twice would show now
    api.on_call = None
    result.acknowledged = len(acknowledged)
    result.answered = sum(1 for c in acknowledged if seen[c])
    result.duplicated = sum(1 for n in seen.values() if n > 1)
    result.refusals = api.flood_refusals - refusals_before
    result.sent = len(sent_at)
    if len(sent_at) > 1:
        result.send_rate = (len(sent_at) - 1) / (max(sent_at) - min(sent_at))
    return result
