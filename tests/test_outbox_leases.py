"""A message leased to a sender stays its own while the sender works on it, however long that
takes, and comes back soon after its process dies: the sender renews the leases of what it holds,
so a lease only needs to outlast one renewal. Before, a lease had to cover the longest possible
send (the Bot API timeout, the pacing, the queue) and what a killed process held waited about
half a minute before another process sent it: the emergency numbers of a reporter who had just
typed "tolong" among them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot import outbox_sender
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
        for _ in range(6):  # in flight for four and a half times as long as a lease
            clock.advance(seconds=9)
            await sender.renew()
            (row,) = await rows(hotline)
            assert row.not_before == clock() + LEASE, "still leased to this sender"
            async with hotline.sessions() as session, session.begin():
                another_process = Outbox(session, hotline.keyring)
                assert await another_process.claim_chains(Channel.TELEGRAM, clock(), LEASE, 8) == []
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
    dead_running.cancel()  # as a killed process: nothing more from it, and nothing handed to it
    assert dead._unhand is not None
    dead._unhand()
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


async def test_a_send_that_raises_is_tried_again_and_its_chat_moves_on(
    hotline: Hotline, clock: FakeClock
) -> None:
    """A fault the channel's code let through (a malformed 200, a database error looking up a
    device) became a message held and renewed for ever, and its chat stuck behind it."""
    sender, running = await started(hotline)
    try:
        sender.faulty.add("satu")
        await queue(hotline, "satu", "dua")
        await until(lambda: sender.calls == ["satu"], WITHIN)
        await sender.settler.drain()
        await until(lambda: not sender._held, WITHIN)
        sender.faulty.clear()
        clock.advance(seconds=60)
        sender.wake()
        await until(lambda: sender.calls == ["satu", "satu", "dua"], WITHIN)
        await queue(hotline, "tiga")
        await until(lambda: sender.calls[-1] == "tiga", WITHIN)
    finally:
        await stopped(sender, running)


async def test_a_renewal_never_overwrites_a_newer_lease(
    hotline: Hotline, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a renewal waits for the database, the message may be settled and leased anew (given
    back, then claimed by the next round): the sender must keep the new lease, not the renewal's,
    or its next renewals match no row and another process sends the message again."""
    sender, running = await started(hotline)
    try:
        sender.held["satu"] = asyncio.Event()
        await queue(hotline, "satu")
        await until(lambda: CHAT in sender._busy, WITHIN)
        (message_id,) = sender._held
        newer = clock() + timedelta(seconds=5)
        renew = Outbox.renew

        async def settled_and_leased_anew_meanwhile(self: Outbox, *args: object) -> None:
            sender._held[message_id] = newer
            await renew(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(Outbox, "renew", settled_and_leased_anew_meanwhile)
        await sender.renew()
        assert sender._held[message_id] == newer
        sender.held["satu"].set()
    finally:
        await stopped(sender, running)


async def test_leases_are_renewed_until_the_sender_has_stopped(
    hotline: Hotline, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Services stop a sender by cancelling its loop first, then ``stop()``, which cancels what is
    in flight and writes what was sent: its leases must hold until then, or another process
    sends those messages again."""
    monkeypatch.setattr(outbox_sender, "RENEW_SECONDS", 0.05)
    sender, running = await started(hotline)
    sender.held["satu"] = asyncio.Event()
    await queue(hotline, "satu")
    await until(lambda: CHAT in sender._busy, WITHIN)
    running.cancel()
    clock.advance(seconds=LEASE.total_seconds() + 5)
    expected = clock() + LEASE

    async def renewed() -> bool:
        return (await rows(hotline))[0].not_before == expected

    for _ in range(100):
        if await renewed():
            break
        await asyncio.sleep(0.05)
    assert await renewed(), "still renewed after the loop was cancelled"
    await sender.stop()
    assert sender._renewer is None and not sender._held
