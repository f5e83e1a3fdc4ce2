"""Waking senders at once instead of letting them poll: inside a process, when a transaction that
queued messages commits; across processes on PostgreSQL, when another process has settled the
chats' earlier messages (LISTEN/NOTIFY).

Another process used to learn only from its next poll, up to a second later: a reply queued in
one process behind a message that another process was still sending waited that long. Now the
process that settles announces which chats it settled (a NOTIFY, delivered when its transaction
commits), and a sender that one of those chats was holding up goes at once. The poll stays as
the fallback: a lost announcement or a dropped listening connection costs the old second, no more.
SQLite serves from one process, so nothing is announced and nothing listened for.

The announcement names chats by their conversation keys (pseudonyms, as stored in the outbox),
never their content.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from storage.senders_here import PerChannel

log = logging.getLogger(__name__)

TOPIC = "hotline_outbox_settled"
MAX_PAYLOAD = 7000
"""Bytes; PostgreSQL refuses a payload of 8000 or more. Longer lists are announced as "any"."""
RECONNECT_SECONDS = 1.0
_NOTIFY = text("SELECT pg_notify(:topic, :payload)")

_WAKERS: PerChannel[Callable[[], None]] = PerChannel()
_QUEUED = "outbox_channels"


def on_commit(bind: Any, channel: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` whenever a transaction in this process on ``bind`` (the database's sync
    engine) that queued a message for ``channel`` commits (the sender wakes at once instead of
    polling); returns the undo."""
    return _WAKERS.add(bind, channel, callback)


def queued(session: AsyncSession, channels: Collection[str]) -> None:
    """This transaction queued messages for ``channels``: their senders wake when it commits."""
    session.info.setdefault(_QUEUED, set()).update(channels)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for channel in session.info.pop(_QUEUED, ()):
        for callback in list(_WAKERS.get(session.get_bind(), channel)):
            callback()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


Heard = Callable[[frozenset[str] | None], None]
"""Called with the chats another process settled; None when there were too many to name."""


def announces(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def announce_settled(session: AsyncSession, channel: str, destinations: Collection[str]) -> None:
    """Tell the other processes, when this transaction commits, that these chats moved on."""
    if not destinations or session.get_bind().dialect.name != "postgresql":
        return
    payload = json.dumps({"channel": channel, "destinations": sorted(destinations)})
    if len(payload.encode()) > MAX_PAYLOAD:
        payload = json.dumps({"channel": channel, "destinations": None})
    await session.execute(_NOTIFY, {"topic": TOPIC, "payload": payload})


async def listen_for_settled(
    engine: AsyncEngine, channel: str, heard: Heard, listening: asyncio.Event | None = None
) -> None:
    """Until cancelled, call ``heard`` with what any process settles on ``channel``. Holds one
    connection of the pool; if it drops, listens again after a pause (polling covers the gap)."""

    def on_notify(_connection: Any, _pid: int, _topic: str, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("channel") == channel:
            named = data.get("destinations")
            heard(frozenset(named) if isinstance(named, list) else None)

    listening = listening or asyncio.Event()
    any_chat = json.dumps({"channel": channel, "destinations": None})
    while True:
        try:
            await _listen_until_lost(engine, on_notify, listening, any_chat)
        except Exception as exc:
            log.warning("%s outbox: not hearing other processes (%s); polling", channel, type(exc).__name__)
        listening.clear()
        await asyncio.sleep(RECONNECT_SECONDS)


async def _listen_until_lost(
    engine: AsyncEngine, on_notify: Any, listening: asyncio.Event, any_chat: str
) -> None:
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        lost = asyncio.Event()
        driver.add_termination_listener(lambda _connection: lost.set())
        await driver.add_listener(TOPIC, on_notify)
        listening.set()
        on_notify(None, 0, TOPIC, any_chat)  # what was settled while nobody listened: look again
        try:
            await lost.wait()
        finally:
            if not driver.is_closed():
                await driver.remove_listener(TOPIC, on_notify)
