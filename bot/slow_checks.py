"""Slow checks (Argon2 password hashes, TOTP codes) on worker threads, a few at a time.

Argon2 takes ~170 ms of CPU on purpose; run on the event loop, four clients posting wrong passwords
stall every web chat and webhook. Here the checks run in a small thread pool of their own, so the
loop stays free and at most ``workers`` cores are spent on them, and when too many already wait,
the caller is told at once instead of joining a queue a flood would make endless. The pool's
threads run at a lower scheduling priority (``nice``), so the cores go to reporters first and a
flood of wrong passwords takes only what they leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(RuntimeError):
    """More checks are waiting than the queue holds; the caller answers "try again later"."""


class SlowChecks:
    def __init__(self, workers: int, queue_limit: int):
        self.workers = workers
        self.queue_limit = queue_limit
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="slow-check", initializer=_yield_to_others
        )
        self._waiting = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    async def run(self, check: Callable[..., T], *args: object) -> T:
        if self._waiting >= self.workers + self.queue_limit:
            raise Busy("too many slow checks waiting")
        self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, check, *args)
        finally:
            self._waiting -= 1


NICENESS = 10


def _yield_to_others() -> None:
    """On Linux a thread has its own priority; elsewhere the checks keep the process's."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


def default_workers() -> int:
    """Half the cores (at least one): the other half stays with the event loop and the database."""
    return max(1, (os.cpu_count() or 2) // 2)


SLOW_CHECKS = SlowChecks(default_workers(), queue_limit=16)
"""The process's one pool: every entry point (console, CLI) shares its bound."""
