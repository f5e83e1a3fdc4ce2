"""HTTP for the console: sign-in, queue, case page, audit, users. Handlers only translate requests
into ``admin.casework`` / ``admin.login`` calls and render templates."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from admin import labels, sessions, stats
from admin import login as signin
from admin.casework import ActionRefused, Desk
from admin.queue import Filters, queue
from admin.roster_edit import (
    RosterError,
    add_change,
    add_shifts,
    describe,
    parse_days,
    parse_span,
    weekly,
)
from admin.roster_edit import changes as roster_changes
from admin.routing import duty_now
from admin.sla import deadline
from bot.hotline import Hotline
from flows.i18n import N_
from flows.keys import OPTION_LABELS
from storage import audit
from storage.models import AuditEntry, ConsoleSession, Officer, Report, Unit
from storage.officer_links import issue_code
from storage.officers import ROLES, OfficerError, add_officer
from storage.reports import ReportStore
from storage.units import unit_ids

HERE = Path(__file__).parent
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
STATUSES = ("baru", "diterima", "ditangani", "dirujuk", "selesai", "ditutup")


@dataclass
class Signed:
    session: AsyncSession
    row: ConsoleSession
    officer: Officer


class Console:
    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.deployment = hotline.settings.deployment
        self.keyring = hotline.settings.keyring
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
        )

    def routes(self) -> list[Route | Mount]:
        return [
            Route("/admin", self.home),
            Route("/admin/login", self.login, methods=["GET", "POST"]),
            Route("/admin/totp", self.totp, methods=["GET", "POST"]),
            Route("/admin/logout", self.logout, methods=["POST"]),
            Route("/admin/language", self.language, methods=["POST"]),
            Route("/admin/queue", self.queue_page),
            Route("/admin/queue/poll", self.queue_poll),
            Route("/admin/cases/{reference}", self.case_page),
            Route("/admin/cases/{reference}/files/{ref}", self.case_file),
            Route("/admin/cases/{reference}/{action}", self.case_action, methods=["POST"]),
            Route("/admin/audit", self.audit_page),
            Route("/admin/stats", self.stats_page),
            Route("/admin/stats/export", self.stats_export),
            Route("/admin/roster", self.roster_page, methods=["GET", "POST"]),
            Route("/admin/users", self.users_page, methods=["GET", "POST"]),
            Route("/admin/users/{officer_id:int}/{action}", self.user_action, methods=["POST"]),
            Mount("/admin/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
        ]

    # Plumbing.

    def render(self, request: Request, name: str, locale: str, status: int = 200, **context: Any) -> Response:
        catalogues = self.hotline.catalogues

        def gettext(key: str, **params: Any) -> str:
            return catalogues.text(locale, key, **params)

        zone = self.deployment.default_unit.zone

        def local(moment: Any) -> str:
            return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")

        def span(minutes: int) -> str:
            if minutes < 120:
                return catalogues.text(locale, N_("console.span.minutes"), n=minutes)
            if minutes < 48 * 60:
                return catalogues.text(locale, N_("console.span.hours"), n=minutes // 60)
            return catalogues.text(locale, N_("console.span.days"), n=minutes // (24 * 60))

        services = {s.code: s.name for s in self.deployment.services}

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
            else:
                yield Signed(session, *found)

    def now(self) -> Any:
        return self.hotline.runtime.clock()

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
        )

    @staticmethod
    def flash(request: Request) -> tuple[str | None, str | None]:
        done, error = request.query_params.get("done"), request.query_params.get("error")
        done = done if done and done.startswith("console.done.") else None
        error = error if error and error.startswith("console.error.") else None
        return done, error

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

    # The queue.

    async def queue_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role == "admin":
                return RedirectResponse("/admin/users", status_code=303)
            filters = Filters.from_query(dict(request.query_params), officer)
            rows = await self._rows(signed, filters)
            unit = await signed.session.get(Unit, officer.unit_id)
            assert unit is not None
            present = await duty_now(signed.session, unit, self.deployment, self.now())
            rows["on_duty"] = [name for officer_id, name in rows["names"].items() if officer_id in present]
            template = "queue_rows.html" if request.query_params.get("fragment") else "queue.html"
            return self.render(request, template, officer.locale, officer=officer, filters=filters, **rows)

    async def _rows(self, signed: Signed, filters: Filters) -> dict[str, Any]:
        now = self.now()
        reports = await queue(signed.session, signed.officer, filters, self.deployment, now)
        names = {
            o.id: o.display_name
            for o in (
                await signed.session.scalars(select(Officer).where(Officer.unit_id == signed.officer.unit_id))
            )
        }
        return {
            "reports": reports,
            "deadlines": {r.id: deadline(r, self.deployment, now) for r in reports},
            "names": names,
            "now": now,
        }

    async def queue_poll(self, request: Request) -> Response:
        """For the page's polling: the newest case id and the unacknowledged urgent ones."""
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            officer = signed.officer
            visible = await queue(
                signed.session,
                officer,
                Filters(folder="all" if officer.role == "supervisor" else "unassigned"),
                self.deployment,
                self.now(),
            )
            mine = await queue(signed.session, officer, Filters(folder="mine"), self.deployment, self.now())
            cases = {r.id: r for r in [*visible, *mine]}
            urgent = sorted(r.id for r in cases.values() if r.urgency == "urgent" and r.status == "baru")
            return JSONResponse(
                {"signed_in": True, "newest": max(cases, default=0), "urgent": urgent},
                headers={"Cache-Control": "no-store"},
            )

    # A case.

    async def case_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            desk = await self.desk(signed)
            report = await desk.find(request.path_params["reference"])
            if report is None:
                return self.not_found(request, signed.officer.locale)
            view = await desk.view(report)
            done, error = self.flash(request)
            return self.render(
                request,
                "case.html",
                signed.officer.locale,
                officer=signed.officer,
                case=view,
                done=done,
                error=error,
            )

    async def case_action(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        reference, action = request.path_params["reference"], request.path_params["action"]
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            desk = await self.desk(signed)
            report = await desk.find(reference)
            if report is None:
                return self.not_found(request, signed.officer.locale)
            try:
                message = await desk.act(report, action, form)
            except ActionRefused as refused:
                query = urlencode({"error": refused.key})
            else:
                query = urlencode({"done": message})
        return RedirectResponse(f"/admin/cases/{reference}?{query}", status_code=303)

    async def case_file(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            desk = await self.desk(signed)
            report = await desk.find(request.path_params["reference"])
            found = None
            if report is not None:
                original = request.query_params.get("original") == "1"
                found = await desk.attachment(report, request.path_params["ref"], original=original)
            if found is None:
                return self.not_found(request, signed.officer.locale)
            data, mime = found
            headers = {**HEADERS, "Content-Disposition": "inline"}
            return Response(data, media_type=mime, headers=headers)

    # Supervisors and admins.

    async def audit_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role not in ("supervisor", "admin"):
                return self.not_found(request, officer.locale)
            unit_officers = select(Officer.id).where(Officer.unit_id == officer.unit_id)
            unit_reports = select(Report.id).where(Report.unit_id == officer.unit_id)
            entries = (
                await signed.session.execute(
                    select(AuditEntry, Officer.display_name, Report.reference)
                    .outerjoin(Officer, Officer.id == AuditEntry.officer_id)
                    .outerjoin(Report, Report.id == AuditEntry.report_id)
                    .where(
                        (AuditEntry.officer_id.in_(unit_officers)) | (AuditEntry.report_id.in_(unit_reports))
                    )
                    .order_by(AuditEntry.id.desc())
                    .limit(300)
                )
            ).all()
            return self.render(request, "audit.html", officer.locale, officer=officer, entries=entries)

    async def users_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role != "admin":
                return self.not_found(request, officer.locale)
            created = None
            error = None
            if request.method == "POST":
                form = await request.form()
                password = secrets.token_urlsafe(12)
                unit = await signed.session.get(Unit, officer.unit_id)
                assert unit is not None
                try:
                    new = await add_officer(
                        signed.session,
                        str(form.get("username", "")).strip(),
                        str(form.get("name", "")).strip() or str(form.get("username", "")),
                        unit.code,
                        str(form.get("role", "officer")),
                        password,
                    )
                    created = (new.username, password)
                except OfficerError:
                    error = "console.users.error"
            users = (
                await signed.session.scalars(
                    select(Officer).where(Officer.unit_id == officer.unit_id).order_by(Officer.username)
                )
            ).all()
            return self.render(
                request,
                "users.html",
                officer.locale,
                officer=officer,
                users=users,
                roles=ROLES,
                created=created,
                error=error,
                link_code=None,
            )

    async def user_action(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            admin = signed.officer
            target = await signed.session.get(Officer, request.path_params["officer_id"])
            if admin.role != "admin" or target is None or target.unit_id != admin.unit_id:
                return self.not_found(request, admin.locale)
            action, now = request.path_params["action"], self.now()
            link_code = None
            if action == "deactivate" and target.id != admin.id:
                target.active = False
                await sessions.revoke_all(signed.session, target.id, now)
            elif action == "link-code":
                link_code = await issue_code(signed.session, self.keyring, target, now)
            await audit.record(
                signed.session,
                action=f"user_{action}",
                actor="console",
                officer_id=admin.id,
                now=now,
                detail={"target": target.id},
            )
            users = (
                await signed.session.scalars(
                    select(Officer).where(Officer.unit_id == admin.unit_id).order_by(Officer.username)
                )
            ).all()
            return self.render(
                request,
                "users.html",
                admin.locale,
                officer=admin,
                users=users,
                roles=ROLES,
                created=None,
                error=None,
                link_code=(target.username, link_code) if link_code else None,
            )

    # Statistics and the roster.

    async def _summary(self, signed: Signed, request: Request) -> stats.Summary:
        unit_row = await signed.session.get(Unit, signed.officer.unit_id)
        assert unit_row is not None
        unit = next(u for u in self.deployment.units if u.code == unit_row.code)
        today = self.now().astimezone(unit.zone).date()
        quarter = stats.Quarter.parse(request.query_params.get("quarter"), today)
        locale = signed.officer.locale

        def gettext(key: str) -> str:
            return self.hotline.catalogues.text(locale, key)

        return await stats.summarise(
            signed.session, unit, unit_row.id, quarter, self.deployment, self.now(), gettext, locale
        )

    async def stats_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role not in ("supervisor", "admin"):
                return self.not_found(request, officer.locale)
            summary = await self._summary(signed, request)
            by_dimension = {d: [r for r in summary.rows if r.dimension == d] for d in stats.DIMENSIONS}
            charts = {d: stats.bars(rows) for d, rows in by_dimension.items()}
            return self.render(
                request,
                "stats.html",
                officer.locale,
                officer=officer,
                summary=summary,
                by_dimension=by_dimension,
                charts=charts,
            )

    async def stats_export(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role not in ("supervisor", "admin"):
                return self.not_found(request, officer.locale)
            summary = await self._summary(signed, request)
            await audit.record(
                signed.session,
                action="export",
                actor="console",
                officer_id=officer.id,
                now=self.now(),
                detail={"quarter": summary.quarter.label},
            )
            name = f"pksai-{summary.unit.code}-{summary.quarter.label}"
            if request.query_params.get("format") == "xlsx":
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                body, name = stats.to_xlsx(summary), name + ".xlsx"
            else:
                media, body, name = "text/csv; charset=utf-8", stats.to_csv(summary), name + ".csv"
            headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
            return Response(body, media_type=media, headers=headers)

    async def roster_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            error = done = None
            if request.method == "POST":
                if officer.role not in ("supervisor", "admin"):
                    return self.not_found(request, officer.locale)
                form = {k: str(v) for k, v in (await request.form()).items()}
                try:
                    await self._roster_change(signed, form)
                    done = "console.roster.saved"
                except (RosterError, ValueError):
                    error = "console.roster.error"
            unit = await signed.session.get(Unit, officer.unit_id)
            assert unit is not None
            present = await duty_now(signed.session, unit, self.deployment, self.now())
            members = (
                await signed.session.scalars(
                    select(Officer)
                    .where(
                        Officer.unit_id == officer.unit_id,
                        Officer.active.is_(True),
                        Officer.role.in_(("officer", "supervisor")),
                    )
                    .order_by(Officer.display_name)
                )
            ).all()
            return self.render(
                request,
                "roster.html",
                officer.locale,
                officer=officer,
                unit=unit,
                members=members,
                present=present,
                shifts=await weekly(signed.session, unit.id),
                changes=await roster_changes(signed.session, unit.id),
                describe=describe,
                done=done,
                error=error,
            )

    async def _roster_change(self, signed: Signed, form: dict[str, str]) -> None:
        target_id = form.get("officer", "")
        target = await signed.session.get(Officer, int(target_id)) if target_id.isdigit() else None
        if target is not None and target.unit_id != signed.officer.unit_id:
            raise RosterError("officer of another unit")
        kind = form.get("kind", "")
        span = parse_span(form["starts"], form["ends"]) if form.get("starts") and form.get("ends") else None
        if kind == "weekly":
            if target is None or span is None:
                raise RosterError("weekly shifts need an officer and hours")
            await add_shifts(signed.session, target, parse_days(form.get("days", "")), *span)
        else:
            await add_change(
                signed.session,
                signed.officer.unit_id,
                target if kind != "holiday" else None,
                form.get("day", ""),
                kind,
                span,
            )
        await audit.record(
            signed.session,
            action=f"roster_{kind}",
            actor="console",
            officer_id=signed.officer.id,
            now=self.now(),
            detail={"target": target.id if target else None},
        )
