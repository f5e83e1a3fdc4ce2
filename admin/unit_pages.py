"""Running the unit: audit trail, users, statistics and export, the duty roster."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import sessions, stats
from admin.form_values import form_fields, parse_id
from admin.pages import HEADERS, Pages, Signed
from flows.roster import RosterError, describe, parse_days, parse_span
from storage import audit
from storage.duty import duty_now
from storage.models import AuditEntry, Officer, Report, Unit
from storage.officer_links import issue_code
from storage.officers import ROLES, OfficerError, add_officer
from storage.roster import add_change, add_shifts, weekly
from storage.roster import changes as roster_changes

SUPERVISING = ("supervisor", "admin")
"""Roles that see the whole unit's running: audit, statistics, roster changes."""


class UnitPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/audit", self.audit_page),
            Route("/admin/stats", self.stats_page),
            Route("/admin/stats/export", self.stats_export),
            Route("/admin/roster", self.roster_page, methods=["GET", "POST"]),
            Route("/admin/users", self.users_page, methods=["GET", "POST"]),
            Route("/admin/users/{officer_id:int}/{action}", self.user_action, methods=["POST"]),
        ]

    # Supervisors and admins.

    async def audit_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            officer = signed.officer
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
            if (refused := self.refusal(request, signed, ("admin",))) is not None:
                return refused
            assert signed is not None
            officer = signed.officer
            created = None
            error = None
            if request.method == "POST":
                form = await form_fields(request)
                password = secrets.token_urlsafe(12)
                unit = await signed.session.get(Unit, officer.unit_id)
                assert unit is not None
                try:
                    new = await add_officer(
                        signed.session,
                        form.get("username", "").strip(),
                        form.get("name", "").strip() or form.get("username", ""),
                        unit.code,
                        form.get("role", "officer"),
                        password,
                    )
                    created = (new.username, password)
                except OfficerError:
                    error = "console.users.error"
            return await self._users(request, signed, created=created, error=error)

    async def user_action(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            admin = signed.officer
            target_id = parse_id(str(request.path_params["officer_id"]))
            target = await signed.session.get(Officer, target_id) if target_id else None
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
            code = (target.username, link_code) if link_code else None
            return await self._users(request, signed, link_code=code)

    async def _users(self, request: Request, signed: Signed, **shown: Any) -> Response:
        """The users page, with whatever the last action has to show once (a password, a code)."""
        officer = signed.officer
        statement = select(Officer).where(Officer.unit_id == officer.unit_id).order_by(Officer.username)
        users = (await signed.session.scalars(statement)).all()
        context = {"created": None, "error": None, "link_code": None, **shown}
        return self.render(
            request, "users.html", officer.locale, officer=officer, users=users, roles=ROLES, **context
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
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            officer = signed.officer
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
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            officer = signed.officer
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
                if officer.role not in SUPERVISING:
                    return self.not_found(request, officer.locale)
                form = await form_fields(request)
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
        target_id = parse_id(form.get("officer"))
        target = await signed.session.get(Officer, target_id) if target_id else None
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
