"""The background work ``hotline serve`` and ``hotline telegram-poll`` both run (one assembly):
idle drafts are given up in either mode, and the scheduler and the configured channels start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.background import Background
from bot.hotline import Hotline
from flows import inbound as ev
from storage.models import CaseEvent
from storage.models_delivery import Job
from tests.botapi import TOKEN, FakeBotAPI
from tests.chat import STANDARD_PATH
from tests.conftest import FakeClock, make_settings
from tests.test_runtime import say


@pytest.fixture
async def polling_hotline(
    database_url: str, tmp_path: Path, clock: FakeClock, api: FakeBotAPI
) -> AsyncIterator[Hotline]:
    settings = make_settings(database_url, tmp_path, telegram_token=TOKEN, telegram_api_url=api.url)
    service = Hotline.build(settings, clock=clock)
    await service.start()
    try:
        yield service
    finally:
        await service.close()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - a database condition has no event to wait on
            await asyncio.sleep(0.05)


async def test_the_poll_mode_background_gives_up_idle_drafts_and_schedules_work(
    polling_hotline: Hotline, clock: FakeClock
) -> None:
    hotline = polling_hotline
    for _state, event in STANDARD_PATH[:4]:
        await say(hotline, event)
    await say(hotline, ev.Choice("yes"))  # danger now: an urgent report is open at once
    clock.advance(hours=25)

    async def swept_and_scheduled() -> bool:
        async with hotline.sessions() as session:
            kinds = set((await session.scalars(select(CaseEvent.kind))).all())
            jobs = set((await session.scalars(select(Job.kind))).all())
        return "abandoned" in kinds and "handover" in jobs

    background = Background(hotline)
    await background.start()
    try:
        assert background.telegram is not None, "the configured channel runs too"
        await eventually(swept_and_scheduled)
    finally:
        await background.stop()
