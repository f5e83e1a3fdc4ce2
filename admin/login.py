"""Password and two-factor checks, with per-account lockout after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.models import Officer
from storage.officers import HASHER

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
# Verifying against this when the username is unknown keeps the answer time the same.
_DUMMY_HASH = HASHER.hash("not-a-real-password")


@dataclass(frozen=True)
class LoginResult:
    outcome: Literal["ok", "invalid", "locked"]
    officer: Officer | None = None


async def check_password(session: AsyncSession, username: str, password: str, now: datetime) -> LoginResult:
    officer = await session.scalar(select(Officer).where(Officer.username == username.strip()))
    if officer is None or not officer.active:
        _verify(_DUMMY_HASH, password)
        return LoginResult("invalid")
    if officer.locked_until is not None and officer.locked_until > now:
        return LoginResult("locked", officer)
    if not _verify(officer.password_hash, password):
        officer.failed_logins += 1
        if officer.failed_logins >= MAX_FAILURES:
            officer.locked_until = now + LOCKOUT
            officer.failed_logins = 0
            return LoginResult("locked", officer)
        return LoginResult("invalid", officer)
    officer.failed_logins = 0
    officer.locked_until = None
    if HASHER.check_needs_rehash(officer.password_hash):
        officer.password_hash = HASHER.hash(password)
    return LoginResult("ok", officer)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_totp(officer: Officer) -> bool:
    """Admins must use two-factor sign-in; others once they turned it on."""
    return officer.role == "admin" or officer.totp_sealed is not None


def totp_context(officer: Officer) -> str:
    return f"totp:{officer.id}"


def new_totp_secret() -> str:
    return pyotp.random_base32()


def verify_totp(secret: str, code: str) -> bool:
    return pyotp.TOTP(secret).verify(code.replace(" ", ""), valid_window=1)


def officer_totp_secret(keyring: Keyring, officer: Officer) -> str | None:
    if officer.totp_sealed is None:
        return None
    return keyring.open(officer.totp_sealed, totp_context(officer)).decode()


def provisioning_uri(secret: str, officer: Officer, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=officer.username, issuer_name=issuer)
