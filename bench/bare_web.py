"""The bare baseline for the web chat: Starlette + SQLAlchemy (async), one endpoint that reads and
writes one row in one transaction, on the same kind of database as the hotline under test.

``POST /send`` with ``{"client": ..., "text": ...}``: read the client's row, count the message,
answer JSON. No conversation, no encryption, no limits: the least a chat endpoint that remembers
anything costs.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import String, event, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.baseline import serve_baseline

URL = os.environ["BENCH_DATABASE_URL"]
engine = create_async_engine(URL)
sessions = async_sessionmaker(engine, expire_on_commit=False)

if URL.startswith("sqlite"):

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class Base(DeclarativeBase):
    pass


class Chat(Base):
    __tablename__ = "bare_chats"
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    messages: Mapped[int]
    last: Mapped[str] = mapped_column(String(4000))


async def send(request: Request) -> Response:
    body = await request.json()
    async with sessions() as session, session.begin():
        chat = await session.scalar(select(Chat).where(Chat.client == body["client"]))
        if chat is None:
            chat = Chat(client=body["client"], messages=0, last="")
            session.add(chat)
        chat.messages += 1
        chat.last = str(body.get("text", ""))[:4000]
        count = chat.messages
    return JSONResponse({"replies": [{"text": f"#{count}", "options": []}]})


async def healthz(request: Request) -> Response:
    return Response("ok")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


app = Starlette(
    routes=[Route("/send", send, methods=["POST"]), Route("/healthz", healthz)], lifespan=lifespan
)

if __name__ == "__main__":
    serve_baseline(app)
