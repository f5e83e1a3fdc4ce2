"""Attachments of a story: sealed originals (evidence) and sealed display copies.

The type kept is the one the content shows (storage/file_types.py), not the one the sender
claimed; only content that sniffs as an image gets a display copy (re-encoded, metadata gone).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.file_types import sniff
from storage.images import ImageRejected, display_copy
from storage.models import Attachment


def _context(ref: str, part: str) -> str:
    return f"attachment:{ref}:{part}"


class AttachmentStore:
    def __init__(self, session: AsyncSession, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    async def by_source(self, source_key: str) -> Attachment | None:
        return await self.session.scalar(select(Attachment).where(Attachment.source_key == source_key))

    async def add(
        self,
        *,
        source_key: str,
        conversation_key: str,
        kind: str,
        mime: str,
        data: bytes,
        now: datetime,
        display_copy_made: bytes | None = None,
    ) -> Attachment:
        """Keep a received file. ``mime`` is what the sender claimed; it is not trusted and not
        kept: the stored type comes from the content. ``display_copy_made``: a copy already decoded
        off the event loop (web chat uploads)."""
        existing = await self.by_source(source_key)
        if existing is not None:
            return existing
        ref = "att-" + secrets.token_hex(12)
        display = None
        found = sniff(data)
        if display_copy_made is not None and found.is_image:
            display = self.keyring.seal(display_copy_made, _context(ref, "display"))
        elif found.is_image:
            try:
                display = self.keyring.seal(display_copy(data), _context(ref, "display"))
            except ImageRejected:
                display = None
        attachment = Attachment(
            ref=ref,
            source_key=source_key,
            conversation_key=conversation_key,
            kind=kind,
            mime=found.mime,
            size=len(data),
            original=self.keyring.seal(data, _context(ref, "original")),
            display=display,
            created_at=now,
        )
        self.session.add(attachment)
        await self.session.flush()
        return attachment

    def original(self, attachment: Attachment) -> bytes:
        return self.keyring.open(attachment.original, _context(attachment.ref, "original"))

    def display(self, attachment: Attachment) -> bytes | None:
        if attachment.display is None:
            return None
        return self.keyring.open(attachment.display, _context(attachment.ref, "display"))

    async def attach_to_report(self, refs: list[str], report_id: int) -> None:
        if refs:
            statement = update(Attachment).where(Attachment.ref.in_(refs)).values(report_id=report_id)
            await self.session.execute(statement)
