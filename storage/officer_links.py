"""Linking an officer's Telegram account with a one-time code (only the code's keyed hash kept)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import ON_ROSTER, AuditAction, Door
from storage import audit
from storage.crypto import Keyring
from storage.models import LinkCode, Officer, OfficerLink

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=24)
CHANNEL = "telegram-officer"


def officer_chat_context(officer_id: int) -> str:
    return f"officer-chat:{officer_id}"


def _code_hash(keyring: Keyring, code: str) -> str:
    return keyring.pseudonym("link-code", code.replace("-", "").replace(" ", "").upper())


def chat_key(keyring: Keyring, chat_id: int | str) -> str:
    return keyring.pseudonym(CHANNEL, str(chat_id))


async def issue_code(session: AsyncSession, keyring: Keyring, officer: Officer, now: datetime) -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        LinkCode(
            officer_id=officer.id,
            code_hash=_code_hash(keyring, code),
            expires_at=now + CODE_LIFETIME,
        )
    )
    await audit.record(
        session, action=AuditAction.LINK_CODE_ISSUED, actor=Door.CLI, officer_id=officer.id, now=now
    )
    await session.flush()
    return f"{code[:4]}-{code[4:]}"


async def redeem(
    session: AsyncSession, keyring: Keyring, code: str, chat_id: int, now: datetime
) -> Officer | None:
    row = await session.scalar(select(LinkCode).where(LinkCode.code_hash == _code_hash(keyring, code)))
    if row is None or row.used_at is not None or row.expires_at < now:
        return None
    officer = await session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        return None
    row.used_at = now
    key = chat_key(keyring, chat_id)
    for stale in (
        await session.scalars(
            select(OfficerLink).where((OfficerLink.officer_id == officer.id) | (OfficerLink.chat_key == key))
        )
    ).all():
        await session.delete(stale)
    await session.flush()
    session.add(
        OfficerLink(
            officer_id=officer.id,
            chat_key=key,
            sealed_chat=keyring.seal(str(chat_id).encode(), officer_chat_context(officer.id)),
            linked_at=now,
        )
    )
    await audit.record(
        session, action=AuditAction.TELEGRAM_LINKED, actor=Door.TELEGRAM, officer_id=officer.id, now=now
    )
    await session.flush()
    return officer


async def linked_officer(session: AsyncSession, keyring: Keyring, chat_id: int) -> Officer | None:
    link = await session.scalar(select(OfficerLink).where(OfficerLink.chat_key == chat_key(keyring, chat_id)))
    if link is None:
        return None
    officer = await session.get(Officer, link.officer_id)
    return officer if officer is not None and officer.active else None


async def links_of_unit(
    session: AsyncSession, keyring: Keyring, unit_id: int
) -> Sequence[tuple[Officer, OfficerLink, str]]:
    """Linked, active officers and supervisors of a unit, with their chat ids."""
    statement = (
        select(Officer, OfficerLink)
        .join(OfficerLink, OfficerLink.officer_id == Officer.id)
        .where(Officer.unit_id == unit_id, Officer.active.is_(True))
        .where(Officer.role.in_(ON_ROSTER))
        .order_by(Officer.id)
    )
    rows = (await session.execute(statement)).all()
    return [
        (officer, link, keyring.open(link.sealed_chat, officer_chat_context(officer.id)).decode())
        for officer, link in rows
    ]
