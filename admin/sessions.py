"""Server-side console sessions: revocable, idle-limited, and never older than 12 hours.

The cookie carries a random token; the database keeps only its SHA-256, so a copy of the database
cannot be turned into a signed-in browser.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConsoleSession, Officer

COOKIE = "hotline_console"
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, officer: Officer, now: datetime, *, pending_totp: bool) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=_hash(token),
            officer_id=officer.id,
            created_at=now,
            last_seen_at=now,
            pending_totp=pending_totp,
        )
    )
    await session.flush()
    return token


async def find(
    session: AsyncSession, token: str | None, now: datetime
) -> tuple[ConsoleSession, Officer] | None:
    """The live session of a cookie (touched), or None if missing, revoked, idle or too old."""
    if not token:
        return None
    row = await session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    if now - row.last_seen_at > IDLE_LIMIT or now - row.created_at > ABSOLUTE_LIMIT:
        row.revoked_at = now
        return None
    officer = await session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        return None
    row.last_seen_at = now
    return row, officer


async def revoke(session: AsyncSession, row: ConsoleSession, now: datetime) -> None:
    row.revoked_at = now


async def revoke_all(session: AsyncSession, officer_id: int, now: datetime) -> None:
    await session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.officer_id == officer_id, ConsoleSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
