"""Replies queued in the process whose sender runs go to it directly, already leased, and still
leave each chat in order: behind anything older pending, and behind a chain still in flight
(which, when it fails, takes the handed messages back to wait behind its retry)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.hotline import Hotline
from bot.outbox_sender import IDLE_SECONDS
from flows.vocabulary import Channel
from storage.models_delivery import OutboxMessage
from storage.outbox import Claimed, Outbox, Outgoing
from tests.conftest import FakeClock
from tests.scripted_sender import CHAT, WITHIN, Scripted, queue, rows, started, stopped
from tests.waiting import until


async def retried_then_the_rest(sender: Scripted, clock: FakeClock, why: str) -> None:
    """Only the failed first call so far; once the API is well and the retry due, it goes, then
    the one that waited behind it, each once."""
    await asyncio.sleep(0.2)
    assert sender.calls == ["satu"], why
    sender.refused.clear()
    clock.advance(seconds=60)
    sender.wake()
    await until(lambda: sender.calls == ["satu", "satu", "dua"], WITHIN)
    await asyncio.sleep(0.1)
    assert sender.calls == ["satu", "satu", "dua"], "each once, in order"


async def test_a_reply_queued_here_is_handed_over_leased_and_sent_once(
    hotline: Hotline, clock: FakeClock
) -> None:
    sender, running = await started(hotline)
    try:
        sender.held["satu"] = asyncio.Event()
        await queue(hotline, "satu", "dua")
        await until(lambda: CHAT in sender._busy, WITHIN)
        assert all(r.not_before > clock() for r in await rows(hotline)), "leased to this sender"
        sender.held["satu"].set()
        await until(lambda: sender.calls == ["satu", "dua"], WITHIN)
        await sender.settler.drain()
        assert all(r.sent_at is not None for r in await rows(hotline))
        await asyncio.sleep(0.1)
        assert sender.calls == ["satu", "dua"], "each once"
    finally:
        await stopped(sender, running)


async def test_a_reply_behind_an_older_pending_one_waits_its_turn(hotline: Hotline, clock: FakeClock) -> None:
    """The first message fails and waits to be retried; a reply queued meanwhile is not handed
    over (it would overtake it) but waits behind it."""
    sender, running = await started(hotline)
    try:
        sender.refused.add("satu")
        await queue(hotline, "satu")
        await until(lambda: sender.calls == ["satu"], WITHIN)
        await sender.settler.drain()
        await queue(hotline, "dua")
        await retried_then_the_rest(sender, clock, "the later reply waits for the retry")
    finally:
        await stopped(sender, running)


async def test_a_chain_handed_over_while_its_chat_is_in_flight_waits_behind_its_failure(
    hotline: Hotline, clock: FakeClock
) -> None:
    """Two transactions of one chat committing at once (possible on PostgreSQL) may both hand
    over: the second chain waits for the first and, when the first fails, goes back to wait
    behind its retry instead of overtaking it."""
    sender, running = await started(hotline)
    try:
        sender.held["satu"] = asyncio.Event()
        sender.refused.add("satu")
        await queue(hotline, "satu")
        await until(lambda: CHAT in sender._busy, WITHIN)
        await queue(hotline, "dua")  # behind "satu": queued the ordinary way, as the race's loser
        second = (await rows(hotline))[-1]
        params = {"text": "dua"}
        sender.take([Claimed(second.id, CHAT, "sendMessage", params, second.purpose, None, 0)])
        sender.held["satu"].set()
        await until(lambda: "satu" in sender.calls, WITHIN)
        await sender.settler.drain()
        await retried_then_the_rest(sender, clock, "not sent past the failure")
    finally:
        await stopped(sender, running)


async def test_a_full_sender_is_handed_nothing(hotline: Hotline, clock: FakeClock) -> None:
    """In a burst the sender's places are all taken; a reply handed over anyway queued behind
    them past its lease, and a round sent it a second time (29 of 2,000 in the burst bench)."""
    sender, running = await started(hotline, concurrency=1)
    try:
        sender.held["satu"] = asyncio.Event()
        await queue(hotline, "satu")
        await until(lambda: CHAT in sender._busy, WITHIN)
        async with hotline.sessions() as session, session.begin():
            other = Outgoing(Channel.TELEGRAM, "another-chat", "sendMessage", {"text": "lain"})
            await Outbox(session, hotline.keyring).put(other, clock())
        await asyncio.sleep(0.2)
        assert sender.calls == [], "the only place is taken: the other chat waits its turn"
        assert (await rows(hotline))[-1].not_before <= clock(), "queued for a round, not leased"
        sender.held["satu"].set()
        await until(lambda: sorted(sender.calls) == ["lain", "satu"], WITHIN)
        await asyncio.sleep(0.2)
        assert sorted(sender.calls) == ["lain", "satu"], "each once"
    finally:
        await stopped(sender, running)


async def test_a_chat_whose_earlier_message_is_out_elsewhere_is_not_polled_in_a_loop(
    hotline: Hotline, clock: FakeClock
) -> None:
    """A reply queued in one process behind a message another process is still sending: the
    later one is due but cannot go, so the sender waits for a wake-up or its idle second; it
    polled every 10 ms (a claiming transaction each) until the other process had settled."""
    await queue(hotline, "satu")
    async with hotline.sessions() as session, session.begin():
        out_elsewhere = await session.get(OutboxMessage, (await rows(hotline))[0].id)
        assert out_elsewhere is not None
        out_elsewhere.not_before = clock() + timedelta(seconds=30)
    await queue(hotline, "dua")
    assert await Scripted(hotline)._idle_seconds() == IDLE_SECONDS


async def test_a_long_reply_is_handed_over_only_as_far_as_a_lease_covers(
    hotline: Hotline, clock: FakeClock
) -> None:
    """A lease covers a chain of ``chain_limit`` messages at a chat's pace (one a second on
    Telegram); what is queued beyond goes the ordinary way, after them, in order."""
    sender, running = await started(hotline)
    try:
        texts = [f"bagian {i}" for i in range(sender.chain_limit + 2)]
        sender.held[texts[0]] = asyncio.Event()
        await queue(hotline, *texts)
        await until(lambda: CHAT in sender._busy, WITHIN)
        leased = [r.not_before > clock() for r in await rows(hotline)]
        assert leased == [True] * sender.chain_limit + [False, False]
        sender.held[texts[0]].set()
        await until(lambda: sender.calls == texts, WITHIN)
        await asyncio.sleep(0.1)
        assert sender.calls == texts, "each once, in order"
    finally:
        await stopped(sender, running)
