"""One round of a messenger's inbox, the same for every channel.

Claim the next update a conversation may have (in order), then either handle it — replies to the
outbox, update marked done, one transaction — or, when it carries media not yet stored, download
that first *outside* any transaction (no lock held during a download) and come back to it. A
failing update is retried a few times, then set aside, so it cannot block its conversation.
"""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.hotline import Hotline
from storage.inbox import Inbox
from storage.models import InboxUpdate

log = logging.getLogger(__name__)
Item = TypeVar("Item")
Download = TypeVar("Download")


class InboxWorker(Generic[Item, Download]):
    channel: str

    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.keyring = hotline.settings.keyring

    def read(self, payload: Any) -> Item:
        raise NotImplementedError

    async def needs_download(self, session: AsyncSession, row: InboxUpdate, item: Item) -> Download | None:
        raise NotImplementedError

    async def download(self, job: Download) -> None:
        raise NotImplementedError

    async def handle(self, session: AsyncSession, row: InboxUpdate, item: Item) -> None:
        raise NotImplementedError

    def set_aside(self, item: Item) -> str | None:
        """Why an update is done without effect (recorded as its error), or None."""
        return None

    def handled(self) -> None:
        """After a round: wake whoever sends what the round queued."""

    async def run_once(self) -> bool:
        """Handle (or prepare) the next pending update; False when there is none."""
        job: Download | None = None
        inbox_id: int | None = None
        try:
            async with self.hotline.sessions() as session, session.begin():
                inbox = Inbox(session, self.keyring)
                row = await inbox.claim(self.channel)
                if row is None:
                    return False
                inbox_id = row.id
                item = self.read(inbox.payload(row))
                job = await self.needs_download(session, row, item)
                if job is None:
                    await self.handle(session, row, item)
                    inbox.done(row, self.hotline.runtime.clock(), error=self.set_aside(item))
        except Exception as exc:
            if inbox_id is None:
                raise
            await self.failed(inbox_id, exc)
            return True
        if job is not None:
            await self.download(job)
        self.handled()
        return True

    async def failed(self, inbox_id: int, exc: Exception) -> None:
        log.error("%s update failed (%s)", self.channel, type(exc).__name__)
        async with self.hotline.sessions() as session, session.begin():
            await Inbox(session, self.keyring).failed(
                inbox_id, type(exc).__name__, self.hotline.runtime.clock()
            )
