"""Server processes for the benchmark: ``hotline serve`` and the bare baselines, each a real
subprocess listening on its own port, with its CPU time read from the operating system."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
HOTLINE = str(ROOT / ".venv" / "bin" / "hotline")
WEBHOOK_SECRET = "bench-webhook-secret"
SECRET_KEY = "benchmark-secret-key-0123456789-abcdefghij"
POSTGRES = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(values)
    return env


@dataclass
class Server:
    argv: list[str]
    env: dict[str, str]
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started_in: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, ready_path: str = "/healthz", within: float = 60.0) -> Server:
        env = {**self.env, "HOTLINE_PORT": str(self.port), "BENCH_PORT": str(self.port)}
        log = (self.folder / f"server-{self.port}.log").open("ab")
        began = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: ASYNC220 - started once, not in a hot path
            self.argv, env=env, cwd=self.folder, stdout=log, stderr=log
        )
        async with httpx.AsyncClient() as client:
            while time.perf_counter() - began < within:
                try:
                    if (await client.get(self.url + ready_path, timeout=1)).status_code == 200:
                        self.started_in = time.perf_counter() - began
                        return self
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.02)
        raise RuntimeError(f"{self.argv} did not start; see {self.folder}")

    def cpu_seconds(self) -> float:
        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def rss_mb(self) -> float:
        assert self.process is not None
        return float(psutil.Process(self.process.pid).memory_info().rss) / 2**20

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def hotline_server(folder: Path, database_url: str, api_url: str, token: str, **extra: str) -> Server:
    env = clean_env(
        HOTLINE_DATABASE_URL=database_url,
        HOTLINE_SECRET_KEY=SECRET_KEY,
        HOTLINE_TELEGRAM_TOKEN=token,
        HOTLINE_TELEGRAM_API_URL=api_url,
        HOTLINE_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        HOTLINE_LOG_LEVEL="WARNING",
        **extra,
    )
    return Server([HOTLINE, "--log-level", "WARNING", "serve"], env, folder)


def python_server(folder: Path, module: str, **env: str) -> Server:
    return Server([sys.executable, "-m", module], clean_env(PYTHONPATH=str(ROOT), **env), folder)


def profile(server: Server, seconds: float) -> subprocess.Popen[bytes] | None:
    """``BENCH_PROFILE=out.txt``: sample the server with py-spy while it is under load."""
    target = os.environ.get("BENCH_PROFILE")
    if not target or server.process is None:
        return None
    spy = str(Path(sys.executable).with_name("py-spy"))
    argv = [spy, "record", "--pid", str(server.process.pid), "--duration", str(int(seconds)), "--gil"]
    return subprocess.Popen([*argv, "--format", "raw", "--output", target, "--nonblocking"])


def cpu_of(servers: list[Server]) -> float:
    return sum(s.cpu_seconds() for s in servers)


def machine_idle() -> tuple[float, float]:
    """Idle and total CPU seconds of all cores since boot: with the load generator, the database
    and the servers on the same cores, how busy the machine was says whether more could run."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return idle, sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str | None]:
    """A throwaway database on the test server, dropped afterwards; None when unreachable."""
    import asyncpg

    name = f"hotline_bench_{uuid.uuid4().hex[:10]}"
    try:
        connection = await asyncpg.connect(POSTGRES, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"  PostgreSQL at {POSTGRES} unreachable ({type(exc).__name__}): (e) skipped")
        yield None
        return
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        yield f"{base}/{name}"
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()
