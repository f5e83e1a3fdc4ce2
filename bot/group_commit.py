"""Group commit: requests that arrive together are written in one transaction.

Each caller waits for the commit that holds its item, so an answer given afterwards (a webhook's
200, a settled send) still means "durably recorded" — but a burst of a thousand costs a handful of
transactions instead of a thousand, and SQLite's single writer is not queued up behind each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)
In = TypeVar("In")
Out = TypeVar("Out")
BATCH = 500
RETRY_SECONDS = 1.0


class GroupCommit(Generic[In, Out]):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        write: Callable[[AsyncSession, Sequence[In]], Awaitable[Sequence[Out]]],
        committed: Callable[[Sequence[In], Sequence[Out]], None] | None = None,
    ):
        self.sessions = sessions
        self.write = write
        self.committed = committed
        self._queue: list[tuple[In, asyncio.Future[Out]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._unawaited: set[asyncio.Future[Out]] = set()
        self._writing: list[tuple[In, asyncio.Future[Out]]] = []

    async def submit(self, item: In) -> Out:
        """Write ``item`` with whatever else is waiting; returns once committed."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._start()
        return await future

    def submit_nowait(self, item: In) -> None:
        """Queue ``item`` without waiting for its commit (written again until it is)."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._unawaited.add(future)
        future.add_done_callback(self._unawaited.discard)
        self._queue.append((item, future))
        self._start()

    async def drain(self) -> None:
        """Wait until everything queued so far is written."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def written(self, within: float) -> None:
        """Wait until what is queued or being written now is committed (not what comes later), or
        ``within`` seconds have passed."""
        waiting = [future for _, future in self._queue] + [future for _, future in self._writing]
        if waiting:
            await asyncio.wait(waiting, timeout=within)

    def _start(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
            self._writing = batch
            items = [item for item, _ in batch]
            try:
                async with self.sessions() as session, session.begin():
                    results = await self.write(session, items)
            except Exception as exc:
                log.error("group commit failed (%s); unawaited items are tried again", type(exc).__name__)
                again = [(item, future) for item, future in batch if future in self._unawaited]
                for _, future in batch:
                    if not future.done() and future not in self._unawaited:
                        future.set_exception(exc)
                if again:
                    await asyncio.sleep(RETRY_SECONDS)
                    self._queue[:0] = again
                continue
            if self.committed is not None:
                try:
                    self.committed(items, results)
                except Exception:
                    log.exception("after a group commit")
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
