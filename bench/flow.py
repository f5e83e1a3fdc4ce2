"""How fast is a conversation? Pure flow turns, and whole reports through the runtime on SQLite.

Run with ``make bench`` (or ``.venv/bin/python bench/flow.py [--postgres URL]``); the figures in the
README come from this script.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quantile import quantile
from bot.catalogue_files import load_catalogues
from bot.deployment_file import load_deployment
from bot.hotline import Hotline
from bot.lexicon_files import reading_for
from bot.runtime import Inbound
from bot.settings import Settings
from flows.complaint import ComplaintFlow
from flows.conversation import Conversation
from flows.inbound import Choice
from flows.vocabulary import Channel
from tests.chat import STANDARD_PATH

SUBMIT = [*STANDARD_PATH, ("review", Choice("submit"))]


def bench_flow(rounds: int) -> float:
    deployment = load_deployment()
    flow = ComplaintFlow(deployment, load_catalogues(), reading_for(deployment))
    now = datetime(2026, 11, 23, tzinfo=UTC)
    started = time.perf_counter()
    turns = 0
    for _ in range(rounds):
        conv = Conversation()
        for _state, event in STANDARD_PATH:
            flow.handle(conv, event, now)
            turns += 1
    return turns / (time.perf_counter() - started)


async def bench_runtime(url: str, reports: int, concurrency: int) -> tuple[float, float, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            database_url=url.format(folder=folder),
            secret_key="benchmark-secret-key-0123456789-abcdefghij",
        )
        hotline = Hotline.build(settings)
        await hotline.start()
        latencies: list[float] = []

        async def reporter(index: int) -> None:
            for _state, event in SUBMIT:
                t0 = time.perf_counter()
                await hotline.runtime.handle(Inbound(Channel.TERMINAL, f"user-{index}", event))
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        for batch in range(0, reports, concurrency):
            await asyncio.gather(*(reporter(i) for i in range(batch, min(batch + concurrency, reports))))
        elapsed = time.perf_counter() - started
        await hotline.close()
    return reports / elapsed, len(latencies) / elapsed, latencies


async def on_throwaway(url: str, work):  # type: ignore[no-untyped-def]
    """SQLite gets a temporary file; PostgreSQL a database made for the run and dropped after."""
    if url.startswith("sqlite"):
        return await work(url)
    import uuid

    import asyncpg

    admin = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    name = f"hotline_bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        return await work(f"{base}/{name}")
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument(
        "--postgres",
        help="postgresql://user@host/db of a server to benchmark on; a throwaway database is made there",
    )
    args = parser.parse_args()
    print(f"pure flow: {bench_flow(2000):,.0f} turns/s (one core)")
    targets = [("SQLite (WAL)", "sqlite+aiosqlite:///{folder}/bench.db")]
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    for name, url in targets:
        per_report, per_message, latencies = asyncio.run(
            on_throwaway(url, lambda u: bench_runtime(u, args.reports, args.concurrency))
        )
        p50, p99 = quantile(latencies, 0.5) * 1000, quantile(latencies, 0.99) * 1000
        print(
            f"{name}: {per_report:,.1f} whole reports/s, {per_message:,.0f} messages/s, "
            f"message latency p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"({args.reports} reports, {args.concurrency} reporters at a time)"
        )


if __name__ == "__main__":
    main()
