"""A unit's ready-made replies (balasan siap pakai), edited by its supervisors and admin in both
languages and shown in full; officers pick them on the case page."""

from __future__ import annotations

from sqlalchemy import delete
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.form_values import form_fields, parse_id
from admin.pages import Pages, Signed
from admin.unit_pages import SUPERVISING
from flows.vocabulary import AuditAction, Door
from storage import audit
from storage.canned_replies import MAX_TEXT, adopt_defaults, replies_or_defaults, unit_replies
from storage.models import CannedReply


class ReplyPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/replies", self.replies_page, methods=["GET", "POST"]),
        ]

    async def replies_page(self, request: Request) -> Response:
        form = await form_fields(request) if request.method == "POST" else None
        async with self.signed_in(request) as signed:
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            officer, unit_id = signed.officer, signed.officer.unit_id
            if form is not None:
                text_id = form.get("text_id", "").strip()[:MAX_TEXT]
                text_en = form.get("text_en", "").strip()[:MAX_TEXT] or text_id
                deleting = form.get("delete") == "1"
                shown = await replies_or_defaults(signed.session, unit_id, self.deployment)
                position = parse_id(form.get("position"))
                if position is not None and position > len(shown):
                    return self.not_found(request, officer.locale)
                if (deleting and position is None) or (not deleting and not text_id):
                    return await self._page(request, signed, error="console.replies.empty")
                await adopt_defaults(signed.session, unit_id, self.deployment)
                rows = await unit_replies(signed.session, unit_id)
                row = rows[position - 1] if position is not None else None
                if deleting and row is not None:
                    await signed.session.execute(delete(CannedReply).where(CannedReply.id == row.id))
                elif row is None:
                    signed.session.add(
                        CannedReply(unit_id=unit_id, position=len(rows), text_id=text_id, text_en=text_en)
                    )
                else:
                    row.text_id, row.text_en = text_id, text_en
                await audit.record(
                    signed.session,
                    action=AuditAction.REPLIES_SAVED,
                    actor=Door.CONSOLE,
                    officer_id=officer.id,
                    now=self.now(),
                )
                return RedirectResponse("/admin/replies?done=console.done.saved", status_code=303)
            done, error = self.flash(request)
            return await self._page(request, signed, done=done, error=error)

    async def _page(
        self, request: Request, signed: Signed, done: str | None = None, error: str | None = None
    ) -> Response:
        officer = signed.officer
        rows = await replies_or_defaults(signed.session, officer.unit_id, self.deployment)
        return self.render(
            request, "replies.html", officer.locale, officer=officer, replies=rows, done=done, error=error
        )
