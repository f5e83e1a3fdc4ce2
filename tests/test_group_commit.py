"""Group commit: a burst is written in few transactions, and a worker can let what is being
recorded go first without waiting for whatever arrives after it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.group_commit import GroupCommit
from storage.database import create_engine, session_factory


class Writes:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, session: AsyncSession, items: Sequence[int]) -> list[int]:
        await self.gate.wait()
        self.batches.append(list(items))
        return [item * 10 for item in items]


@pytest.fixture
def writes() -> Writes:
    return Writes()


@pytest.fixture
async def recorder(database_url: str, writes: Writes) -> AsyncIterator[GroupCommit[int, int]]:
    engine = create_engine(database_url)
    yield GroupCommit(session_factory(engine), writes)
    await engine.dispose()


async def test_a_burst_is_written_in_few_transactions_and_each_caller_gets_its_result(
    recorder: GroupCommit[int, int], writes: Writes
) -> None:
    results = await asyncio.gather(*(recorder.submit(i) for i in range(100)))
    assert results == [i * 10 for i in range(100)]
    assert sorted(i for batch in writes.batches for i in batch) == list(range(100))
    assert len(writes.batches) <= 3, writes.batches


async def test_written_waits_for_what_is_queued_now_and_not_for_what_comes_later(
    recorder: GroupCommit[int, int], writes: Writes
) -> None:
    writes.gate.clear()
    first = asyncio.ensure_future(recorder.submit(1))
    await asyncio.sleep(0.05)
    waiter = asyncio.ensure_future(recorder.written(within=30))
    later = asyncio.ensure_future(recorder.submit(2))
    await asyncio.sleep(0.05)
    assert not waiter.done(), "the update being recorded goes first"
    writes.gate.set()
    await asyncio.wait_for(waiter, 10)
    assert await first == 10
    assert await later == 20
    assert writes.batches[0] == [1]

    writes.gate.clear()
    stuck = asyncio.ensure_future(recorder.submit(3))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(recorder.written(within=0.2), 5)  # a stuck write holds nobody for long
    assert not stuck.done()
    writes.gate.set()
    assert await stuck == 30
    await recorder.written(within=30)  # nothing queued: at once
