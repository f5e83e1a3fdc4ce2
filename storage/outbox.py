"""The outbox: everything the bot sends, written with the state change that caused it.

Messages to one destination leave in order, each once: a sender claims *chains* — for each of a
batch of destinations, its oldest pending messages that are due — and leases them (``not_before``
moved past the send) in one transaction, so no other sender (or process) takes them; it calls the
channel, then settles many results in one transaction: sent, retried with backoff (or the channel's
own ``retry_after``), released (a chain stopped behind a failure), held (WhatsApp's window), or
dead. A message held for WhatsApp's window does not block the ones after it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from flows.vocabulary import Channel, OutboxPurpose
from storage import handover, wakeups
from storage import outbox_statements as statements
from storage.crypto import DecryptionError, Keyring
from storage.models_delivery import OutboxMessage
from storage.queueing import next_in_line

MAX_ATTEMPTS = 12
BACKOFF_CAP = timedelta(minutes=30)
NORMAL = 0
URGENT = 1
"""Priorities: urgent replies to a reporter and messages to officers go before the rest."""


def _context(row: OutboxMessage) -> str:
    return _sealing(row.channel, row.destination)


def _sealing(channel: str, destination: str) -> str:
    return f"outbox:{channel}:{destination}"


def _legacy_context(message_id: int) -> str:
    return f"outbox:{message_id}"


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    destination: str
    method: str
    params: dict[str, Any]
    report_id: int | None = None
    purpose: OutboxPurpose = OutboxPurpose.REPLY
    priority: int = NORMAL


@dataclass(frozen=True)
class Claimed:
    """A leased message, read out of its row: what a sender needs outside any transaction."""

    id: int
    destination: str
    method: str
    params: dict[str, Any]
    purpose: OutboxPurpose
    report_id: int | None
    priority: int
    leased_until: datetime | None = None
    """The lease as written (``not_before``): a renewal moves only a lease that is still this one."""


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Exponential with jitter, so a recovering API is not hit by every sender at once."""
    ceiling = min(BACKOFF_CAP.total_seconds(), base_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _pending(row: Any) -> Any:
    return and_(row.sent_at.is_(None), row.dead_at.is_(None), row.held_reason.is_(None))


class Outbox:
    def __init__(self, session: AsyncSession, keyring: Keyring, backoff_base: float = 2.0):
        self.session = session
        self.keyring = keyring
        self.backoff_base = backoff_base

    async def put(self, message: Outgoing, now: datetime) -> None:
        """Queued with the rest of the transaction: the sender wakes when it commits."""
        await self.put_many([message], now)

    async def put_many(self, messages: Sequence[Outgoing], now: datetime) -> None:
        """Queued in this order; to this process's sender directly where it may (``storage.handover``)."""
        if not messages:
            return
        handing = await self._handing_over(messages)
        chains = handover.handed(self.session.info)
        counts = {key: len(chains.get(key, ())) for key in handing}
        mine: list[Outgoing] = []
        plain: list[Outgoing] = []
        for m in messages:  # a chain's length is capped as a round's is: its lease covers that much
            key = (m.channel, m.destination)
            if key in handing and counts[key] < handing[key].most:
                counts[key] += 1
                mine.append(m)
            else:
                plain.append(m)
        if mine:  # first: what is left plain of a destination follows what was handed over
            rows = [self._row(m, now, now + handing[(m.channel, m.destination)].lease) for m in mine]
            returned = (await self.session.execute(statements.PUT_LEASED, rows)).all()
            ids = {bytes(sealed): message_id for message_id, sealed in returned}
            for m, row in zip(mine, rows, strict=True):
                message_id = ids[row["sealed"]]
                claimed = Claimed(
                    message_id,
                    m.destination,
                    m.method,
                    m.params,
                    m.purpose,
                    m.report_id,
                    m.priority,
                    leased_until=row["not_before"],
                )
                chains.setdefault((m.channel, m.destination), []).append(claimed)
        if plain:
            await self.session.execute(statements.PUT, [self._row(m, now, now) for m in plain])
            wakeups.queued(self.session, {m.channel for m in plain})

    def _row(self, m: Outgoing, now: datetime, due: datetime) -> dict[str, Any]:
        return {
            "channel": m.channel,
            "destination": m.destination,
            "method": m.method,
            "report_id": m.report_id,
            "purpose": m.purpose,
            "priority": m.priority,
            "created_at": now,
            "not_before": due,
            "attempts": 0,
            "sealed": self.keyring.seal_json(m.params, _sealing(m.channel, m.destination)),
        }

    async def _handing_over(self, messages: Sequence[Outgoing]) -> dict[tuple[str, str], handover.Taker]:
        """The destinations whose messages go straight to a sender here, with that sender: those
        with a sender in this process and nothing pending before (in the table, or handed over
        earlier in this transaction: then these follow them)."""
        bind = self.session.get_bind()
        found = {channel: handover.taker(bind, channel) for channel in {m.channel for m in messages}}
        takers = {channel: taker for channel, taker in found.items() if taker is not None}
        wanted = {(m.channel, m.destination) for m in messages if m.channel in takers}
        if not wanted:
            return {}
        already = handover.handed(self.session.info)
        eligible = {key for key in wanted if key in already}
        for channel in {channel for channel, _ in wanted - eligible}:
            asked = [d for c, d in wanted - eligible if c == channel]
            pending = await self.session.scalars(
                statements.PENDING_FOR, {"channel": channel, "destinations": asked}
            )
            eligible |= {(channel, d) for d in set(asked) - set(pending.all())}
        return {(c, d): takers[c] for c, d in eligible}

    async def claim_chains(
        self,
        channel: str,
        now: datetime,
        lease: timedelta,
        destinations: int,
        busy: Collection[str] = (),
        chain_limit: int = 10,
        deferred: set[str] | None = None,
        blocked: set[str] | None = None,
    ) -> list[list[Claimed]]:
        """Lease, per destination, the run of its oldest pending messages that are due; the most
        urgent destinations first. ``busy``: destinations this sender is still working on (those
        of them with messages due are added to ``deferred``). ``blocked`` gets the destinations
        with messages due behind one leased elsewhere or waiting for its retry."""
        await self.session.flush()
        heads = (
            select(OutboxMessage.destination, func.max(OutboxMessage.priority).label("priority"))
            .where(OutboxMessage.channel == channel, _pending(OutboxMessage), OutboxMessage.not_before <= now)
            .group_by(OutboxMessage.destination)
            .order_by(func.max(OutboxMessage.priority).desc(), func.min(OutboxMessage.id))
            .limit(destinations + len(busy))
        )
        due = [d for d, _ in (await self.session.execute(heads)).all()]
        if deferred is not None:
            deferred.update(d for d in due if d in busy)
        wanted = [d for d in due if d not in busy][:destinations]
        if not wanted:
            return []
        rows = (
            await self.session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.channel == channel,
                    OutboxMessage.destination.in_(wanted),
                    _pending(OutboxMessage),
                )
                .order_by(OutboxMessage.id)
            )
        ).all()
        chains: dict[str, list[OutboxMessage]] = defaultdict(list)
        stopped: set[str] = set()
        for row in rows:
            if row.destination in stopped or len(chains[row.destination]) >= chain_limit:
                continue
            if row.not_before > now:  # leased elsewhere, or waiting to be retried: the rest wait too
                stopped.add(row.destination)
                if blocked is not None:
                    blocked.add(row.destination)
                continue
            chains[row.destination].append(row)
        ids = [row.id for chain in chains.values() for row in chain]
        if not ids:
            return []
        leased = set(
            (
                await self.session.scalars(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id.in_(ids), OutboxMessage.not_before <= now, _pending(OutboxMessage)
                    )
                    .values(not_before=now + lease)
                    .returning(OutboxMessage.id),
                    execution_options={"synchronize_session": False},
                )
            ).all()
        )
        claimed: list[list[Claimed]] = []
        released: list[int] = []
        for chain in chains.values():
            run: list[Claimed] = []
            broken = False
            for row in chain:
                if not broken and row.id in leased:
                    run.append(self._claimed(row, now + lease))
                    continue
                broken = True  # someone else has an earlier one: the rest must wait for it
                if row.id in leased:
                    released.append(row.id)
            if run:
                claimed.append(run)
        if released:
            await self.release(released, now)
        return claimed

    def _claimed(self, row: OutboxMessage, leased_until: datetime) -> Claimed:
        return Claimed(
            row.id,
            row.destination,
            row.method,
            self.params(row),
            row.purpose,
            row.report_id,
            row.priority,
            leased_until,
        )

    async def claim(self, channel: str, now: datetime) -> OutboxMessage | None:
        """The single next due message of a destination with nothing older pending (one at a time;
        the push sender's rule)."""
        statement = next_in_line(
            OutboxMessage,
            ("channel", "destination"),
            _pending,
            OutboxMessage.channel == channel,
            OutboxMessage.not_before <= now,
        )
        return await self.session.scalar(statement)

    def params(self, row: OutboxMessage) -> dict[str, Any]:
        try:
            value = self.keyring.open_json(row.sealed, _context(row))
        except DecryptionError:
            value = self.keyring.open_json(row.sealed, _legacy_context(row.id))
        return dict(value)

    async def unsettled(self, ids: Collection[int]) -> set[int]:
        """Which of these are neither sent nor dead (a settle may come after a crash's redo)."""
        return set((await self.session.scalars(statements.UNSETTLED, {"ids": list(ids)})).all())

    async def sent_many(self, channel: str, messages: Collection[Claimed], now: datetime) -> None:
        """Mark sent, the content wiped (sealed anew as empty): one statement for the batch."""
        if not messages:
            return
        rows = [
            {
                "message_id": m.id,
                "now": now,
                "emptied": self.keyring.seal_json({}, _sealing(channel, m.destination)),
            }
            for m in sorted(messages, key=lambda m: m.id)  # rows locked in one order, as a renewal's
        ]
        await self.session.execute(statements.SENT, rows)

    async def provider_ids(self, sent: dict[int, str | None]) -> None:
        """The channel's own ids of messages sent (WhatsApp's delivery statuses refer to them)."""
        if sent:
            await self.session.execute(
                statements.PROVIDER_IDS, [{"message_id": i, "sent_as": p} for i, p in sent.items()]
            )

    async def rows(self, ids: Collection[int]) -> dict[int, OutboxMessage]:
        found = await self.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(list(ids))))
        return {row.id: row for row in found}

    def retry(self, row: OutboxMessage, now: datetime, error: str, after: timedelta | None) -> None:
        row.attempts += 1
        row.last_error = error[:200]
        if row.attempts >= MAX_ATTEMPTS:
            self.dead(row, now, error)
            return
        row.not_before = now + (after if after is not None else backoff(row.attempts, self.backoff_base))

    def dead(self, row: OutboxMessage, now: datetime, error: str) -> None:
        row.dead_at = now
        row.last_error = error[:200]

    async def release(self, ids: Collection[int], now: datetime) -> None:
        """Give leased messages back unsent (a chain stopped before them): due again at once."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.sent_at.is_(None))
            .values(not_before=now),
            execution_options={"synchronize_session": False},
        )

    async def renew(self, leases: Mapping[datetime, Collection[int]], until: datetime) -> None:
        """Extend the leases of messages a sender still holds, each group by the lease it was
        given: a message settled meanwhile (sent, or given back with a new ``not_before`` for its
        retry) no longer has that lease and is left as it is."""
        for leased_until, ids in leases.items():
            await self.session.execute(
                statements.RENEW, {"ids": list(ids), "leased_until": leased_until, "until": until}
            )

    async def drop_destination(
        self, destination: str, now: datetime, error: str, *, leased_too: bool = True
    ) -> int:
        """Nothing more goes to this person (they blocked the bot, or wiped the chat — then what
        is being sent right now still goes)."""
        statement = select(OutboxMessage).where(
            OutboxMessage.destination == destination,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
        )
        if not leased_too:
            statement = statement.where(OutboxMessage.not_before <= now)
        rows = (await self.session.scalars(statement)).all()
        for row in rows:
            self.dead(row, now, error)
        return len(rows)

    async def next_due(self, channel: str) -> datetime | None:
        """When a message can go next: a destination's first pending message decides (a later one,
        due or not, waits for it; counting it had a sender poll a chat whose earlier message was
        still out with another process)."""
        older: Any = aliased(OutboxMessage)
        behind = exists().where(
            older.channel == OutboxMessage.channel,
            older.destination == OutboxMessage.destination,
            _pending(older),
            older.id < OutboxMessage.id,
        )
        statement = select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.channel == channel, _pending(OutboxMessage), ~behind
        )
        return await self.session.scalar(statement)
