"""Two server processes on one PostgreSQL database: a reply queued in one behind a message the
other is still sending goes as soon as the other has settled it, not at the next poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import outbox_sender
from bot.hotline import Hotline
from bot.worker import cancelled
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_settings,
    require_postgres,
    template,
)
from tests.scripted_sender import CHAT, WITHIN, Scripted, queue, started, stopped
from tests.waiting import until


@pytest.fixture
async def two_processes(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Hotline, Hotline]]:
    require_postgres()
    url = await create_postgres_database(await template("postgres", tmp_path_factory))
    first = Hotline.build(make_settings(url, tmp_path))
    second = Hotline.build(make_settings(url, tmp_path))
    try:
        await first.start()
        await second.start()
        yield first, second
    finally:
        await first.close()
        await second.close()
        await drop_postgres_database(url)


async def test_a_reply_behind_another_processs_message_goes_once_that_one_is_settled(
    two_processes: tuple[Hotline, Hotline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_sender, "IDLE_SECONDS", 60.0)  # no poll comes to the rescue
    one, other = two_processes
    first, first_running = await started(one)
    second, second_running = await started(other)
    calls = second.calls = first.calls
    try:
        await until(second.listening.is_set, WITHIN)
        first.held["satu"] = asyncio.Event()
        await queue(one, "satu")
        await until(lambda: CHAT in first._busy, WITHIN)
        await queue(other, "dua")
        await until(lambda: CHAT in second._blocked, WITHIN)
        await asyncio.sleep(0.2)
        assert calls == [], "behind the first process's message, still out"
        first.held["satu"].set()
        await until(lambda: calls == ["satu", "dua"], WITHIN)
        await asyncio.sleep(0.2)
        assert calls == ["satu", "dua"], "each once, in order (by whichever process claimed it)"
    finally:
        await stopped(first, first_running)
        await stopped(second, second_running)


async def test_a_sender_stopped_by_cancelling_its_run_stops_listening(
    two_processes: tuple[Hotline, Hotline],
) -> None:
    """The push sender is stopped so; its listener had kept a pooled connection after shutdown."""
    one, _ = two_processes
    sender = Scripted(one)
    running = asyncio.create_task(sender.run())
    await until(sender.listening.is_set, WITHIN)
    pool: Any = one.engine.pool
    await until(lambda: pool.checkedout() == 1, WITHIN)  # listening holds one connection
    await cancelled([running])
    assert pool.checkedout() == 0
