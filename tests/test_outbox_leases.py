"""A message leased to a sender stays its own while the sender works on it, however long that
takes, and comes back soon after its process dies: the sender renews the leases of what it holds,
so a lease only needs to outlast one renewal. Before, a lease had to cover the longest possible
send (the Bot API timeout, the pacing, the queue) and what a killed process held waited about
half a minute before another process sent it: the emergency numbers of a reporter who had just
typed "tolong" among them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.hotline import Hotline
from bot.outbox_sender import LEASE
from flows.vocabulary import Channel
from storage.outbox import Outbox
from tests.conftest import FakeClock
from tests.scripted_sender import CHAT, WITHIN, queue, rows, started, stopped
from tests.waiting import until


async def test_a_message_in_flight_keeps_its_lease_for_as_long_as_it_takes(
    hotline: Hotline, clock: FakeClock
) -> None:
    sender, running = await started(hotline)
    try:
        sender.held["satu"] = asyncio.Event()
        await queue(hotline, "satu")
        await until(lambda: CHAT in sender._busy, WITHIN)
        for _ in range(4):  # a minute in flight: four times as long as a lease
            clock.advance(seconds=15)
            await sender.renew()
            (row,) = await rows(hotline)
            assert row.not_before == clock() + LEASE, "still leased to this sender"
        sender.held["satu"].set()
        await until(lambda: sender.calls == ["satu"], WITHIN)
        await sender.settler.drain()
        await until(lambda: not sender._held, WITHIN)
        (row,) = await rows(hotline)
        clock.advance(seconds=15)
        await sender.renew()
        assert (await rows(hotline))[0].not_before == row.not_before, "a settled message is let go"
        await asyncio.sleep(0.1)
        assert sender.calls == ["satu"], "sent once"
    finally:
        await stopped(sender, running)


async def test_what_a_dead_sender_held_goes_out_once_its_lease_runs_out(
    hotline: Hotline, clock: FakeClock
) -> None:
    """The first sender takes the reply and dies with the call in flight (its process killed: no
    renewal, no settling); another process's sender sends it once the lease has run out."""
    dead, dead_running = await started(hotline)
    dead.held["satu"] = asyncio.Event()
    await queue(hotline, "satu")
    await until(lambda: CHAT in dead._busy, WITHIN)
    dead_running.cancel()
    for task in [*dead._tasks, dead._renewer]:
        if task is not None:
            task.cancel()
    alive, running = await started(hotline)
    try:
        clock.advance(seconds=LEASE.total_seconds() - 1)
        alive.wake()
        await asyncio.sleep(0.2)
        assert alive.calls == [], "still leased to the first sender"
        clock.advance(seconds=2)
        alive.wake()
        await until(lambda: alive.calls == ["satu"], WITHIN)
    finally:
        await stopped(alive, running)


async def test_a_renewal_leaves_a_message_settled_meanwhile_as_it_is(
    hotline: Hotline, clock: FakeClock
) -> None:
    """The renewal and a settlement may cross (another connection, on PostgreSQL): a retry's own
    wait (Telegram's ``retry_after``) must not be cut short by a renewal of the lease it had."""
    await queue(hotline, "satu", "dua")
    lease = timedelta(seconds=12)
    async with hotline.sessions() as session, session.begin():
        outbox = Outbox(session, hotline.keyring)
        (chain,) = await outbox.claim_chains(Channel.TELEGRAM, clock(), lease, 1)
        first, second = chain
        assert first.leased_until == second.leased_until == clock() + lease
        retried = (await outbox.rows([first.id]))[first.id]
        outbox.retry(retried, clock(), "429", timedelta(seconds=60))
    async with hotline.sessions() as session, session.begin():
        held = first.leased_until
        assert held is not None
        await Outbox(session, hotline.keyring).renew({held: [first.id, second.id]}, clock() + lease * 2)
    by_id = {row.id: row for row in await rows(hotline)}
    assert by_id[first.id].not_before == clock() + timedelta(seconds=60), "the retry's wait stands"
    assert by_id[second.id].not_before == clock() + lease * 2, "the one still held is renewed"
