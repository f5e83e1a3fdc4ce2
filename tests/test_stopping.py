"""Background loops stop when told to, even when a wake-up arrives in the same moment.

On Python 3.11 ``asyncio.wait_for`` drops a cancellation that lands in the loop turn its inner
wait completes in; a loop waiting that way then runs on, and ``hotline serve`` (or a test) hangs
on shutdown. Each loop is cancelled right as it is woken, and must be gone within a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from bot.hotline import Hotline
from bot.outbox_sender import OutboxSender
from bot.pacing import Pacer
from bot.push import CHANNEL
from bot.telegram.officers import OfficerDesk
from bot.telegram.processor import TelegramProcessor
from bot.worker import drain_forever


class Watched(asyncio.Event):
    """An event that says when someone starts waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = asyncio.Event()

    async def wait(self) -> Literal[True]:
        self.waiting.set()
        return await super().wait()


async def cancelled_as_woken(run: Callable[[], Coroutine[Any, Any, None]], wake: Watched) -> bool:
    """Start ``run``, let it go idle, then wake and cancel it together; whether it stopped."""
    task = asyncio.create_task(run())
    await asyncio.wait_for(wake.waiting.wait(), 10)
    wake.set()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=1.0)
    if not done:
        task.cancel()
        await asyncio.wait([task], timeout=1.0)
    return task in done


async def test_the_scheduler_loop_stops_when_woken_and_stopped_together() -> None:
    wake = Watched()

    async def nothing_due() -> bool:
        return False

    async def idle_seconds() -> float:
        return 30.0

    assert await cancelled_as_woken(lambda: drain_forever("test", nothing_due, wake, idle_seconds), wake)


async def test_the_outbox_sender_stops_when_woken_and_stopped_together(hotline: Hotline) -> None:
    class Sender(OutboxSender):
        channel = CHANNEL

    sender = Sender(hotline, Pacer(10.0))
    sender._wake = wake = Watched()
    try:
        assert await cancelled_as_woken(sender.run, wake)
    finally:
        await sender.stop()


async def test_the_inbox_stops_when_woken_and_stopped_together(hotline: Hotline) -> None:
    inbox = TelegramProcessor(hotline, bot=None, desk=OfficerDesk(hotline.settings, hotline.catalogues))
    inbox._wake = wake = Watched()
    try:
        assert await cancelled_as_woken(inbox.run, wake)
    finally:
        await inbox.stop()
