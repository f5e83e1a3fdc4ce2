"""Browsers on the web chat in a closed loop: each files whole reports one after another through the
JSON endpoints the page uses (each request waits for the previous answer), timed per request. The
bare baseline gets the same number of clients posting one message after another."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from typing import Any

import httpx

from bench.telegram_load import Result
from tests.webchat_client import answer_report

STORY = "Anak tetangga sering dipukul ayahnya, kemarin sampai memar di tangan."


class Browser:
    """One reporter's tab; its own address (behind the trusted proxy) so per-address limits apply
    to it as they would to a real visitor."""

    def __init__(self, base: str, address: str, result: Result):
        self.http = httpx.AsyncClient(base_url=base, headers={"X-Forwarded-For": address}, timeout=60)
        self.result = result
        self.client = ""
        self.question = ""
        self.options: list[str] = []

    async def close(self) -> None:
        await self.http.aclose()

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        response = await self.http.post(path, json=body)
        self.result.latencies.append(time.perf_counter() - began)
        if response.status_code != 200:
            self.result.errors += 1
            raise RuntimeError(f"{path}: {response.status_code}")
        self.result.messages += 1
        data: dict[str, Any] = response.json()
        for reply in data.get("replies", []):
            self.question = reply.get("question") or self.question
            self.options = [o["id"] for o in reply.get("options", [])]
        return data

    async def tap(self, option: str | None = None) -> None:
        choice = option if option is not None else self.options[0]
        await self.post("/chat/send", {"client": self.client, "choice": choice, "question": self.question})

    async def say(self, text: str) -> None:
        await self.post("/chat/send", {"client": self.client, "text": text})

    async def report(self) -> None:
        """The same whole report as the Telegram bench: menu, every question, submitted. Each in
        a new conversation, as a new reporter would (one conversation making report after report
        runs into the per-conversation limit within seconds, as a flood should)."""
        self.client = (await self.post("/chat/start", {}))["client"]
        await self.post("/chat/resume", {"client": self.client})
        await answer_report(self, STORY)
        self.result.reports += 1


_addresses = itertools.count(1)


def address() -> str:
    n = next(_addresses)
    return f"127.1.{n // 250}.{n % 250 + 1}"


async def reports_loop(base: str, browsers: int, seconds: float) -> Result:
    result = Result()
    stop_at = time.monotonic() + seconds

    async def one() -> None:
        browser = Browser(base, address(), result)
        try:
            while time.monotonic() < stop_at:
                await browser.report()
        except RuntimeError:
            pass
        finally:
            await browser.close()

    began = time.monotonic()
    await asyncio.gather(*(one() for _ in range(browsers)))
    result.elapsed = time.monotonic() - began
    return result


async def bare_loop(base: str, clients: int, seconds: float) -> Result:
    result = Result()
    stop_at = time.monotonic() + seconds

    async def one() -> None:
        browser = Browser(base, address(), result)
        client = uuid.uuid4().hex
        try:
            while time.monotonic() < stop_at:
                await browser.post("/send", {"client": client, "text": STORY})
        finally:
            await browser.close()

    began = time.monotonic()
    await asyncio.gather(*(one() for _ in range(clients)))
    result.elapsed = time.monotonic() - began
    return result
