"""The case page: where a report becomes help for a child."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from admin.case_closing import NeedsConfirmation
from admin.casework import ActionRefused
from admin.form_values import form_fields
from admin.pages import HEADERS, Pages
from admin.queue import Filters, queue
from storage.case_reads import latest_event_id


class CasePages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/cases/{reference}", self.case_page),
            Route("/admin/cases/{reference}/poll", self.case_poll),
            Route("/admin/cases/{reference}/files/{ref}", self.case_file),
            Route("/admin/cases/{reference}/{action}", self.case_action, methods=["POST"]),
        ]

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
            order = [
                r.reference
                for r in await queue(
                    signed.session,
                    signed.officer,
                    Filters.from_query({}, signed.officer),
                    self.deployment,
                    self.now(),
                )
            ]
            here = order.index(report.reference) if report.reference in order else -1
            return self.render(
                request,
                "case.html",
                signed.officer.locale,
                officer=signed.officer,
                case=view,
                done=done,
                error=error,
                previous=order[here - 1] if here > 0 else None,
                following=order[here + 1]
                if 0 <= here < len(order) - 1
                else (order[0] if here < 0 and order else None),
                version=await latest_event_id(signed.session, report.id),
            )

    async def case_poll(self, request: Request) -> Response:
        """For the open case page: has anything new happened (a message, a status change)?"""
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            desk = await self.desk(signed)
            report = await desk.find(request.path_params["reference"])
            if report is None:
                return JSONResponse({"found": False}, status_code=404)
            version = await latest_event_id(signed.session, report.id)
            return JSONResponse(
                {"signed_in": True, "version": version, "status": report.status},
                headers={"Cache-Control": "no-store"},
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
            except NeedsConfirmation as pending:
                return self.render(
                    request,
                    "close_confirm.html",
                    signed.officer.locale,
                    officer=signed.officer,
                    report=report,
                    items=pending.items,
                    form=pending.form,
                    outcome=next(o for o in self.deployment.outcomes if o.code == pending.form["outcome"]),
                )
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
