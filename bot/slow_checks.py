"""Slow checks (Argon2 password hashes, TOTP codes) on worker threads, a few at a time.

Argon2 takes ~170 ms of CPU on purpose; run on the event loop, four clients posting wrong passwords
stall every web chat and webhook. Here the checks run in a small thread pool of their own, so the
loop stays free and at most ``workers`` cores are spent on them, and when too many already wait,
the caller is told at once instead of joining a queue a flood would make endless.
"""

from __future__ import annotations

import asyncio
import os
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
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slow-check")
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


def default_workers() -> int:
    """Half the cores (at least one): the other half stays with the event loop and the database."""
    return max(1, (os.cpu_count() or 2) // 2)


SLOW_CHECKS = SlowChecks(default_workers(), queue_limit=16)
"""The process's one pool: every entry point (console, CLI) shares its bound."""
