"""Pacing sends at a channel's limits, so normal operation never provokes a 429.

Telegram allows about 30 messages a second per bot and about one a second per chat (short bursts
tolerated); WhatsApp's Cloud API 80 a second per number. A ``Pacer`` spaces the calls that count
evenly at the bot's rate, gives each chat a small bucket refilled at its own rate, lets the most
urgent waiting call go first, and holds everything — counted or not — while the channel has said
``retry_after`` (which for Telegram applies to the whole bot). A rate of 0 means unlimited.

A chat's token is spent when its call is released, not when it starts waiting for the bot's turn:
the channel counts calls when they arrive, and a token taken seconds earlier in a long queue would
let the next few calls of that chat arrive back to back; and its refill starts again when the call
comes back, as one held up on its way arrives late. The per-chat refill is a fifth slower than
the channel's own, so network and scheduling jitter on a loaded machine cannot make two calls look
closer than they were sent (a chat still gets its first few replies at once).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_CHATS_REMEMBERED = 10_000
CHAT_RATE_MARGIN = 0.8


@dataclass
class _Bucket:
    tokens: float
    at: float


class Pacer:
    def __init__(
        self,
        rate: float,
        chat_rate: float = 0.0,
        chat_burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.chat_rate = chat_rate
        self.chat_burst = max(1, chat_burst)
        self.clock = clock
        self.paused_until = 0.0
        self._next = 0.0
        self._chats: dict[str, _Bucket] = {}
        self._waiting: list[tuple[int, int, asyncio.Future[None], bool]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None

    def pause(self, seconds: float) -> None:
        """The channel asked us to wait: nothing goes out before then."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    async def slot(self, chat: str, priority: int = 0, counted: bool = True) -> None:
        """Wait until a call to ``chat`` may go out; higher ``priority`` first. One caller per chat
        at a time (each chat's calls are sent in order, one after another)."""
        limited = counted and self.chat_rate > 0
        if limited:
            await self._chat_ready(chat)
        if (counted and self.interval > 0) or self.clock() < self.paused_until:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (-priority, next(self._order), future, counted))
            if self._pump is None or self._pump.done():
                self._pump = asyncio.create_task(self._release())
            await future
        if limited:
            self._refilled(chat, self.clock()).tokens -= 1

    def answered(self, chat: str, counted: bool = True) -> None:
        """A call to ``chat`` came back. The channel counted it when it arrived, somewhere between
        its release and now: the chat's refill starts again from now, so a call held up on its
        way cannot leave the next one room to arrive right behind it."""
        if counted and self.chat_rate > 0 and (bucket := self._chats.get(chat)) is not None:
            bucket.at = max(bucket.at, self.clock())

    async def _release(self) -> None:
        while self._waiting:
            now = self.clock()
            _, _, future, counted = self._waiting[0]
            start = self.paused_until if not counted else max(self._next, self.paused_until)
            if start > now:
                await asyncio.sleep(start - now)
                continue  # a pause or a more urgent call may have come meanwhile
            heapq.heappop(self._waiting)
            if future.done():
                continue
            future.set_result(None)
            if counted and self.interval:
                self._next = max(self._next, now) + self.interval

    async def _chat_ready(self, chat: str) -> None:
        """Wait until ``chat`` has a token (spent on release: nobody else spends this chat's)."""
        while True:
            tokens = self._refilled(chat, self.clock()).tokens
            if tokens >= 1:
                return
            await asyncio.sleep((1 - tokens) / self._chat_refill)

    @property
    def _chat_refill(self) -> float:
        return self.chat_rate * CHAT_RATE_MARGIN

    def _refilled(self, chat: str, now: float) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= MAX_CHATS_REMEMBERED:
                self._forget(now)
            bucket = self._chats[chat] = _Bucket(float(self.chat_burst), now)
        refill = (now - bucket.at) * self._chat_refill
        bucket.tokens = min(float(self.chat_burst), bucket.tokens + refill)
        bucket.at = now
        return bucket

    def _forget(self, now: float) -> None:
        """Chats whose bucket has refilled need no memory."""
        full = self.chat_burst / self._chat_refill
        for chat in [c for c, b in self._chats.items() if now - b.at >= full]:
            del self._chats[chat]
