"""The console's plumbing shared by all its pages: templates, sign-in state, flash messages."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from admin import labels, sessions
from admin.casework import Desk
from bot.hotline import Hotline
from flows.i18n import N_
from flows.keys import OPTION_LABELS
from flows.vocabulary import Role, Status, Urgency
from storage.models import ConsoleSession, Officer
from storage.reports import ReportStore
from storage.units import unit_ids

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
STATUSES = tuple(Status)


PASSWORD_PAGE = "/admin/password"


class PasswordChangeRequired(Exception):
    """Raised for a signed-in person who must first choose a new password (see ``Console``)."""


@dataclass
class Signed:
    session: AsyncSession
    row: ConsoleSession
    officer: Officer


TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
TEMPLATES.globals.update(Role=Role, Status=Status, Urgency=Urgency)
"""Templates compare with the vocabulary's members, never with spelled-out values."""


class Pages:
    """Base of the console's page groups; each subclass lists its routes."""

    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.deployment = hotline.settings.deployment
        self.keyring = hotline.settings.keyring
        self.templates = TEMPLATES

    def routes(self) -> list[Route]:
        raise NotImplementedError

    # Plumbing.

    def render(self, request: Request, name: str, locale: str, status: int = 200, **context: Any) -> Response:
        catalogues = self.hotline.catalogues

        def gettext(key: str, **params: Any) -> str:
            return catalogues.text(locale, key, **params)

        zone = self.deployment.default_unit.zone

        def local(moment: datetime) -> str:
            return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")

        def span(minutes: int) -> str:
            if minutes < 120:
                return catalogues.text(locale, N_("console.span.minutes"), n=minutes)
            if minutes < 48 * 60:
                return catalogues.text(locale, N_("console.span.hours"), n=minutes // 60)
            return catalogues.text(locale, N_("console.span.days"), n=minutes // (24 * 60))

        services = {s.code: s.name for s in self.deployment.services}
        outcomes = {
            o.code: o.label.get(locale) or o.label.get("id") or o.code for o in self.deployment.outcomes
        }

        def outcome_label(code: str | None) -> str:
            if code in outcomes:
                return outcomes[code or ""]
            if code in labels.INVALID:
                return gettext(labels.INVALID[code or ""])
            return "–"

        case = context.get("case")
        names: dict[int, str] = case.names if case is not None else {}

        def told(ids: list[int]) -> str:
            return ", ".join(names.get(i, "–") for i in ids)

        def option_label(step: str, value: str | None) -> str:
            key = OPTION_LABELS[step].get(value or "unknown")
            return gettext(key) if key else "–"

        csrf = request.scope.get("csrftoken")
        page = self.templates.get_template(name).render(
            _=gettext,
            locale=locale,
            csrf=csrf() if callable(csrf) else "",
            hotline=self.deployment.hotline.name,
            deployment=self.deployment,
            option_label=option_label,
            statuses=STATUSES,
            L=labels,
            local=local,
            span=span,
            service_name=lambda code: services.get(code, code),
            outcome_label=outcome_label,
            told=told,
            poll_ms=int(self.hotline.settings.console_poll_seconds * 1000),
            request=request,
            **context,
        )
        return HTMLResponse(page, status_code=status, headers=HEADERS)

    @contextlib.asynccontextmanager
    async def signed_in(self, request: Request) -> AsyncIterator[Signed | None]:
        async with self.hotline.sessions() as session, session.begin():
            found = await sessions.find(session, request.cookies.get(sessions.COOKIE), self.now())
            if found is None or found[0].pending_totp:
                yield None
            elif found[1].must_change_password and request.url.path != PASSWORD_PAGE:
                raise PasswordChangeRequired
            else:
                yield Signed(session, *found)

    def now(self) -> Any:
        return self.hotline.runtime.clock()

    def refusal(self, request: Request, signed: Signed | None, roles: tuple[str, ...]) -> Response | None:
        """The answer for someone who may not open a page: sign in first, or 404 outside the roles."""
        if signed is None:
            return self.to_login()
        if signed.officer.role not in roles:
            return self.not_found(request, signed.officer.locale)
        return None

    def to_login(self) -> Response:
        return RedirectResponse("/admin/login", status_code=303)

    def not_found(self, request: Request, locale: str) -> Response:
        return self.render(request, "not_found.html", locale, status=404)

    async def desk(self, signed: Signed) -> Desk:
        reports = ReportStore(signed.session, self.keyring, await unit_ids(signed.session))
        return Desk(
            signed.session,
            self.keyring,
            self.hotline.catalogues,
            self.deployment,
            reports,
            signed.officer,
            self.now(),
            self.hotline.router.announcers,
        )

    @staticmethod
    def flash(request: Request) -> tuple[str | None, str | None]:
        done, error = request.query_params.get("done"), request.query_params.get("error")
        done = done if done and done.startswith("console.done.") else None
        error = error if error and error.startswith("console.error.") else None
        return done, error
