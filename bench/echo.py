"""The bare baseline for Telegram: a python-telegram-bot echo webhook, nothing else.

Starlette + uvicorn, ``Update.de_json``, one ``send_message`` per update to the same Bot API
stand-in, the 200 given before the reply is sent (the library's own examples do the same). No
database, no inbox, no outbox: what the transport alone costs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bench.baseline import serve_baseline

API = os.environ["BENCH_API_URL"].rstrip("/")
bot = Bot(
    os.environ["BENCH_TOKEN"],
    base_url=f"{API}/bot",
    base_file_url=f"{API}/file/bot",
    request=HTTPXRequest(connection_pool_size=64),
)
tasks: set[asyncio.Task[None]] = set()


async def reply(update: Update) -> None:
    if update.effective_chat is None:
        return
    message = update.effective_message
    text = (message.text if message else None) or (
        update.callback_query.data if update.callback_query else ""
    )
    await bot.send_message(update.effective_chat.id, text or "?")


async def webhook(request: Request) -> Response:
    update = Update.de_json(await request.json(), bot)
    task = asyncio.create_task(reply(update))
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return Response()


async def healthz(request: Request) -> Response:
    return Response("ok")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    await bot.initialize()
    yield
    await bot.shutdown()


app = Starlette(
    routes=[Route("/webhook/telegram", webhook, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)

if __name__ == "__main__":
    serve_baseline(app)
