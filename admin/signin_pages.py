"""Signing in and out: password, lockout, two-factor (TOTP), language."""

from __future__ import annotations

from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin import login as signin
from admin import sessions
from admin.pages import Pages
from storage import audit


class SignInPages(Pages):
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
            target = "/admin/users" if signed.officer.role == "admin" else "/admin/queue"
            return RedirectResponse(target, status_code=303)

    async def login(self, request: Request) -> Response:
        locale = request.query_params.get("lang", "id")
        locale = locale if locale in ("id", "en") else "id"
        if request.method == "GET":
            return self.render(request, "login.html", locale)
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        now = self.now()
        async with self.hotline.sessions() as session, session.begin():
            result = await signin.check_password(session, username, password, now)
            officer = result.officer
            if result.outcome != "ok" or officer is None:
                if officer is not None:
                    await audit.record(
                        session,
                        action=f"login_{result.outcome}",
                        actor="console",
                        officer_id=officer.id,
                        now=now,
                    )
                key = "console.login.locked" if result.outcome == "locked" else "console.login.invalid"
                return self.render(request, "login.html", locale, status=401, error=key, username=username)
            pending = signin.needs_totp(officer)
            token = await sessions.open_session(session, officer, now, pending_totp=pending)
            if not pending:
                await audit.record(session, action="login", actor="console", officer_id=officer.id, now=now)
        response = RedirectResponse("/admin/totp" if pending else "/admin", status_code=303)
        self._set_cookie(response, token)
        return response

    def _set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            sessions.COOKIE, token, httponly=True, secure=True, samesite="strict", path="/admin"
        )

    async def totp(self, request: Request) -> Response:
        """The second factor: enrolment (shown once, confirmed with a code), then every sign-in."""
        now = self.now()
        async with self.hotline.sessions() as session, session.begin():
            found = await sessions.find(session, request.cookies.get(sessions.COOKIE), now)
            if found is None:
                return self.to_login()
            row, officer = found
            secret = signin.officer_totp_secret(self.keyring, officer)
            enrolling = secret is None
            form = await request.form() if request.method == "POST" else None
            pending_secret = signin.new_totp_secret()
            if enrolling and form is not None:
                sealed = str(form.get("pending", ""))
                try:
                    pending_secret = self.keyring.open(
                        bytes.fromhex(sealed), signin.totp_context(officer)
                    ).decode()
                except ValueError:
                    return self.to_login()
            if form is not None:
                candidate = secret or pending_secret
                if signin.verify_totp(candidate, str(form.get("code", ""))):
                    if enrolling:
                        officer.totp_sealed = self.keyring.seal(
                            candidate.encode(), signin.totp_context(officer)
                        )
                    if row.pending_totp:
                        row.pending_totp = False
                        await audit.record(
                            session, action="login", actor="console", officer_id=officer.id, now=now
                        )
                    else:
                        await audit.record(
                            session, action="totp_enabled", actor="console", officer_id=officer.id, now=now
                        )
                    return RedirectResponse("/admin", status_code=303)
                error = "console.totp.wrong"
            else:
                error = None
            if not row.pending_totp and not enrolling:
                return RedirectResponse("/admin", status_code=303)
            context: dict[str, Any] = {"error": error, "enrolling": enrolling}
            if enrolling:
                uri = signin.provisioning_uri(pending_secret, officer, self.deployment.hotline.name)
                context.update(
                    secret=pending_secret,
                    qr=segno.make(uri).svg_inline(scale=4),
                    pending=self.keyring.seal(pending_secret.encode(), signin.totp_context(officer)).hex(),
                )
            return self.render(request, "totp.html", officer.locale, status=401 if error else 200, **context)

    async def logout(self, request: Request) -> Response:
        now = self.now()
        async with self.hotline.sessions() as session, session.begin():
            found = await sessions.find(session, request.cookies.get(sessions.COOKIE), now)
            if found is not None:
                await sessions.revoke(session, found[0], now)
                await audit.record(session, action="logout", actor="console", officer_id=found[1].id, now=now)
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(sessions.COOKIE, path="/admin")
        return response

    async def language(self, request: Request) -> Response:
        form = await request.form()
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            locale = str(form.get("locale", "id"))
            signed.officer.locale = locale if locale in ("id", "en") else "id"
        back = str(form.get("back", "/admin"))
        return RedirectResponse(back if back.startswith("/admin") else "/admin", status_code=303)
