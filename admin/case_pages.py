"""The queue and the case page: where a report becomes help for a child."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from admin.casework import ActionRefused
from admin.form_values import form_fields
from admin.pages import HEADERS, Pages, Signed
from admin.queue import Filters, queue
from flows.sla import deadline
from storage.duty import duty_now
from storage.models import Officer, Unit


class CasePages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/queue", self.queue_page),
            Route("/admin/queue/poll", self.queue_poll),
            Route("/admin/cases/{reference}", self.case_page),
            Route("/admin/cases/{reference}/files/{ref}", self.case_file),
            Route("/admin/cases/{reference}/{action}", self.case_action, methods=["POST"]),
        ]

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
        form = await form_fields(request)
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
            original = request.query_params.get("original") == "1"
            if report is not None:
                found = await desk.attachment(report, request.path_params["ref"], original=original)
            if found is None or report is None:
                return self.not_found(request, signed.officer.locale)
            data, extension = found
            name = f"{report.reference}-{request.path_params['ref']}.{extension}"
            return _file_response(data, name, original)


FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
"""Whatever a file turns out to be, opened in the browser it runs nothing and loads nothing."""


def _file_response(data: bytes, name: str, original: bool) -> Response:
    """Originals (evidence, any type) only ever as downloads of opaque bytes; inline, only the
    display copy, which is a JPEG this server encoded itself without metadata."""
    headers = {**HEADERS, "Content-Security-Policy": FILE_CSP, "X-Content-Type-Options": "nosniff"}
    if original:
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(data, media_type="application/octet-stream", headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(data, media_type="image/jpeg", headers=headers)
