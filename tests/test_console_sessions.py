"""Console sessions and sign-in rules against both databases (no browser needed)."""

from __future__ import annotations

from admin import login as signin
from admin import sessions
from bot.hotline import Hotline
from storage.models import Officer
from storage.officers import add_officer
from tests.conftest import FakeClock


async def officer(hotline: Hotline, username: str = "sari", role: str = "officer") -> Officer:
    async with hotline.sessions() as session, session.begin():
        return await add_officer(
            session, username, username.title(), "kota-pekalongan", role, "sandi-yang-panjang"
        )


async def test_sessions_end_when_idle_after_12_hours_and_when_revoked(
    hotline: Hotline, clock: FakeClock
) -> None:
    account = await officer(hotline)
    async with hotline.sessions() as session, session.begin():
        token = await sessions.open_session(session, account, clock(), pending_totp=False)
    for minutes in (29, 29, 29):
        clock.advance(minutes=minutes)
        async with hotline.sessions() as session, session.begin():
            assert await sessions.find(session, token, clock()) is not None, "activity keeps it alive"
    clock.advance(minutes=31)
    async with hotline.sessions() as session, session.begin():
        assert await sessions.find(session, token, clock()) is None, "30 idle minutes end it"

    async with hotline.sessions() as session, session.begin():
        token = await sessions.open_session(session, account, clock(), pending_totp=False)
    for _ in range(25):
        clock.advance(minutes=29)
        async with hotline.sessions() as session, session.begin():
            alive = await sessions.find(session, token, clock())
    assert alive is None, "never longer than 12 hours, however active"

    async with hotline.sessions() as session, session.begin():
        token = await sessions.open_session(session, account, clock(), pending_totp=False)
        await sessions.revoke_all(session, account.id, clock())
    async with hotline.sessions() as session, session.begin():
        assert await sessions.find(session, token, clock()) is None
        assert await sessions.find(session, "not-a-token", clock()) is None


async def test_five_wrong_passwords_lock_the_account_for_a_while(hotline: Hotline, clock: FakeClock) -> None:
    await officer(hotline)
    sign_in = signin.SignIn(hotline.sessions, hotline.settings.keyring)

    async def attempt(username: str, password: str) -> signin.Outcome:
        return (await sign_in.password(username, password, "10.0.0.7", clock())).outcome

    for _ in range(4):
        assert await attempt("sari", "salah") == "invalid"
    assert await attempt("sari", "salah") == "locked"
    assert await attempt("sari", "sandi-yang-panjang") == "locked"
    clock.advance(minutes=16)
    assert await attempt("sari", "sandi-yang-panjang") == "ok"
    assert await attempt("nobody", "x") == "invalid"


async def test_admins_always_need_a_second_factor(hotline: Hotline) -> None:
    admin = await officer(hotline, "kepala", "admin")
    staff = await officer(hotline, "staf", "officer")
    assert signin.needs_totp(admin) and not signin.needs_totp(staff)
