"""A background worker loop: drain what is due, then sleep until woken or a short timeout."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger(__name__)


async def drain_forever(
    name: str,
    run_once: Callable[[], Awaitable[bool]],
    wake: asyncio.Event,
    idle_seconds: Callable[[], Awaitable[float]] | None = None,
) -> None:
    """Call ``run_once`` until it finds nothing, then wait; errors are logged, never fatal."""
    while True:
        try:
            while await run_once():
                pass
        except Exception:
            log.exception("%s: round failed; retrying", name)
            await asyncio.sleep(1.0)
        wake.clear()
        timeout = await idle_seconds() if idle_seconds else 1.0
        await woken(wake, timeout)


async def woken(wake: asyncio.Event, seconds: float) -> None:
    """Wait until ``wake`` is set or ``seconds`` pass.

    Not ``asyncio.wait_for``: on Python 3.11 it loses a cancellation that arrives in the same loop
    turn as the wake-up, and the loop it sits in then never stops (a shutdown or a test hangs).
    ``asyncio.timeout`` keeps the cancellation."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()


async def cancelled(tasks: Iterable[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait until each has stopped (what they raised on the way is dropped:
    a loop stopping is not an error)."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
