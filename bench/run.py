"""``make bench``: the hotline end to end beside bare baselines, in one run, as ratios.

(a) whole Telegram reports through the real webhook vs a bare python-telegram-bot echo webhook,
both answering to the same in-process Bot API stand-in; (b, c) a burst of /start from thousands of
chats against a stand-in that enforces Telegram's limits; (d) web chat whole reports vs a bare
Starlette + SQLAlchemy endpoint on the same database; (e) PostgreSQL with one and two server
processes; (f) cold start and idle memory. Server CPU-seconds per message are shown beside each
throughput: the load generator shares the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import WEBHOOK_SECRET, Server, cpu_of, hotline_server, python_server
from bench.telegram_load import Result, closed_loop
from tests.botapi import TOKEN, FakeBotAPI

UNPACED = {"HOTLINE_TELEGRAM_RATE": "0", "HOTLINE_TELEGRAM_CHAT_RATE": "0"}


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]


def describe(name: str, result: Result) -> str:
    per_message = result.cpu / result.messages * 1000 if result.messages else float("nan")
    return (
        f"{name}: {result.rate:,.1f} msgs/s, first reply p50 {quantile(result.latencies, 0.5) * 1000:,.0f} ms"
        f" p99 {quantile(result.latencies, 0.99) * 1000:,.0f} ms, {result.reports} whole reports,"
        f" server CPU {per_message:.1f} ms/msg, errors {result.errors}"
    )


def profile(server: Server, seconds: float) -> subprocess.Popen[bytes] | None:
    """``BENCH_PROFILE=out.txt``: sample the server with py-spy while it is under load."""
    target = os.environ.get("BENCH_PROFILE")
    if not target or server.process is None:
        return None
    argv = ["py-spy", "record", "--pid", str(server.process.pid), "--duration", str(int(seconds))]
    return subprocess.Popen([*argv, "--format", "raw", "--output", target, "--nonblocking"])


async def part_a(folder: Path, database_url: str, reporters: int, seconds: float) -> dict[str, Result]:
    api = await FakeBotAPI().start()
    results: dict[str, Result] = {}
    try:
        echo = await python_server(folder, "bench.echo", BENCH_API_URL=api.url, BENCH_TOKEN=TOKEN).start()
        try:
            cpu = echo.cpu_seconds()
            result = await closed_loop(api, [echo.url], WEBHOOK_SECRET, reporters, seconds, True, 10_000)
            result.cpu = echo.cpu_seconds() - cpu
            results["echo"] = result
        finally:
            echo.stop()
        hotline = await hotline_server(folder, database_url, api.url, TOKEN, **UNPACED).start()
        try:
            profiler = profile(hotline, seconds)
            cpu = cpu_of([hotline])
            result = await closed_loop(api, [hotline.url], WEBHOOK_SECRET, reporters, seconds, False, 20_000)
            result.cpu = cpu_of([hotline]) - cpu
            results["hotline"] = result
            if profiler is not None:
                profiler.wait()
        finally:
            hotline.stop()
    finally:
        await api.stop()
    return results


async def main(args: argparse.Namespace) -> None:
    print(f"{time.strftime('%Y-%m-%d')} {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        results = await part_a(folder, url, args.reporters, args.seconds)
        for name, result in results.items():
            print(describe(name, result))
        ratio = results["hotline"].rate / results["echo"].rate
        print(f"(a) hotline / echo: {ratio:.0%} (target >= 25%)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    asyncio.run(main(parser.parse_args()))
