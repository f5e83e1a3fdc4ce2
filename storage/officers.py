"""Console accounts. Passwords are hashed with Argon2id (argon2-cffi), never stored or logged."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import AuditAction, Door, Role
from storage import audit
from storage.models import Officer, Unit

ROLES = tuple(role.value for role in Role)
USERNAME = re.compile(r"[A-Za-z0-9._-]{2,64}")
HASHER = PasswordHasher()


def totp_context(officer: Officer) -> str:
    """Binds an officer's sealed TOTP secret to their row."""
    return f"totp:{officer.id}"


class OfficerError(ValueError):
    pass


async def count_officers(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Officer)) or 0)


async def add_officer(
    session: AsyncSession, username: str, display_name: str, unit_code: str, role: str, password: str
) -> Officer:
    if role not in ROLES:
        raise OfficerError(f"role must be one of {', '.join(ROLES)}")
    if not USERNAME.fullmatch(username):
        raise OfficerError("a username is 2–64 letters, digits, '.', '_' or '-'")
    if not display_name.strip() or len(display_name) > 120:
        raise OfficerError("a display name is 1–120 characters")
    unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise OfficerError(f"no unit with code {unit_code!r}")
    if await session.scalar(select(Officer).where(Officer.username == username)):
        raise OfficerError(f"username {username!r} is taken")
    now = datetime.now(UTC)
    officer = Officer(
        unit_id=unit.id,
        username=username,
        display_name=display_name,
        role=role,
        password_hash=HASHER.hash(password),
        active=True,
        created_at=now,
    )
    session.add(officer)
    await session.flush()
    await audit.record(
        session,
        action=AuditAction.USER_CREATED,
        actor=Door.CLI,
        now=now,
        detail={"officer": officer.id, "role": role},
    )
    return officer
