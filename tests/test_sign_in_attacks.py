"""The console's sign-in under attack (issue rows 1, 3, 4 and 10), through the whole ASGI stack on
both databases: password checks off the event loop and few at a time, an atomic lockout, uniform
answers for real and unknown names, and a second factor that cannot be guessed, replayed or
carried over from before it."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable

import pyotp
import pytest

from admin import login
from bot.hotline import Hotline
from bot.slow_checks import NICENESS, SLOW_CHECKS
from storage.models import Officer
from storage.officers import totp_context
from tests.conftest import FakeClock
from tests.inprocess import PASSWORD, Browser, add_staff
from tests.waiting import until


class Argon2Spy:
    """Stands in for the password check: counts calls and how many run at once, and can hold
    every call until released (to see what the server does meanwhile)."""

    def __init__(self, real: Callable[[str, str], bool], *, hold: bool = False):
        self.real = real
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self.timed_out = False
        if not hold:
            self.release.set()
        self._lock = threading.Lock()

    def __call__(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.entered.set()
        if not self.release.wait(10):
            self.timed_out = True
        try:
            return self.real(password_hash, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Argon2Spy:
    found = Argon2Spy(login._verify)
    monkeypatch.setattr(login, "_verify", found)
    return found


async def test_a_password_check_does_not_stall_other_requests(
    hotline: Hotline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 1: Argon2 ran on the event loop, so a web-chat message waited for every wrong password."""
    await add_staff(hotline, "sari")
    held = Argon2Spy(login._verify, hold=True)
    monkeypatch.setattr(login, "_verify", held)
    async with Browser(hotline) as attacker, Browser(hotline, "10.9.9.9") as reporter:
        await attacker.csrf()
        attempt = asyncio.create_task(attacker.sign_in("sari", "salah"))
        await until(held.entered.is_set)
        health = await reporter.http.get("/healthz")
        start = await reporter.http.post("/chat/start", json={})
        answered_while_held = not held.release.is_set() and not held.timed_out
        held.release.set()
        assert (await attempt).status_code == 401
    assert health.status_code == 200 and start.status_code == 200
    assert answered_while_held, "other requests were answered while a password was being checked"


async def test_password_checks_run_a_few_at_a_time(hotline: Hotline, spy: Argon2Spy) -> None:
    """Row 1: however many attempts arrive at once, only the slow-check pool's workers hash."""
    async with Browser(hotline) as browser:
        await browser.csrf()
        answers = await asyncio.gather(*(browser.sign_in(f"name-{i}", "salah") for i in range(8)))
    assert {a.status_code for a in answers} <= {401, 429}
    assert 1 <= spy.most_at_once <= SLOW_CHECKS.workers


async def test_forty_parallel_wrong_passwords_lock_the_account(hotline: Hotline, spy: Argon2Spy) -> None:
    """Row 4: the failure count was read, changed and written back, so parallel attempts lost
    updates (40 wrong passwords left a count of 4 and no lock)."""
    await add_staff(hotline, "sari")
    browsers = [Browser(hotline, f"10.2.0.{i}") for i in range(40)]
    for browser in browsers:
        await browser.csrf()
    answers = await asyncio.gather(*(b.sign_in("sari", f"salah-{i}") for i, b in enumerate(browsers)))
    assert sum(a.status_code == 401 for a in answers) <= login.ACCOUNT_LIMIT
    assert spy.calls <= login.ACCOUNT_LIMIT, "no more guesses checked than the limit allows"
    right = await browsers[0].sign_in("sari", PASSWORD)
    assert right.status_code == 429, "the account is locked even for the right password"
    assert "Akun dikunci sementara" in right.text
    for browser in browsers:
        await browser.http.aclose()


async def test_unknown_and_locked_accounts_answer_alike(hotline: Hotline, spy: Argon2Spy) -> None:
    """Row 10: only a real account said "too many attempts", and it answered in 6 ms instead of
    177 ms. Now the words, the status and the work done (Argon2 calls) are the same."""
    await add_staff(hotline, "sari")
    answers: dict[str, list[tuple[int, str, int]]] = {}
    for name in ("sari", "tidak-ada"):
        async with Browser(hotline, "10.3.3.3") as browser:
            answers[name] = []
            for _ in range(7):
                before = spy.calls
                response = await browser.sign_in(name, "salah")
                page = response.text.replace(name, "NAME")
                answers[name].append((response.status_code, page, spy.calls - before))
    for name in answers:
        answers[name] = [(s, re.sub(r"csrftoken\" value=\"[^\"]+", "", p), c) for s, p, c in answers[name]]
    assert answers["sari"] == answers["tidak-ada"]
    statuses = [status for status, _page, _calls in answers["sari"]]
    assert statuses == [401, 401, 401, 401, 429, 429, 429]
    assert [calls for *_rest, calls in answers["sari"]] == [1, 1, 1, 1, 1, 0, 0]


