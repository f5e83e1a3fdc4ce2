"""Signing in: the password, then (for some) a TOTP code; attempt limits that treat every name alike.

Every attempt is counted *before* any hash is computed, per account name and per client address,
in the shared attempt counters (keyed hashes, never the name or the address). Past a limit the
answer is immediate and the same for a real account, an unknown name and a deactivated one;
below it, every attempt costs exactly one Argon2 verification (a dummy hash stands in for unknown
names), on the slow-check threads rather than the event loop. So neither the words nor the time
of an answer tell whether an account exists.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.slow_checks import SLOW_CHECKS, Busy, SlowChecks
from flows.vocabulary import Role
from storage import attempts
from storage.crypto import Keyring
from storage.models import ConsoleSession, Officer
from storage.officers import HASHER, totp_context

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
"""Password attempts per account name per window; the fifth wrong one locks the name."""
ADDRESS_LIMIT = 50
"""Failed password attempts per client address per window. High on purpose: a district office
signs in from behind one address, and officers on phones share carrier-grade NAT addresses."""
TOTP_SIGN_IN_LIMIT = 5
"""Wrong codes in one pending sign-in before it starts over from the password."""
TOTP_ACCOUNT_LIMIT = 10
"""Wrong codes per account per window, however many sign-ins they are spread over."""


class Outcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    officer_id: int | None = None
    """The account the name belongs to, for the audit trail (never shown to the visitor)."""


@cache
def _dummy_hash() -> str:
    return HASHER.hash("not-a-real-password")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class SignIn:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        checks: SlowChecks = SLOW_CHECKS,
    ):
        self.sessions = sessions
        self.keyring = keyring
        self.checks = checks

    async def password(self, username: str, password: str, address: str, now: datetime) -> LoginResult:
        name = username.strip()
        account_key = self.keyring.counter_key("login-account", name.casefold())
        address_key = self.keyring.counter_key("login-address", address)
        async with self.sessions() as session, session.begin():
            hits = await attempts.hit_many(session, [(account_key, WINDOW), (address_key, WINDOW)], now)
            account_hits, address_hits = hits[account_key], hits[address_key]
            officer = await session.scalar(select(Officer).where(Officer.username == name))
        stored = officer.password_hash if officer is not None and officer.active else None
        officer_id = officer.id if officer is not None else None
        if account_hits > ACCOUNT_LIMIT or address_hits > ADDRESS_LIMIT:
            return LoginResult(Outcome.LOCKED, officer_id)
        try:
            matches = await self.checks.run(_verify, stored or _dummy_hash(), password)
        except Busy:
            return LoginResult(Outcome.LOCKED, officer_id)
        if not matches or stored is None:
            locked = account_hits >= ACCOUNT_LIMIT
            return LoginResult(Outcome.LOCKED if locked else Outcome.INVALID, officer_id)
        rehashed = None
        if HASHER.check_needs_rehash(stored):
            rehashed = await self.checks.run(HASHER.hash, password)
        async with self.sessions() as session, session.begin():
            await attempts.forget(session, account_key)
            await attempts.give_back(session, address_key)
            if rehashed is not None:
                await session.execute(
                    update(Officer).where(Officer.id == officer_id).values(password_hash=rehashed)
                )
        return LoginResult(Outcome.OK, officer_id)


def needs_totp(officer: Officer) -> bool:
    """Admins and supervisors (who read every case of the unit) must use two-factor sign-in;
    officers once they turned it on."""
    return officer.role in (Role.ADMIN, Role.SUPERVISOR) or officer.totp_sealed is not None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second time step a code belongs to (now, or one either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    code = code.replace(" ", "")
    if len(code) != totp.digits or not code.isascii() or not code.isdigit():
        return None
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


async def use_step(session: AsyncSession, officer_id: int, step: int) -> bool:
    """Remember ``step`` as the last one used; False if it (or a later one) was used already."""
    statement = (
        update(Officer)
        .where(Officer.id == officer_id)
        .where(or_(Officer.totp_last_step.is_(None), Officer.totp_last_step < step))
        .values(totp_last_step=step)
        .returning(Officer.id)
    )
    return (await session.execute(statement)).first() is not None


async def count_wrong_code(
    session: AsyncSession, keyring: Keyring, row: ConsoleSession, officer: Officer, now: datetime
) -> bool:
    """Count a wrong code for the sign-in and the account; True once either is over its limit."""
    statement = (
        update(ConsoleSession)
        .where(ConsoleSession.id == row.id)
        .values(totp_failures=ConsoleSession.totp_failures + 1)
        .returning(ConsoleSession.totp_failures)
    )
    in_sign_in = int((await session.execute(statement)).scalar_one())
    in_account = await attempts.hit(session, totp_key(keyring, officer), WINDOW, now)
    return in_sign_in >= TOTP_SIGN_IN_LIMIT or in_account >= TOTP_ACCOUNT_LIMIT


def totp_key(keyring: Keyring, officer: Officer) -> str:
    return keyring.counter_key("totp-account", str(officer.id))


async def totp_blocked(session: AsyncSession, keyring: Keyring, officer: Officer, now: datetime) -> bool:
    return await attempts.count(session, totp_key(keyring, officer), now) >= TOTP_ACCOUNT_LIMIT


def officer_totp_secret(keyring: Keyring, officer: Officer) -> str | None:
    if officer.totp_sealed is None:
        return None
    return keyring.open(officer.totp_sealed, totp_context(officer)).decode()


def provisioning_uri(secret: str, officer: Officer, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=officer.username, issuer_name=issuer)
