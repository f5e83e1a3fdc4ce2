"""The Bot API client alone: CPU per python-telegram-bot call with many sends in flight, through the
hotline's connections (``SpreadTransport``: eight pools of eight) and through the library's default
(one httpx pool of 64), in one process, rounds alternating.

``client_cpu`` runs this module in a subprocess against the Bot API stand-in in the caller's
process, so the subprocess's CPU time is the client's alone; it prints one JSON line, seconds of
CPU per call for each.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from bench.servers import ROOT
from bot.spread_transport import SpreadTransport
from bot.telegram.calls import call
from tests.botapi import TOKEN, FakeBotAPI

CONNECTIONS = 64
IN_FLIGHT = 50
ROUNDS = 3
KEYBOARD = {"inline_keyboard": [[{"text": f"Pilihan {i}", "callback_data": f"q|s|{i}"}] for i in range(5)]}


def make(url: str, token: str, spread: bool) -> Bot:
    extra: dict[str, Any] = {"transport": SpreadTransport(CONNECTIONS)} if spread else {}
    request = HTTPXRequest(connection_pool_size=CONNECTIONS, pool_timeout=10, httpx_kwargs=extra)
    return Bot(token, base_url=f"{url}/bot", request=request)


async def calls(bot: Bot, count: int) -> float:
    """CPU seconds per call for ``count`` sends, ``IN_FLIGHT`` at a time, to as many chats."""
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> None:
        async with slots:
            chat = 1000 + i % IN_FLIGHT
            await call(bot, "sendMessage", {"chat_id": chat, "text": "Umur anak?", "reply_markup": KEYBOARD})

    began = time.process_time()
    await asyncio.gather(*(one(i) for i in range(count)))
    return (time.process_time() - began) / count


async def main(url: str, token: str, count: int) -> None:
    bots = {"spread": make(url, token, True), "one_pool": make(url, token, False)}
    spent: dict[str, list[float]] = {name: [] for name in bots}
    for bot in bots.values():
        await bot.initialize()
        await calls(bot, IN_FLIGHT * 4)  # connections open, caches warm
    for _ in range(ROUNDS):
        for name, bot in bots.items():
            spent[name].append(await calls(bot, count))
    for bot in bots.values():
        await bot.shutdown()
    print(json.dumps({name: sorted(values)[len(values) // 2] for name, values in spent.items()}))


async def client_cpu(count: int) -> dict[str, float]:
    api = await FakeBotAPI().start()
    try:
        argv = [sys.executable, "-m", "bench.transport", api.url, TOKEN, str(count)]
        process = await asyncio.create_subprocess_exec(*argv, cwd=ROOT, stdout=subprocess.PIPE)
        out, _ = await process.communicate()
    finally:
        await api.stop()
    spent: dict[str, float] = json.loads(out)
    return spent


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
