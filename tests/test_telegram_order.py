"""Per-chat order under concurrency: two hotline processes on one database, each with several inbox
workers and its own outbox sender, fed random interleavings of several chats' updates (some
redelivered to the other process). Each chat must receive, at the Bot API stand-in, exactly the
replies its updates give when handled one at a time in the order they were acknowledged."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.hotline import Hotline
from bot.telegram.service import TelegramService
from storage.models_delivery import InboxUpdate, OutboxMessage
from tests.botapi import TOKEN, FakeBotAPI
from tests.botupdates import Updates
from tests.conftest import make_settings

SCRIPT = ["/start", "1", "1", "2", "1", "2"]
"""menu → report → agree → parent → fisik → no danger: each answer means something else when it
comes out of turn ("2" at the menu asks for a status check, at the consent question declines)."""
WORKERS = (3, 5)
CHAT_IDS = itertools.count(9_100_000)


@dataclass
class Pair:
    api: FakeBotAPI
    hotlines: list[Hotline]
    services: list[TelegramService]
    updates: Updates
    replies: list[list[str]]
    """What each step of ``SCRIPT`` answers when the steps come one at a time."""

    async def idle(self, within: float = 60.0) -> None:
        async def quiet() -> bool:
            async with self.hotlines[0].reads() as session:
                waiting = await session.scalar(
                    select(func.count()).select_from(InboxUpdate).where(InboxUpdate.processed_at.is_(None))
                )
                unsent = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
                )
            return waiting == 0 and unsent == 0

        await wait_until(quiet, within)

    def expected(self, steps: int) -> list[str]:
        return [text for reply in self.replies[:steps] for text in reply]


async def wait_until(condition: Callable[[], Awaitable[bool]], within: float) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("the two processes did not finish their work in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def pair(database_url: str, tmp_path: Path) -> AsyncIterator[Pair]:
    api = await FakeBotAPI().start()
    hotlines = [
        Hotline.build(
            make_settings(
                database_url,
                tmp_path,
                telegram_token=TOKEN,
                telegram_api_url=api.url,
                telegram_rate=0,
                telegram_chat_rate=0,
                telegram_timeout=5,
                inbox_workers=workers,
            )
        )
        for workers in WORKERS
    ]
    services: list[TelegramService] = []
    try:
        for hotline in hotlines:
            await hotline.start()
            service = TelegramService(hotline)
            await service.start()
            services.append(service)
        pair = Pair(api, hotlines, services, Updates(start=900_000_000), [])
        reference = next(CHAT_IDS)
        for text in SCRIPT:
            before = len(api.texts(reference))
            assert await services[0].processor.record(pair.updates.text(reference, text))
            await pair.idle()
            pair.replies.append(api.texts(reference)[before:])
        assert all(pair.replies), pair.replies
        yield pair
    finally:
        for service in services:
            await service.stop()
        for hotline in hotlines:
            await hotline.close()
        await api.stop()


@pytest.mark.slow
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_each_chat_gets_its_replies_in_the_order_its_updates_were_acknowledged(
    pair: Pair, data: st.DataObject
) -> None:
    steps = data.draw(st.lists(st.integers(1, len(SCRIPT)), min_size=2, max_size=5), label="steps")
    chats = [next(CHAT_IDS) for _ in steps]
    turns = data.draw(st.permutations([i for i, n in enumerate(steps) for _ in range(n)]), label="order")
    sent = [0] * len(chats)
    for turn in turns:
        chat = chats[turn]
        update = pair.updates.text(chat, SCRIPT[sent[turn]])
        sent[turn] += 1
        process = data.draw(st.sampled_from([0, 1]), label="process")
        assert await pair.services[process].processor.record(update), "acknowledged"
        if data.draw(st.booleans(), label="redelivered"):
            again = pair.services[1 - process].processor
            assert not await again.record(update), "a redelivery is dropped by the unique key"
    await pair.idle()
    for chat, count in zip(chats, steps, strict=True):
        assert pair.api.texts(chat) == pair.expected(count), f"chat {chat} after {count} updates"