async def test_many_wrong_passwords_from_one_address_are_refused_without_hashing(
    hotline: Hotline, spy: Argon2Spy
) -> None:
    async with Browser(hotline, "10.4.4.4") as flood:
        for i in range(login.ADDRESS_LIMIT + 5):
            await flood.sign_in(f"guess-{i}", "salah")
    assert spy.calls == login.ADDRESS_LIMIT
    await add_staff(hotline, "sari")
    async with Browser(hotline, "10.5.5.5") as elsewhere:
        assert (await elsewhere.sign_in("sari")).status_code == 303, "other addresses are not affected"


async def enrolled_admin(hotline: Hotline) -> str:
    officer_id = await add_staff(hotline, "kepala", role="admin")
    secret = pyotp.random_base32()
    keyring = hotline.settings.keyring
    async with hotline.sessions() as session, session.begin():
        officer = await session.get(Officer, officer_id)
        assert officer is not None
        officer.totp_sealed = keyring.seal(secret.encode(), totp_context(officer))
    return secret


async def test_wrong_codes_end_the_pending_sign_in(hotline: Hotline, clock: FakeClock) -> None:
    """Row 3: 300 wrong codes in 1.5 s were accepted without limit, then the right one worked."""
    secret = await enrolled_admin(hotline)
    async with Browser(hotline) as browser:
        assert (await browser.sign_in("kepala")).headers["location"] == "/admin/totp"
        for _ in range(login.TOTP_SIGN_IN_LIMIT - 1):
            assert (await browser.post("/admin/totp", {"code": "000000"})).status_code == 401
        ended = await browser.post("/admin/totp", {"code": "000000"})
        assert ended.status_code == 429
        right = await browser.post("/admin/totp", {"code": pyotp.TOTP(secret).at(clock())})
        assert right.headers["location"] == "/admin/login", "the pending sign-in is over"
        assert (await browser.http.get("/admin/users")).status_code == 303


async def test_wrong_codes_are_limited_per_account_across_sign_ins(
    hotline: Hotline, clock: FakeClock
) -> None:
    secret = await enrolled_admin(hotline)
    for _ in range(login.TOTP_ACCOUNT_LIMIT // (login.TOTP_SIGN_IN_LIMIT - 1) + 1):
        async with Browser(hotline) as browser:
            await browser.sign_in("kepala")
            for _ in range(login.TOTP_SIGN_IN_LIMIT - 1):
                await browser.post("/admin/totp", {"code": "000000"})
    async with Browser(hotline) as browser:
        await browser.sign_in("kepala")
        refused = await browser.post("/admin/totp", {"code": pyotp.TOTP(secret).at(clock())})
        assert refused.status_code == 429, "even the right code waits out the window"
    clock.advance(minutes=16)
    async with Browser(hotline) as browser:
        await browser.sign_in("kepala")
        done = await browser.post("/admin/totp", {"code": pyotp.TOTP(secret).at(clock())})
        assert done.headers["location"] == "/admin"


async def test_a_code_works_once_and_the_session_is_renewed(hotline: Hotline, clock: FakeClock) -> None:
    """Row 3 and 12: the same code was accepted twice; the session id stayed the same after the
    second step (a cookie planted or seen before it would be signed in afterwards)."""
    secret = await enrolled_admin(hotline)
    code = pyotp.TOTP(secret).at(clock())
    async with Browser(hotline) as browser:
        await browser.sign_in("kepala")
        pending = browser.session_cookie
        done = await browser.post("/admin/totp", {"code": code})
        assert done.headers["location"] == "/admin"
        assert browser.session_cookie not in (None, pending), "a new session id after the second step"
        assert (await browser.http.get("/admin/users")).status_code == 200
        browser.http.cookies.set("hotline_console", pending or "", domain="hotline.test", path="/admin")
        assert (await browser.http.get("/admin/users")).status_code == 303, "the old id opens nothing"
    async with Browser(hotline) as thief:
        await thief.sign_in("kepala")
        replay = await thief.post("/admin/totp", {"code": code})
        assert replay.status_code == 401, "a code seen once is not accepted again"
        clock.advance(seconds=30)
        fresh = await thief.post("/admin/totp", {"code": pyotp.TOTP(secret).at(clock())})
        assert fresh.headers["location"] == "/admin"


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread priority is a Linux feature")
async def test_password_checks_run_at_a_lower_priority_than_the_reporters() -> None:
    """A flood of wrong passwords takes only the CPU that reporters leave."""

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    ours = niceness()
    assert await SLOW_CHECKS.run(niceness) == min(19, ours + NICENESS)
    assert niceness() == ours, "the event loop's thread keeps its priority"
