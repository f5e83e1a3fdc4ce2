"""Choosing one's own password: required after an admin's reset (or a new account) before
anything else in the console opens, and available to anyone signed in."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.form_values import form_fields
from admin.pages import Pages
from flows.vocabulary import AuditAction, Door
from storage import audit
from storage.officers import HASHER

MIN_LENGTH = 12


class PasswordPages(Pages):
    def routes(self) -> list[Route]:
        return [Route("/admin/password", self.password_page, methods=["GET", "POST"])]

    async def password_page(self, request: Request) -> Response:
        form = await form_fields(request) if request.method == "POST" else None
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            error = None
            if form is not None:
                new, again = form.get("password", ""), form.get("again", "")
                if len(new) < MIN_LENGTH:
                    error = "console.password.too_short"
                elif new != again:
                    error = "console.password.mismatch"
                elif await asyncio.to_thread(_same, officer.password_hash, new):
                    error = "console.password.same"
                else:
                    officer.password_hash = await asyncio.to_thread(HASHER.hash, new)
                    officer.must_change_password = False
                    await audit.record(
                        signed.session,
                        action=AuditAction.PASSWORD_CHANGED,
                        actor=Door.CONSOLE,
                        officer_id=officer.id,
                        now=self.now(),
                    )
                    return RedirectResponse("/admin", status_code=303)
            return self.render(
                request,
                "password.html",
                officer.locale,
                status=400 if error else 200,
                officer=officer,
                error=error,
                forced=officer.must_change_password,
                min_length=MIN_LENGTH,
            )


def _same(password_hash: str, candidate: str) -> bool:
    try:
        return HASHER.verify(password_hash, candidate)
    except Exception:
        return False
