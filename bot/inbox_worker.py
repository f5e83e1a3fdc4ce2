"""The inbox round, the same for every messenger: record updates, then work through them with a
bounded set of workers, each on a different conversation, each conversation strictly in order.

Recording is a group commit (``GroupCommit``): a webhook's 200 follows the commit holding its
update. What this process recorded is handed to the dispatcher at once, payload included (no
polling, no second read); a scan of the table every second, and after any surprise, finds what
other processes or an earlier run left (an update another process recorded only once it has had
``SCAN_GRACE`` to handle it itself: two processes chasing each other's updates made two slower
than one). A worker's transaction claims its update (locked, and only
if its conversation has nothing older pending — the rule that keeps order across processes),
handles it, queues the replies in the outbox and marks it done. Media are downloaded between
transactions, never under a lock. A failing update is retried a few times, then set aside, so it
cannot block its conversation.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.group_commit import GroupCommit
from bot.hotline import Hotline
from bot.worker import cancelled, woken
from storage.inbox import Arrival, Inbox, PendingUpdate, Waiting

log = logging.getLogger(__name__)
Item = TypeVar("Item")
Download = TypeVar("Download")
SCAN_EVERY = 1.0
SCAN_AT_MOST_EVERY = 0.2
PREPARING_PER_WORKER = 4
SCAN_GRACE = timedelta(seconds=2)
ACKNOWLEDGE_FIRST = 0.25
"""How long a worker lets updates being recorded go first: the messenger waits for their 200."""


class InboxWorker(Generic[Item, Download]):
    channel: str

    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.keyring = hotline.settings.keyring
        self.workers = hotline.settings.inbox_workers
        self.recorder: GroupCommit[Arrival, Waiting | None] = GroupCommit(
            hotline.sessions, self._write_arrivals, self._arrived
        )
        self._queues: dict[str, list[int]] = {}
        self._ready: list[tuple[int, str]] = []
        self._known: set[int] = set()
        self._busy: set[str] = set()
        self._items: dict[int, Item] = {}
        self._read_at_arrival: dict[tuple[str, str], Item] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(self.workers)
        """Transactions at once. More conversations than that are taken up: an update may first
        wait for its chat's earlier replies to be settled, and must not hold a worker meanwhile."""
        self._wake = asyncio.Event()
        self._scanned_at = 0.0
        self._scan_wanted = True
        self._again: set[int] = set()
        """Updates of this process whose claim failed (an older one of their conversation was
        pending, perhaps in another process): the next scan takes them up at any age."""

    # What a channel supplies.

    def read(self, payload: Any) -> Item:
        raise NotImplementedError

    async def prepare(self, item: Item) -> None:
        """Slow work done before the transaction (hashing a typed receipt code), never under a lock."""

    async def needs_download(self, session: AsyncSession, row: PendingUpdate, item: Item) -> Download | None:
        raise NotImplementedError

    async def download(self, job: Download) -> None:
        raise NotImplementedError

    async def handle(self, session: AsyncSession, row: PendingUpdate, item: Item) -> None:
        raise NotImplementedError

    def set_aside(self, item: Item) -> str | None:
        """Why an update is done without effect (recorded as its error), or None."""
        return None

    # Recording.

    async def record_update(
        self, update_id: str, conversation_key: str, payload: Any, item: Item | None = None
    ) -> bool:
        """Store an update durably (with any arriving at the same time); False for a redelivery.
        ``item``: the update already read, kept for the worker."""
        if item is not None:
            self._read_at_arrival[(self.channel, update_id)] = item
        try:
            waiting = await self.recorder.submit(Arrival(self.channel, update_id, conversation_key, payload))
        finally:
            self._read_at_arrival.pop((self.channel, update_id), None)
        return waiting is not None

    async def _write_arrivals(
        self, session: AsyncSession, arrivals: Sequence[Arrival]
    ) -> list[Waiting | None]:
        return await Inbox(session, self.keyring).record_many(arrivals, self.hotline.runtime.clock())

    def _arrived(self, arrivals: Sequence[Arrival], rows: Sequence[Waiting | None]) -> None:
        for arrival, row in zip(arrivals, rows, strict=True):
            if row is not None:
                item = self._read_at_arrival.get((arrival.channel, arrival.update_id))
                self._items[row.id] = item if item is not None else self.read(arrival.payload)
                self._add(row)
        self._wake.set()

    # Dispatching.

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                since = time.monotonic() - self._scanned_at
                if since >= SCAN_EVERY or (self._scan_wanted and since >= SCAN_AT_MOST_EVERY):
                    await self._scan()
                self._dispatch()
            except Exception:
                log.exception("%s inbox: dispatch failed; retrying", self.channel)
                await asyncio.sleep(1.0)
            await woken(self._wake, SCAN_EVERY)

    async def stop(self) -> None:
        await cancelled(self._running)

    async def _scan(self) -> None:
        self._scanned_at, self._scan_wanted = time.monotonic(), False
        settled = self.hotline.runtime.clock() - SCAN_GRACE
        async with self.hotline.reads() as session:
            rows = await Inbox(session, self.keyring).waiting(self.channel)
        again, self._again = self._again, set()
        for row in rows:
            if row.id in again or row.received_at is None or row.received_at <= settled:
                self._add(row)

    def _add(self, row: Waiting) -> None:
        if row.id in self._known:
            return
        self._known.add(row.id)
        queue = self._queues.setdefault(row.conversation_key, [])
        bisect.insort(queue, row.id)
        if row.conversation_key not in self._busy and queue[0] == row.id:
            heapq.heappush(self._ready, (row.id, row.conversation_key))

    def _dispatch(self) -> None:
        while len(self._running) < self.workers * PREPARING_PER_WORKER and self._ready:
            head, key = heapq.heappop(self._ready)
            queue = self._queues.get(key)
            if key in self._busy or not queue or queue[0] != head:
                continue
            queue.pop(0)
            if not queue:
                del self._queues[key]
            self._busy.add(key)
            task = asyncio.create_task(self._work(head, key))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _work(self, inbox_id: int, key: str) -> None:
        again = False
        try:
            again = await self.process(inbox_id)
        except Exception:
            log.exception("%s inbox: worker failed", self.channel)
        finally:
            self._busy.discard(key)
            queue = self._queues.setdefault(key, [])
            if again:
                bisect.insort(queue, inbox_id)
            else:
                self._known.discard(inbox_id)
                self._items.pop(inbox_id, None)
            if queue:
                heapq.heappush(self._ready, (queue[0], key))
            else:
                del self._queues[key]
            self._wake.set()

    # Working.

    async def run_once(self) -> bool:
        """Process one pending update found in the table; False when there is none (tests, tools)."""
        async with self.hotline.reads() as session:
            waiting = await Inbox(session, self.keyring).waiting(self.channel)
        seen: set[str] = set()
        for row in waiting:
            if row.conversation_key in seen:
                continue
            seen.add(row.conversation_key)
            while await self.process(row.id):
                pass
            return True
        return False

    async def process(self, inbox_id: int) -> bool:
        """Claim, handle and settle one update; True when it should be tried again now."""
        item = self._items.get(inbox_id)
        if item is not None:
            await self.prepare(item)
        job: Download | None = None
        try:
            async with self._slots:
                await self.recorder.written(ACKNOWLEDGE_FIRST)
                async with self.hotline.sessions() as session, session.begin():
                    inbox = Inbox(session, self.keyring)
                    row = await inbox.claim(self.channel, inbox_id)
                    if row is None:  # done elsewhere, or an older update of its conversation is pending
                        self._scan_wanted = True
                        self._again.add(inbox_id)
                        return False
                    if item is None:
                        item = self.read(inbox.payload(row))
                    job = await self.needs_download(session, row, item)
                    if job is None:
                        await self.handle(session, row, item)
                        await inbox.done(row.id, self.hotline.runtime.clock(), error=self.set_aside(item))
        except Exception as exc:
            return await self.failed(inbox_id, exc)
        if job is not None:
            await self.download(job)
            return True
        return False

    async def failed(self, inbox_id: int, exc: Exception) -> bool:
        log.error("%s update failed (%s)", self.channel, type(exc).__name__)
        async with self.hotline.sessions() as session, session.begin():
            return await Inbox(session, self.keyring).failed(
                inbox_id, type(exc).__name__, self.hotline.runtime.clock()
            )
