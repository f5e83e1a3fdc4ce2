"""``make bench``: the hotline end to end beside bare baselines, in one run, as ratios.

(a) whole Telegram reports through the real webhook vs a bare python-telegram-bot echo webhook
(measured half before and half after, as the machine's speed drifts), both answering to the same
in-process Bot API stand-in; (b, c) a burst of 2,000 /start from 2,000
chats within 5 s against a stand-in that enforces Telegram's limits (30 messages/s, one a second
per chat, 429 + retry_after beyond), the hotline paced and the bare echo not; (d) web chat whole
reports vs a bare Starlette + SQLAlchemy one-transaction endpoint on the same database; (e)
PostgreSQL with one and two server processes; (f) cold start and idle memory; (t) the Bot API
client alone, the hotline's connection pools against the library's default. Server CPU-seconds
per message are shown beside each throughput: the load generator shares the machine's cores.

``--quick`` runs every part shorter and smaller (a smoke test of the benchmark itself).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quantile import quantile
from bench.servers import (
    WEBHOOK_SECRET,
    Server,
    cpu_of,
    hotline_server,
    machine_idle,
    postgres_database,
    profile,
    python_server,
)
from bench.telegram_load import Burst, Result, burst, closed_loop
from bench.transport import client_cpu
from bench.webchat_load import bare_loop, reports_loop
from tests.botapi import TOKEN, FakeBotAPI, Limits

UNPACED = {"HOTLINE_TELEGRAM_RATE": "0", "HOTLINE_TELEGRAM_CHAT_RATE": "0"}


@dataclass(frozen=True)
class Plan:
    reporters: int = 50
    seconds: float = 20.0
    baseline_seconds: float = 12.0
    burst_chats: int = 2000
    burst_within: float = 5.0
    browsers: int = 20
    web_seconds: float = 15.0
    postgres_seconds: float = 15.0
    starts: int = 3
    client_calls: int = 2000


QUICK = Plan(
    reporters=10,
    seconds=4,
    baseline_seconds=3,
    burst_chats=150,
    burst_within=2,
    browsers=4,
    web_seconds=4,
    postgres_seconds=4,
    starts=1,
    client_calls=200,
)


@dataclass
class Row:
    part: str
    measured: str
    hotline: str
    baseline: str
    ratio: str
    target: str


ROWS: list[Row] = []


def row(*cells: str) -> None:
    ROWS.append(Row(*cells))
    print("  " + " | ".join(cells), flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def per_message(cpu: float, messages: int) -> str:
    return f"{cpu / messages * 1000:.1f} CPU ms/msg" if messages else "— CPU ms/msg"


def throughput(result: Result, unit: str = "msgs/s") -> str:
    return (
        f"{result.rate:,.1f} {unit}, p50 {ms(quantile(result.latencies, 0.5))}, "
        f"p99 {ms(quantile(result.latencies, 0.99))}; {per_message(result.cpu, result.messages)}"
    )


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


async def with_cpu(servers: list[Server], work: Awaitable[Result]) -> Result:
    """``work``'s result with the CPU time the servers spent meanwhile, and how busy the whole
    machine was (the load generator and the database share its cores)."""
    before, (idle, total) = cpu_of(servers), machine_idle()
    result = await work
    result.cpu = cpu_of(servers) - before
    idle_after, total_after = machine_idle()
    result.busy = 1 - (idle_after - idle) / ((total_after - total) or 1)
    return result


async def telegram_reports(
    folder: Path, database_url: str, plan: Plan, processes: int, first_chat: int, seconds: float
) -> Result:
    api = await FakeBotAPI().start()
    servers: list[Server] = []
    try:
        for _ in range(processes):  # one after another: the first migrates the database
            servers.append(await hotline_server(folder, database_url, api.url, TOKEN, **UNPACED).start())
        urls = [s.url for s in servers]
        profiler = profile(servers[0], seconds)
        loop = closed_loop(api, urls, WEBHOOK_SECRET, plan.reporters, seconds, False, first_chat)
        result = await with_cpu(servers, loop)
        if profiler is not None:
            profiler.wait()
        return result
    finally:
        for server in servers:
            server.stop()
        await api.stop()


async def echo_reports(folder: Path, plan: Plan, first_chat: int) -> Result:
    api = await FakeBotAPI().start()
    try:
        echo = await python_server(folder, "bench.echo", BENCH_API_URL=api.url, BENCH_TOKEN=TOKEN).start()
        try:
            seconds = plan.baseline_seconds / 2
            loop = closed_loop(api, [echo.url], WEBHOOK_SECRET, plan.reporters, seconds, True, first_chat)
            return await with_cpu([echo], loop)
        finally:
            echo.stop()
    finally:
        await api.stop()


async def part_a(folder: Path, plan: Plan) -> None:
    print(f"(a) whole Telegram reports, {plan.reporters} reporters, closed loop, SQLite", flush=True)
    bare = await echo_reports(folder, plan, 10_000)  # half before, half after: the machine's speed drifts
    url = f"sqlite+aiosqlite:///{folder}/a.db"
    ours = await telegram_reports(folder, url, plan, 1, 20_000, plan.seconds)
    bare += await echo_reports(folder, plan, 15_000)
    p99 = quantile(ours.latencies, 0.99)
    ratio = ours.rate / bare.rate if bare.rate else float("nan")
    row(
        "(a)",
        f"Telegram whole reports via webhook, {plan.reporters} reporters closed loop, SQLite "
        f"({ours.reports} reports, {ours.errors} errors)",
        throughput(ours),
        "bare PTB echo: " + throughput(bare),
        f"{ratio:.0%} of echo",
        f"≥ 25%, p99 ≤ 1 s: {met(ratio >= 0.25 and p99 <= 1.0)}",
    )


def describe_burst(result: Burst) -> str:
    acknowledged = result.acknowledged / result.chats if result.chats else 0.0
    return (
        f"{acknowledged:.0%} acknowledged, webhook p99 {ms(quantile(result.webhook, 0.99))}, "
        f"{result.answered}/{result.acknowledged} answered in {result.answered_in:,.1f} s, "
        f"{result.send_rate:,.1f} msgs/s sent, {result.refusals} × 429, {result.duplicated} duplicated; "
        f"{per_message(result.cpu, result.sent)}"
    )


async def part_bc(folder: Path, plan: Plan) -> None:
    print(
        f"(b, c) {plan.burst_chats:,} /start from {plan.burst_chats:,} chats within {plan.burst_within:g} s, "
        "stand-in enforcing 30 msgs/s and 1/s per chat",
        flush=True,
    )
    patience = plan.burst_chats / 30 * 1.5 + 30
    api = await FakeBotAPI(limits=Limits()).start()
    try:
        echo = await python_server(folder, "bench.echo", BENCH_API_URL=api.url, BENCH_TOKEN=TOKEN).start()
        try:
            cpu = echo.cpu_seconds()
            bare = await burst(api, echo.url, WEBHOOK_SECRET, plan.burst_chats, plan.burst_within, 30_000, 15)
            bare.cpu = echo.cpu_seconds() - cpu
        finally:
            echo.stop()
    finally:
        await api.stop()
    api = await FakeBotAPI(limits=Limits()).start()
    try:
        url = f"sqlite+aiosqlite:///{folder}/bc.db"
        server = await hotline_server(folder, url, api.url, TOKEN).start()
        try:
            cpu = server.cpu_seconds()
            ours = await burst(
                api, server.url, WEBHOOK_SECRET, plan.burst_chats, plan.burst_within, 40_000, patience
            )
            ours.cpu = server.cpu_seconds() - cpu
        finally:
            server.stop()
    finally:
        await api.stop()
    sustained = ours.send_rate
    row(
        "(b)",
        "sustained send rate at a stand-in enforcing Telegram's limits; 429s provoked",
        f"{sustained:,.1f} msgs/s, {ours.refusals} × 429",
        f"Telegram's limit 30 msgs/s; bare echo (unpaced): {bare.refusals} × 429, "
        f"{bare.answered}/{bare.chats} chats answered",
        f"{sustained / 30:.0%} of the limit",
        f"≥ 27/s, zero 429: {met(sustained >= 27 and ours.refusals == 0)}",
    )
    all_in = ours.acknowledged == ours.chats and ours.answered == ours.acknowledged
    row(
        "(c)",
        f"burst of {plan.burst_chats:,} /start from as many chats within {plan.burst_within:g} s",
        describe_burst(ours),
        "bare echo: " + describe_burst(bare),
        f"webhook p99 {quantile(ours.webhook, 0.99) / quantile(bare.webhook, 0.99):.1f}× echo's",
        "100% acknowledged, p99 ≤ 100 ms, all answered, none twice: "
        + met(all_in and quantile(ours.webhook, 0.99) <= 0.1 and ours.duplicated == 0),
    )


async def part_d(folder: Path, plan: Plan) -> None:
    print(f"(d) web chat whole reports, {plan.browsers} browsers, closed loop, SQLite", flush=True)
    bare_server = await python_server(
        folder, "bench.bare_web", BENCH_DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bare.db"
    ).start()
    try:
        bare = await with_cpu([bare_server], bare_loop(bare_server.url, plan.browsers, plan.web_seconds))
    finally:
        bare_server.stop()
    url = f"sqlite+aiosqlite:///{folder}/d.db"
    server = hotline_server(folder, url, "http://127.0.0.1:9", TOKEN, HOTLINE_TRUSTED_PROXIES="127.0.0.1")
    server.env.pop("HOTLINE_TELEGRAM_TOKEN")  # the web chat alone
    await server.start()
    try:
        profiler = profile(server, plan.web_seconds)
        ours = await with_cpu([server], reports_loop(server.url, plan.browsers, plan.web_seconds))
        if profiler is not None:
            profiler.wait()
    finally:
        server.stop()
    ratio = ours.rate / bare.rate if bare.rate else float("nan")
    p99_ratio = quantile(ours.latencies, 0.99) / quantile(bare.latencies, 0.99)
    row(
        "(d)",
        f"web chat whole reports, {plan.browsers} browsers closed loop, SQLite "
        f"({ours.reports} reports, {ours.errors} errors)",
        throughput(ours, "requests/s"),
        "bare Starlette + SQLAlchemy one-transaction endpoint: " + throughput(bare, "requests/s"),
        f"{ratio:.0%} of bare; p99 {p99_ratio:.1f}×",
        f"≥ 60%, p99 ≤ 1.5×: {met(ratio >= 0.6 and p99_ratio <= 1.5)}",
    )


async def part_e(folder: Path, plan: Plan) -> None:
    print("(e) the same whole reports on PostgreSQL, 1 and 2 server processes", flush=True)
    async with postgres_database() as url:
        if url is None:
            return
        one = await telegram_reports(folder, url, plan, 1, 50_000, plan.postgres_seconds)
        two = await telegram_reports(folder, url, plan, 2, 60_000, plan.postgres_seconds)
    ratio = two.rate / one.rate if one.rate else float("nan")
    row(
        "(e)",
        f"Telegram whole reports, {plan.reporters} reporters closed loop, PostgreSQL, 2 processes",
        throughput(two),
        "1 process: " + throughput(one),
        f"×{ratio:.2f}; all cores {one.busy:.0%} busy with 1, {two.busy:.0%} with 2",
        f"≥ ×1.6: {met(ratio >= 1.6)}",
    )


async def part_t(folder: Path, plan: Plan) -> None:
    print("(t) the Bot API client alone, 50 calls in flight: spread pools against one pool", flush=True)
    spent = await client_cpu(plan.client_calls)
    spread, one_pool = spent["spread"], spent["one_pool"]
    row(
        "(t)",
        "python-telegram-bot sendMessage, 50 in flight to 50 chats, 64 connections (median of 3 rounds)",
        f"{spread * 1000:.2f} CPU ms/call (eight pools of eight)",
        f"one httpx pool of 64: {one_pool * 1000:.2f} CPU ms/call",
        f"{spread / one_pool:.0%} of its CPU",
        "(no target: the measurement behind bot/spread_transport.py)",
    )


def bare_import() -> tuple[float, float]:
    """Seconds and peak MB of a fresh interpreter importing python-telegram-bot, nothing else."""
    code = (
        "import resource, time; t = time.perf_counter(); import telegram, telegram.request; "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, mb = out.split()
    return float(seconds), float(mb)


async def part_f(folder: Path, plan: Plan) -> None:
    print("(f) cold start to /healthz and idle memory", flush=True)
    url = f"sqlite+aiosqlite:///{folder}/f.db"
    migrate = hotline_server(folder, url, "http://127.0.0.1:9", TOKEN)
    await asyncio.to_thread(
        subprocess.run, [migrate.argv[0], "db", "upgrade"], env=migrate.env, capture_output=True, check=True
    )  # each start below is a restart, as in production
    starts: list[float] = []
    rss: list[float] = []
    for _ in range(plan.starts):
        server = await hotline_server(folder, url, "http://127.0.0.1:9", TOKEN).start()
        try:
            starts.append(server.started_in)
            await asyncio.sleep(3)
            rss.append(server.rss_mb())
        finally:
            server.stop()
    echo_starts: list[float] = []
    echo_rss: list[float] = []
    api = await FakeBotAPI().start()  # the echo asks getMe before it answers /healthz
    try:
        for _ in range(plan.starts):
            echo = await python_server(folder, "bench.echo", BENCH_API_URL=api.url, BENCH_TOKEN=TOKEN).start()
            try:
                echo_starts.append(echo.started_in)
                await asyncio.sleep(3)
                echo_rss.append(echo.rss_mb())
            finally:
                echo.stop()
    finally:
        await api.stop()
    imported, imported_mb = bare_import()
    start, memory = statistics.median(starts), statistics.median(rss)
    echo_start, echo_memory = statistics.median(echo_starts), statistics.median(echo_rss)
    row(
        "(f)",
        "`hotline serve` cold start to /healthz (migrated SQLite) and idle RSS",
        f"{start:.2f} s (median of {', '.join(f'{x:.2f}' for x in starts)}), {memory:.0f} MB",
        f"bare PTB echo (Starlette + uvicorn) {echo_start:.2f} s, {echo_memory:.0f} MB; "
        f"`import telegram` alone {imported:.2f} s, {imported_mb:.0f} MB",
        f"{start / echo_start:.1f}× echo's start, {memory / echo_memory:.1f}× its RSS",
        f"≤ 2 s, ≤ 120 MB: {met(start <= 2 and memory <= 120)}",
    )


PARTS = {"f": part_f, "a": part_a, "bc": part_bc, "d": part_d, "e": part_e, "t": part_t}
"""(f) first: a cold start is measured on a quiet machine, not in the wake of the others' load."""


async def main(args: argparse.Namespace) -> None:
    plan = QUICK if args.quick else Plan()
    # A baseline stopped with calls in flight makes the stand-in's server log each lost connection.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    print(
        f"{time.strftime('%Y-%m-%d')} {platform.node()}: {os.cpu_count()} cores, load generator on the "
        f"same cores; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in args.parts or list(PARTS):
            await PARTS[name](folder, plan)
    print(f"\n{time.monotonic() - began:.0f} s in all\n")
    print("| | measured | hotline | bare baseline, same run | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in ROWS:
        print(f"| {r.part} | {r.measured} | {r.hotline} | {r.baseline} | {r.ratio} | {r.target} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="every part shorter and smaller")
    parser.add_argument("parts", nargs="*", help=f"only these parts, of {', '.join(PARTS)}")
    arguments = parser.parse_args()
    if unknown := set(arguments.parts) - set(PARTS):
        parser.error(f"no such part: {', '.join(sorted(unknown))}")
    asyncio.run(main(arguments))
