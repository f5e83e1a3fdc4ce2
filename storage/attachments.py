"""Attachments of a story: sealed originals (evidence) and sealed display copies."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
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
    ) -> Attachment:
        existing = await self.by_source(source_key)
        if existing is not None:
            return existing
        ref = "att-" + secrets.token_hex(12)
        display = None
        if kind == "photo":
            try:
                display = self.keyring.seal(display_copy(data), _context(ref, "display"))
            except ImageRejected:
                display = None
        attachment = Attachment(
            ref=ref,
            source_key=source_key,
            conversation_key=conversation_key,
            kind=kind,
            mime=mime[:80],
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
