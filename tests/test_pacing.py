"""The pacer against the Bot API stand-in's model of Telegram's flood limits: calls released by the
pacer, checked at the moment they leave, are never refused — also when a chat's calls first wait
seconds in a long queue of other chats (the case that once let a chat's next calls arrive back to
back: its token had been taken when it started waiting, not when it left)."""

from __future__ import annotations

import asyncio
import time

from bot.pacing import Pacer
from tests.botapi import Limits, _Bucket

RATE = 40.0


async def test_calls_leave_within_the_bot_and_chat_limits_behind_a_long_queue() -> None:
    limits = Limits(per_second=RATE, per_chat=1, chat_burst=3)
    pacer = Pacer(RATE, limits.per_chat, limits.chat_burst)
    left: list[tuple[str, float]] = []

    async def chain(chat: str, count: int) -> None:
        for _ in range(count):
            await pacer.slot(chat)
            left.append((chat, time.monotonic()))
            await asyncio.sleep(0.002)  # the call itself

    crowd = [chain(f"crowd-{i}", 1) for i in range(60)]
    await asyncio.gather(chain("typist", 6), *crowd, chain("second-typist", 5))

    bot = _Bucket(limits.per_second, limits.per_second)
    chats: dict[str, _Bucket] = {}
    refused = []
    for chat, at in sorted(left, key=lambda pair: pair[1]):
        bucket = chats.setdefault(chat, _Bucket(limits.chat_burst, limits.per_chat))
        if not (bot.take(at) and bucket.take(at)):
            refused.append(chat)
    assert refused == []
    typist = [at for chat, at in left if chat == "typist"]
    assert typist[-1] - typist[0] >= 2.0, "beyond its burst of 3, a chat gets about one a second"


async def test_retry_after_holds_every_call_then_lets_them_go() -> None:
    pacer = Pacer(0, 0)
    pacer.pause(0.3)
    began = time.monotonic()
    await asyncio.gather(pacer.slot("a"), pacer.slot("b", counted=False))
    assert time.monotonic() - began >= 0.29


async def test_a_call_held_up_on_its_way_leaves_the_next_no_room_to_catch_up() -> None:
    """Telegram counts a call when it arrives. The first calls of a chat, held up on their way (a
    busy event loop, a slow connection), arrived late; the next, released on time and sent at
    once, arrived right behind them, beyond the chat's limit (one refusal in a full test run)."""
    limits = Limits(per_second=RATE, per_chat=4, chat_burst=3)
    pacer = Pacer(RATE, limits.per_chat, limits.chat_burst)
    arrivals: list[float] = []
    for held_up in [0.15, 0.15, 0.15, 0.0, 0.0, 0.0, 0.0]:
        await pacer.slot("chat")
        await asyncio.sleep(held_up)
        arrivals.append(time.monotonic())
        pacer.answered("chat")
    bucket = _Bucket(limits.chat_burst, limits.per_chat)
    assert [bucket.take(at) for at in arrivals] == [True] * len(arrivals)
