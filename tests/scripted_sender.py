"""A sender whose calls a test scripts, and what tests do with it: queue messages for one chat,
read the outbox, start and stop the sender."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.hotline import Hotline
from bot.outbox_sender import OutboxSender, Outcome, Result
from bot.pacing import Pacer
from flows.vocabulary import Channel
from storage.models_delivery import OutboxMessage
from storage.outbox import Claimed, Outbox, Outgoing
from tests.waiting import until

CHAT = "chat-handover"
WITHIN = 10.0


class Scripted(OutboxSender):
    """Records each call; a call waits while its text is held, and fails while it is refused."""

    channel = Channel.TELEGRAM
    hands_over = True

    def __init__(self, hotline: Hotline) -> None:
        super().__init__(hotline, Pacer(0.0))
        self.calls: list[str] = []
        self.held: dict[str, asyncio.Event] = {}
        self.refused: set[str] = set()
        self.faulty: set[str] = set()
        """Texts whose call raises instead of answering (a fault past the channel's own handling)."""

    async def deliver(self, message: Claimed) -> Result:
        text = str(message.params["text"])
        if text in self.held:
            await self.held[text].wait()
        self.calls.append(text)
        if text in self.faulty:
            raise RuntimeError("unexpected")
        if text in self.refused:
            return Result(Outcome.RETRY, "500")
        return Result(Outcome.SENT)


async def queue(hotline: Hotline, *texts: str) -> None:
    async with hotline.sessions() as session, session.begin():
        messages = [Outgoing(Channel.TELEGRAM, CHAT, "sendMessage", {"text": t}) for t in texts]
        await Outbox(session, hotline.keyring).put_many(messages, hotline.runtime.clock())


async def rows(hotline: Hotline) -> list[OutboxMessage]:
    async with hotline.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def started(hotline: Hotline, concurrency: int = 64) -> tuple[Scripted, asyncio.Task[None]]:
    sender = Scripted(hotline)
    sender.backoff_base = 0.2
    sender.concurrency = concurrency
    running = asyncio.create_task(sender.run())
    await until(lambda: sender._unhand is not None, WITHIN)
    return sender, running


async def stopped(sender: Scripted, running: asyncio.Task[None]) -> None:
    running.cancel()
    await sender.stop()
