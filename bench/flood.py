"""A password flood beside the people the hotline serves: 20 web chat reporters file whole reports
while 8 clients post wrong console passwords as fast as the server answers; the reporters' latency
is measured first without the flood, then with it, in the same run against the same server.

The flood is the worst kind: a botnet behind a trusted proxy (a new ``X-Forwarded-For`` address
for almost every attempt) trying made-up names and the real admin's, so per-address and
per-account limits hardly apply and almost every attempt costs a password hash (Argon2, or the
dummy hash run for unknown names so they answer in the same time). What protects the reporters is
that the hashes run on a small, bounded pool of worker threads, never on the event loop.

Reporters think ``--think`` seconds between messages (a person typing); server CPU-seconds per
reporter message are shown beside the throughput, since the load generator shares the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quantile import quantile
from bench.servers import HOTLINE, SECRET_KEY, Server, clean_env
from tests.typed_report import typed_report

REPORT = typed_report("Sering dipukul pakai gagang sapu oleh pamannya.", landmark="dekat warung")
"""A whole report, typed (16 requests with /chat/start and /chat/resume)."""


@dataclass
class Phase:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    reports: int = 0
    errors: int = 0
    cpu: float = 0.0
    attempts: collections.Counter[int] = field(default_factory=collections.Counter)

    def p(self, q: float) -> float:
        return quantile(self.latencies, q) * 1000

    def describe(self, name: str) -> str:
        messages = len(self.latencies)
        cpu = self.cpu / messages * 1000 if messages else float("nan")
        flood = ""
        if self.attempts:
            total = sum(self.attempts.values())
            answers = ", ".join(f"{code}: {n}" for code, n in sorted(self.attempts.items()))
            flood = f"; flood {total / self.seconds:,.0f} attempts/s ({answers})"
        return (
            f"{name}: reporters {messages / self.seconds:,.1f} msgs/s, p50 {self.p(0.5):,.0f} ms,"
            f" p99 {self.p(0.99):,.0f} ms, {self.reports} whole reports, errors {self.errors},"
            f" server CPU {cpu:.1f} ms/reporter msg (all work){flood}"
        )


async def reporter(base: str, number: int, until: float, think: float, phase: Phase) -> None:
    headers = {"X-Forwarded-For": f"10.20.{number}.1"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:

        async def post(path: str, body: dict[str, str]) -> dict[str, object] | None:
            began = time.perf_counter()
            response = await http.post(path, json=body)
            phase.latencies.append(time.perf_counter() - began)
            if response.status_code != 200:
                phase.errors += 1
                return None
            data: dict[str, object] = response.json()
            return data

        while time.monotonic() < until:
            started = await post("/chat/start", {})
            if started is None:
                await asyncio.sleep(think)
                continue
            client = str(started["client"])
            await post("/chat/resume", {"client": client})
            for text in REPORT:
                await asyncio.sleep(think)
                if time.monotonic() >= until:
                    return
                answer = await post("/chat/send", {"client": client, "text": text})
                if answer is not None and text == REPORT[-1] and "PKSAI-" in str(answer):
                    phase.reports += 1


async def flooder(base: str, number: int, until: float, phase: Phase) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        page = await http.get("/admin/login")
        found = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
        assert found is not None, page.text
        cookie = f"csrftoken={page.cookies['csrftoken']}"
        attempt = 0
        while time.monotonic() < until:
            attempt += 1
            name = "admin" if attempt % 8 == 0 else f"tamu-{number}-{attempt}"
            headers = {
                "Cookie": cookie,
                "X-Forwarded-For": f"172.{16 + number}.{attempt // 250 % 250}.{attempt % 250}",
            }
            form = {"csrftoken": found.group(1), "username": name, "password": f"salah-{attempt}"}
            response = await http.post("/admin/login", data=form, headers=headers)
            phase.attempts[response.status_code] += 1


async def run_phase(server: Server, args: argparse.Namespace, flood: bool) -> Phase:
    phase = Phase(args.seconds)
    until = time.monotonic() + args.seconds
    cpu = server.cpu_seconds()
    work = [reporter(server.url, n, until, args.think, phase) for n in range(args.reporters)]
    if flood:
        work += [flooder(server.url, n, until, phase) for n in range(args.flooders)]
    await asyncio.gather(*work)
    phase.cpu = server.cpu_seconds() - cpu
    return phase


async def main(args: argparse.Namespace) -> None:
    print(f"{time.strftime('%Y-%m-%d')} {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = clean_env(
            HOTLINE_DATABASE_URL=f"sqlite+aiosqlite:///{folder}/flood.db",
            HOTLINE_SECRET_KEY=SECRET_KEY,
            HOTLINE_TRUSTED_PROXIES="127.0.0.1",
            HOTLINE_LOG_LEVEL="WARNING",
        )
        argv = [HOTLINE, "user", "add", "--username", "admin", "--role", "admin"]
        await asyncio.to_thread(subprocess.run, argv, env=env, cwd=folder, check=True, capture_output=True)
        server = await Server([HOTLINE, "--log-level", "WARNING", "serve"], env, folder).start()
        try:
            quiet = await run_phase(server, args, flood=False)
            flooded = await run_phase(server, args, flood=True)
        finally:
            server.stop()
    print(quiet.describe(f"{args.reporters} reporters, no flood"))
    print(flooded.describe(f"{args.reporters} reporters, {args.flooders} flooders"))
    ratio = flooded.p(0.99) / quiet.p(0.99)
    print(f"flood: reporters' p99 with / without the flood: {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reporters", type=int, default=20)
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.5, help="seconds between a reporter's messages")
    asyncio.run(main(parser.parse_args()))
