"""Signing in and out: password, lockout, two-factor (TOTP), language."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin import login as signin
from admin import sessions
from admin.form_values import form_fields
from admin.pages import Pages
from bot.hotline import Hotline
from bot.slow_checks import SLOW_CHECKS
from flows.i18n import N_
from flows.vocabulary import AuditAction, Door, Role
from storage import audit
from storage.models import ConsoleSession, Officer
from storage.officers import totp_context

FAILED_SIGN_IN = {
    signin.Outcome.INVALID: AuditAction.LOGIN_INVALID,
    signin.Outcome.LOCKED: AuditAction.LOGIN_LOCKED,
}


class SignInPages(Pages):
    def __init__(self, hotline: Hotline):
        super().__init__(hotline)
        self.sign_in = signin.SignIn(hotline.sessions, self.keyring)

    def routes(self) -> list[Route]:
        return [
            Route("/admin", self.home),
            Route("/admin/login", self.login, methods=["GET", "POST"]),
            Route("/admin/totp", self.totp, methods=["GET", "POST"]),
            Route("/admin/logout", self.logout, methods=["POST"]),
            Route("/admin/language", self.language, methods=["POST"]),
        ]

    # Signing in and out.

    async def home(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            target = "/admin/users" if signed.officer.role == Role.ADMIN else "/admin/queue"
            return RedirectResponse(target, status_code=303)

    async def login(self, request: Request) -> Response:
        locale = request.query_params.get("lang", "id")
        locale = locale if locale in ("id", "en") else "id"
        if request.method == "GET":
            return self.render(request, "login.html", locale)
        form = await form_fields(request)
        username, password = form.get("username", ""), form.get("password", "")
        now = self.now()
        address = request.client.host if request.client else ""
        result = await self.sign_in.password(username, password, address, now)
        async with self.hotline.sessions() as session, session.begin():
            officer = await session.get(Officer, result.officer_id) if result.officer_id else None
            if result.outcome != signin.Outcome.OK or officer is None:
                if officer is not None:
                    await audit.record(
                        session,
                        action=FAILED_SIGN_IN[result.outcome],
                        actor=Door.CONSOLE,
                        officer_id=officer.id,
                        now=now,
                    )
                locked = result.outcome == signin.Outcome.LOCKED
                return self.render(
                    request,
                    "login.html",
                    locale,
                    status=429 if locked else 401,
                    error="console.login.locked" if locked else "console.login.invalid",
                    username=username,
                )
            pending = signin.needs_totp(officer)
            token = await sessions.open_session(session, officer, now, pending_totp=pending)
            if not pending:
                await audit.record(
                    session, action=AuditAction.LOGIN, actor=Door.CONSOLE, officer_id=officer.id, now=now
                )
        response = RedirectResponse("/admin/totp" if pending else "/admin", status_code=303)
        self._set_cookie(response, token)
        return response

    def _set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            sessions.COOKIE, token, httponly=True, secure=True, samesite="strict", path="/admin"
        )

    async def totp(self, request: Request) -> Response:
        """The second factor: enrolment (shown once, confirmed with a code), then every sign-in.

        Wrong codes are limited per pending sign-in and per account, a code's time step is
        accepted once, and a good code swaps the session for a new one (new cookie), so a session
        id seen before the second step is worth nothing after it.
        """
        now = self.now()
        form = await form_fields(request) if request.method == "POST" else None
        async with self.hotline.sessions() as session, session.begin():
            found = await sessions.find(session, request.cookies.get(sessions.COOKIE), now)
            if found is None:
                return self.to_login()
            row, officer = found
            secret = signin.officer_totp_secret(self.keyring, officer)
            enrolling = secret is None
            if not row.pending_totp and not enrolling:
                return RedirectResponse("/admin", status_code=303)
            pending_secret = signin.new_totp_secret()
            if enrolling and form is not None:
                try:
                    pending_secret = self.keyring.open(
                        bytes.fromhex(str(form.get("pending", ""))), totp_context(officer)
                    ).decode()
                except ValueError:
                    return self.to_login()
            error = None
            if form is not None:
                if await signin.totp_blocked(session, self.keyring, officer, now):
                    return await self._start_over(request, session, row, officer)
                candidate = secret or pending_secret
                step = await SLOW_CHECKS.run(signin.matching_step, candidate, str(form.get("code", "")), now)
                if step is not None and await signin.use_step(session, officer.id, step):
                    return await self._second_step_done(session, row, officer, candidate, enrolling)
                if await signin.count_wrong_code(session, self.keyring, row, officer, now):
                    return await self._start_over(request, session, row, officer)
                error = "console.totp.wrong"
            context: dict[str, Any] = {"error": error, "enrolling": enrolling}
            if enrolling:
                import segno  # the QR code of a first two-step sign-in only

                uri = signin.provisioning_uri(pending_secret, officer, self.deployment.hotline.name)
                context.update(
                    secret=pending_secret,
                    qr=segno.make(uri).svg_inline(scale=4),
                    pending=self.keyring.seal(pending_secret.encode(), totp_context(officer)).hex(),
                )
            return self.render(request, "totp.html", officer.locale, status=401 if error else 200, **context)

    async def _second_step_done(
        self, session: AsyncSession, row: ConsoleSession, officer: Officer, secret: str, enrolling: bool
    ) -> Response:
        now = self.now()
        if enrolling:
            officer.totp_sealed = self.keyring.seal(secret.encode(), totp_context(officer))
        action = AuditAction.LOGIN if row.pending_totp else AuditAction.TOTP_ENABLED
        await audit.record(session, action=action, actor=Door.CONSOLE, officer_id=officer.id, now=now)
        await sessions.revoke(session, row, now)
        token = await sessions.open_session(session, officer, now, pending_totp=False)
        response = RedirectResponse("/admin", status_code=303)
        self._set_cookie(response, token)
        return response

    async def _start_over(
        self, request: Request, session: AsyncSession, row: ConsoleSession, officer: Officer
    ) -> Response:
        """Too many wrong codes: the session ends and signing in starts again from the password."""
        now = self.now()
        await audit.record(
            session, action=AuditAction.TOTP_LOCKED, actor=Door.CONSOLE, officer_id=officer.id, now=now
        )
        await sessions.revoke(session, row, now)
        error = N_("console.totp.too_many")
        response = self.render(request, "login.html", officer.locale, status=429, error=error)
        response.delete_cookie(sessions.COOKIE, path="/admin")
        return response

    async def logout(self, request: Request) -> Response:
        now = self.now()
        async with self.hotline.sessions() as session, session.begin():
            found = await sessions.find(session, request.cookies.get(sessions.COOKIE), now)
            if found is not None:
                await sessions.revoke(session, found[0], now)
                await audit.record(
                    session, action=AuditAction.LOGOUT, actor=Door.CONSOLE, officer_id=found[1].id, now=now
                )
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(sessions.COOKIE, path="/admin")
        return response

    async def language(self, request: Request) -> Response:
        form = await form_fields(request)
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            locale = str(form.get("locale", "id"))
            signed.officer.locale = locale if locale in ("id", "en") else "id"
        back = str(form.get("back", "/admin"))
        return RedirectResponse(back if back.startswith("/admin") else "/admin", status_code=303)
