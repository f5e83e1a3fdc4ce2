"""Sending the outbox, the same for every messenger: chains claimed in batches, different chats
in parallel, each chat in order, results settled in batches.

A round leases, in one transaction, the due messages of up to ``concurrency`` destinations not
already in flight here (``Outbox.claim_chains``). Each destination's chain is sent by its own
task, in order, paced by the channel's ``Pacer``; no database lock is held during a call. Results
go to a group commit, so a burst of sends costs few transactions. A chain stops at the first
failure: the failed message is retried with backoff (or ``retry_after``, which also pauses the
whole channel), the rest are released to wait behind it. Wake-ups are immediate: any transaction
in this process that queues a message for the channel wakes its sender when it commits. A sender
that ``hands_over`` is given what this process queues for a chat with nothing else pending
directly, already leased (``storage.handover``): no round at all on the happy path. A lease is
short and renewed while the sender holds the message, so what a dead process held is soon due
again. On PostgreSQL, what another process settles wakes a sender that one of its chats held up
(``storage.wakeups``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.group_commit import GroupCommit
from bot.hotline import Hotline
from bot.pacing import Pacer
from bot.worker import cancelled, woken
from storage import handover, wakeups
from storage.models_delivery import OutboxMessage
from storage.outbox import Claimed, Outbox

log = logging.getLogger(__name__)
IDLE_SECONDS = 1.0
LEASE = timedelta(seconds=12)
"""How long a message stays leased to a sender that stops renewing it (its process died)."""
RENEW_SECONDS = 3.0
"""How often a sender renews the leases of what it still holds: in flight, waiting to be paced
or for its chat's earlier message, or sent and not yet settled."""


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
    hands_over = False
    """Whether messages queued in this process come to this sender directly (``storage.handover``);
    not for a channel that must screen each message inside a claim."""

    def __init__(self, hotline: Hotline, pacer: Pacer, concurrency: int = 64):
        settings = hotline.settings
        self.hotline = hotline
        self.pacer = pacer
        self.concurrency = concurrency
        self.keyring = settings.keyring
        self.backoff_base = settings.outbox_backoff_base
        self.lease = LEASE
        self._held: dict[int, datetime] = {}
        """What this sender holds, with the lease each message has in the table."""
        self._renewer: asyncio.Task[None] | None = None
        self.settler: GroupCommit[_Settlement, None] = GroupCommit(
            hotline.sessions, self._settle, self._committed
        )
        self._unsettled: Counter[str] = Counter()
        self._changed = asyncio.Event()
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._unsubscribe = wakeups.on_commit(hotline.engine.sync_engine, self.channel, self.wake)
        self._unhand: Callable[[], None] | None = None
        self._deferred: set[str] = set()
        """Destinations with messages due that a round left, as they were in flight here."""
        self._waiting: dict[str, list[Claimed]] = {}
        """Chains handed over while their destination was still in flight here."""
        self._blocked: set[str] = set()
        """Destinations with messages due behind one another process has leased (or a retry)."""
        self._heard_meanwhile: list[frozenset[str] | None] | None = None
        """While a claim is under way: what other processes settled meanwhile (the claim may have
        read those chats just before they moved on)."""
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

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
            self._held.pop(settlement.message.id, None)
            self._unsettled[settlement.message.destination] -= 1
            if self._unsettled[settlement.message.destination] <= 0:
                del self._unsettled[settlement.message.destination]
        self._announce_change()
        deferred = {s.message.destination for s in settlements} & self._deferred
        if deferred or any(s.result.outcome != Outcome.SENT for s in settlements):
            self._deferred -= deferred
            self.wake()  # messages wait behind these (else the next commit queueing any wakes it)

    def outbox(self, session: AsyncSession) -> Outbox:
        return Outbox(session, self.keyring, self.backoff_base)

    async def run(self) -> None:
        if self._listener is None and wakeups.announces(self.hotline.engine):
            engine = self.hotline.engine
            hearing = wakeups.listen_for_settled(engine, self.channel, self._heard, self.listening)
            self._listener = asyncio.create_task(hearing, name=f"{self.channel}-outbox-wakeups")
        if self._renewer is None:
            self._renewer = asyncio.create_task(self._renewing(), name=f"{self.channel}-outbox-leases")
        if self.hands_over and self._unhand is None:
            taker = handover.Taker(self.lease, self.take, self._has_room, self.chain_limit)
            self._unhand = handover.on_handover(self.hotline.engine.sync_engine, self.channel, taker)
        try:
            await self._rounds()
        finally:  # a sender stopped by cancelling run() alone (the push sender) stops listening too
            await self._stop_listening()

    async def _rounds(self) -> None:
        while True:
            self._wake.clear()
            try:
                claimed, room = await self.round()
            except Exception:
                log.exception("%s outbox: round failed; retrying", self.channel)
                await asyncio.sleep(1.0)
                continue
            if claimed and claimed >= room and len(self._busy) < self.concurrency:
                continue  # there may be more due than there was room for
            timeout = IDLE_SECONDS if claimed else await self._idle_seconds()
            await woken(self._wake, timeout)

    async def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await cancelled([listener])

    async def stop(self) -> None:
        await self._stop_listening()
        self._unsubscribe()
        if self._unhand is not None:
            self._unhand()
        await cancelled(self._tasks)
        await self.settler.drain()
        renewer, self._renewer = self._renewer, None  # last: what was in flight is still leased
        if renewer is not None:
            await cancelled([renewer])
        self._held.clear()  # leases of what was cut off in flight run out: due again elsewhere

    def _heard(self, destinations: frozenset[str] | None) -> None:
        """Another process settled messages of these chats: go if one of them held this sender up."""
        if self._heard_meanwhile is not None:
            self._heard_meanwhile.append(destinations)
        elif _holds_up(self._blocked, destinations):
            self.wake()

    def _has_room(self) -> bool:
        return len(self._busy) < self.concurrency

    def take(self, chain: list[Claimed]) -> None:
        """A chain queued and leased in this process (its transaction has committed)."""
        destination = chain[0].destination
        if destination in self._busy:
            self._keep_leased(chain)
            self._waiting.setdefault(destination, []).extend(chain)
        else:
            self._start(chain)

    async def round(self) -> tuple[int, int]:
        """Claim and start what is due: how many chains were started, and how many could have been."""
        room = self.concurrency - len(self._busy)
        if room <= 0:
            return 0, 0
        blocked: set[str] = set()
        heard: list[frozenset[str] | None] = []
        self._heard_meanwhile = heard
        try:
            chains = await self._claim(room, blocked)
        finally:
            self._heard_meanwhile = None
        self._blocked = blocked
        if any(_holds_up(blocked, destinations) for destinations in heard):
            self.wake()
        for chain in chains:
            self._start(chain)
        return len(chains), room

    async def _claim(self, room: int, blocked: set[str]) -> list[list[Claimed]]:
        async with self.hotline.sessions() as session, session.begin():
            outbox = self.outbox(session)
            await session.connection()  # a lease counts from when the writer is ours
            now = self.hotline.runtime.clock()
            chains = await outbox.claim_chains(
                self.channel,
                now,
                self.lease,
                room,
                self._busy | self._unsettled.keys(),  # sent, not yet settled: not to be sent again
                self.chain_limit,
                self._deferred,
                blocked,
            )
            return [kept for chain in chains if (kept := await self.screen(session, outbox, chain, now))]

    def _start(self, chain: list[Claimed]) -> None:
        self._keep_leased(chain)
        self._busy.add(chain[0].destination)
        task = asyncio.create_task(self._send(chain))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Leases.

    def _keep_leased(self, chain: list[Claimed]) -> None:
        for message in chain:
            if message.leased_until is not None and message.id not in self._held:
                self._held[message.id] = message.leased_until

    async def _renewing(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                await self.renew()
            except Exception:
                log.exception("%s outbox: renewing leases failed; retrying", self.channel)

    async def renew(self) -> None:
        """Extend the lease of everything this sender still holds, so a lease needs to cover no
        more than a renewal's interval, and what a dead process held is due again soon after."""
        if not self._held:
            return
        groups: dict[datetime, list[int]] = {}
        for message_id, leased_until in self._held.items():
            groups.setdefault(leased_until, []).append(message_id)
        async with self.hotline.sessions() as session, session.begin():
            await session.connection()  # the lease counts from when the writer is ours
            until = self.hotline.runtime.clock() + self.lease
            await self.outbox(session).renew(groups, until)
        for leased_until, ids in groups.items():  # settled, or settled and leased anew, meanwhile:
            for message_id in ids:  # not renewed in the table, so not here either
                if self._held.get(message_id) == leased_until:
                    self._held[message_id] = until

    async def _idle_seconds(self) -> float:
        async with self.hotline.reads() as session:
            due = await self.outbox(session).next_due(self.channel)
        if due is None:
            return IDLE_SECONDS
        wait = (due - self.hotline.runtime.clock()).total_seconds()
        return min(max(wait, 0.01), IDLE_SECONDS)

    async def _send(self, chain: list[Claimed]) -> None:
        destination = chain[0].destination
        stopped = True
        try:
            for index, message in enumerate(chain):
                await self.pacer.slot(message.destination, message.priority, self.counted(message))
                result = await self._deliver(message)
                self.pacer.answered(message.destination, self.counted(message))
                if result.after is not None:
                    self.pacer.pause(result.after.total_seconds())
                self._record(message, result)
                if result.outcome in (Outcome.RETRY, Outcome.BLOCKED):
                    for rest in chain[index + 1 :]:
                        self._record(rest, Result(Outcome.RELEASE))
                    return
            stopped = False
        finally:
            self._busy.discard(destination)
            waiting = self._waiting.pop(destination, None)
            if waiting and stopped:  # they must wait behind what failed (or for the next start)
                for rest in waiting:
                    self._record(rest, Result(Outcome.RELEASE))
            elif waiting:
                self._start(waiting)
            elif len(chain) >= self.chain_limit and not stopped:
                self._deferred.add(destination)  # the chain was cut short: more may be due
            self._announce_change()

    async def _deliver(self, message: Claimed) -> Result:
        """``deliver``'s result; a fault it let through is a retry, so its chat does not stall."""
        try:
            return await self.deliver(message)
        except Exception as exc:
            log.error("%s outbox: a send failed (%s); it is tried again", self.channel, type(exc).__name__)
            return Result(Outcome.RETRY, type(exc).__name__)

    async def _settle(self, session: AsyncSession, settlements: Sequence[_Settlement]) -> list[None]:
        """Sent messages (nearly all) in one statement; the rest through their rows."""
        outbox = self.outbox(session)
        now = self.hotline.runtime.clock()
        unsettled = await outbox.unsettled([s.message.id for s in settlements])
        todo = [s for s in settlements if s.message.id in unsettled]
        sent = [s for s in todo if s.result.outcome == Outcome.SENT]
        await outbox.sent_many(self.channel, [s.message for s in sent], now)
        await wakeups.announce_settled(session, self.channel, {s.message.destination for s in todo})
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


def _holds_up(blocked: set[str], settled: frozenset[str] | None) -> bool:
    return bool(blocked) and (settled is None or not blocked.isdisjoint(settled))
