"""Sending the outbox, the same for every messenger: chains claimed in batches, different chats
in parallel, each chat in order, results settled in batches.

A round leases, in one transaction, the due messages of up to ``concurrency`` destinations not
already in flight here (``Outbox.claim_chains``). Each destination's chain is sent by its own
task, in order, paced by the channel's ``Pacer``; no database lock is held during a call. Results
go to a group commit, so a burst of sends costs few transactions. A chain stops at the first
failure: the failed message is retried with backoff (or ``retry_after``, which also pauses the
whole channel), the rest are released to wait behind it. Wake-ups are immediate: any transaction
in this process that queues a message for the channel wakes its sender when it commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.group_commit import GroupCommit
from bot.hotline import Hotline
from bot.pacing import Pacer
from bot.worker import cancelled, woken
from storage.models_delivery import OutboxMessage
from storage.outbox import Claimed, Outbox, on_commit

log = logging.getLogger(__name__)
IDLE_SECONDS = 1.0


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    BLOCKED = "blocked"
    HOLD = "hold"
    RELEASE = "release"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    error: str = ""
    after: timedelta | None = None
    """The channel's own ``retry_after``: the whole channel waits that long."""
    provider_id: str | None = None
    detail: Any = None


@dataclass(frozen=True)
class _Settlement:
    message: Claimed
    result: Result


class OutboxSender:
    channel: str
    chain_limit = 5

    def __init__(self, hotline: Hotline, pacer: Pacer, concurrency: int = 64):
        settings = hotline.settings
        self.hotline = hotline
        self.pacer = pacer
        self.concurrency = concurrency
        self.keyring = settings.keyring
        self.backoff_base = settings.outbox_backoff_base
        pacing = self.chain_limit / pacer.chat_rate if pacer.chat_rate > 0 else 0.0
        queueing = concurrency * pacer.interval
        self.lease = timedelta(seconds=settings.telegram_timeout + 5 + pacing + queueing)
        self.settler: GroupCommit[_Settlement, None] = GroupCommit(
            hotline.sessions, self._settle, self._committed
        )
        self._unsettled: Counter[str] = Counter()
        self._changed = asyncio.Event()
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._unsubscribe = on_commit(self.channel, self.wake)

    # What a channel supplies.

    async def deliver(self, message: Claimed) -> Result:
        """Make the call; every failure becomes a ``Result``, never an exception."""
        raise NotImplementedError

    def counted(self, message: Claimed) -> bool:
        """Whether the call counts against the channel's message limits."""
        return True

    async def screen(
        self, session: AsyncSession, outbox: Outbox, chain: list[Claimed], now: datetime
    ) -> list[Claimed]:
        """Inside the claim: keep back what may not go now (WhatsApp's window)."""
        return chain

    async def sent(
        self, session: AsyncSession, sent: Sequence[tuple[Claimed, Result]], now: datetime
    ) -> None:
        """Inside the settle: what the channel keeps of the messages sent (one batch)."""

    async def settled(
        self, session: AsyncSession, outbox: Outbox, row: OutboxMessage, result: Result, now: datetime
    ) -> None:
        """Inside the settle, after the common bookkeeping of an outcome other than sent (blocked
        chats, held replies)."""

    # The loop.

    def wake(self) -> None:
        self._wake.set()

    async def quiet(self, destination: str) -> None:
        """Wait until nothing is being sent to ``destination`` here and every result is written, so
        the next update of that chat sees what was sent (``/hapus`` deletes those messages)."""
        while destination in self._busy or self._unsettled.get(destination):
            changed = self._changed
            await changed.wait()

    def _announce_change(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _record(self, message: Claimed, result: Result) -> None:
        self._unsettled[message.destination] += 1
        self.settler.submit_nowait(_Settlement(message, result))

    def _committed(self, settlements: Sequence[_Settlement], _results: Sequence[None]) -> None:
        for settlement in settlements:
            self._unsettled[settlement.message.destination] -= 1
            if self._unsettled[settlement.message.destination] <= 0:
                del self._unsettled[settlement.message.destination]
        self._announce_change()
        self.wake()

    def outbox(self, session: AsyncSession) -> Outbox:
        return Outbox(session, self.keyring, self.backoff_base)

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                claimed = await self.round()
            except Exception:
                log.exception("%s outbox: round failed; retrying", self.channel)
                await asyncio.sleep(1.0)
                continue
            if claimed and len(self._busy) < self.concurrency:
                continue
            timeout = IDLE_SECONDS if claimed else await self._idle_seconds()
            await woken(self._wake, timeout)

    async def stop(self) -> None:
        self._unsubscribe()
        await cancelled(self._tasks)
        await self.settler.drain()

    async def round(self) -> int:
        """Claim and start what is due; how many chains were started."""
        room = self.concurrency - len(self._busy)
        if room <= 0:
            return 0
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            now = self.hotline.runtime.clock()
            chains = await outbox.claim_chains(
                self.channel, now, self.lease, room, self._busy, self.chain_limit
            )
            chains = [kept for chain in chains if (kept := await self.screen(session, outbox, chain, now))]
        for chain in chains:
            self._busy.add(chain[0].destination)
            task = asyncio.create_task(self._send(chain))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(chains)

    async def _idle_seconds(self) -> float:
        async with self.hotline.reads() as session:
            due = await self.outbox(session).next_due(self.channel)
        if due is None:
            return IDLE_SECONDS
        wait = (due - self.hotline.runtime.clock()).total_seconds()
        return min(max(wait, 0.01), IDLE_SECONDS)

    async def _send(self, chain: list[Claimed]) -> None:
        try:
            for index, message in enumerate(chain):
                await self.pacer.slot(message.destination, message.priority, self.counted(message))
                result = await self.deliver(message)
                if result.after is not None:
                    self.pacer.pause(result.after.total_seconds())
                self._record(message, result)
                if result.outcome in (Outcome.RETRY, Outcome.BLOCKED):
                    for rest in chain[index + 1 :]:
                        self._record(rest, Result(Outcome.RELEASE))
                    return
        finally:
            self._busy.discard(chain[0].destination)
            self._announce_change()
            self.wake()

    async def _settle(self, session: AsyncSession, settlements: Sequence[_Settlement]) -> list[None]:
        """Sent messages (nearly all) in one statement; the rest through their rows."""
        outbox = self.outbox(session)
        now = self.hotline.runtime.clock()
        unsettled = await outbox.unsettled([s.message.id for s in settlements])
        todo = [s for s in settlements if s.message.id in unsettled]
        sent = [s for s in todo if s.result.outcome == Outcome.SENT]
        await outbox.sent_many(self.channel, [s.message for s in sent], now)
        await self.sent(session, [(s.message, s.result) for s in sent], now)
        others = [s for s in todo if s.result.outcome != Outcome.SENT]
        rows = await outbox.rows([s.message.id for s in others]) if others else {}
        for settlement in others:
            row, result = rows.get(settlement.message.id), settlement.result
            if row is None:
                continue
            if result.outcome == Outcome.RETRY:
                outbox.retry(row, now, result.error, result.after)
            elif result.outcome == Outcome.RELEASE:
                row.not_before = now
            elif result.outcome == Outcome.DEAD:
                outbox.dead(row, now, result.error)
            await self.settled(session, outbox, row, result, now)
        return [None] * len(settlements)
