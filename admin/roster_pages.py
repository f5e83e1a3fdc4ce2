"""The duty roster (jadwal piket): everyone sees who is on duty; supervisors and the unit admin
add weekly shifts (day checkboxes) and dated changes, and delete them row by row. A change that
puts someone on duty hands them the cases waiting unassigned at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.form_values import clean, form_fields, parse_id
from admin.pages import Pages, Signed
from admin.unit_pages import SUPERVISING
from flows.roster import ChangeKind, RosterError, format_minutes, parse_span
from flows.vocabulary import ON_ROSTER, AuditAction, Door
from storage import audit
from storage.duty import duty_now
from storage.models import Officer, RosterException, Shift, Unit
from storage.roster import add_change, add_shifts, weekly
from storage.roster import changes as roster_changes

SAVED = "console.roster.saved"
REMOVED = "console.done.removed"
FAILED = "console.roster.error"
DAY_VALUES = tuple(str(day) for day in range(7))
ROSTER_CHANGE = {
    ChangeKind.LEAVE: AuditAction.ROSTER_LEAVE,
    ChangeKind.HOLIDAY: AuditAction.ROSTER_HOLIDAY,
    ChangeKind.EXTRA: AuditAction.ROSTER_EXTRA,
}


class RosterPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/roster", self.roster_page, methods=["GET", "POST"]),
            Route("/admin/roster/{kind:str}/{row_id:str}/delete", self.delete_row, methods=["POST"]),
        ]

    async def roster_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            done, error = self.flash(request) if request.method == "GET" else (None, None)
            if request.method == "POST":
                if officer.role not in SUPERVISING:
                    return self.not_found(request, officer.locale)
                raw = await request.form()
                days = [clean(str(d)) for d in raw.getlist("days")]
                try:
                    await self._change(signed, await form_fields(request), days)
                    done = SAVED
                except (RosterError, ValueError, KeyError):
                    error = FAILED
            unit = await signed.session.get(Unit, officer.unit_id)
            assert unit is not None
            if done == SAVED and request.method == "POST":
                await self.hotline.router.pick_up_waiting(signed.session, unit, self.now())
            present = await duty_now(signed.session, unit, self.deployment, self.now())
            members = (
                await signed.session.scalars(
                    select(Officer)
                    .where(
                        Officer.unit_id == officer.unit_id,
                        Officer.active.is_(True),
                        Officer.role.in_(ON_ROSTER),
                    )
                    .order_by(Officer.display_name)
                )
            ).all()
            return self.render(
                request,
                "roster.html",
                officer.locale,
                status=400 if error else 200,
                officer=officer,
                unit=unit,
                members=members,
                present=present,
                shifts=await weekly(signed.session, unit.id),
                changes=await roster_changes(signed.session, unit.id),
                hm=format_minutes,
                editable=officer.role in SUPERVISING,
                done=done,
                error=error,
            )

    async def _change(self, signed: Signed, form: dict[str, str], days: Sequence[str]) -> None:
        target_id = parse_id(form.get("officer"))
        target = await signed.session.get(Officer, target_id) if target_id else None
        if target is not None and target.unit_id != signed.officer.unit_id:
            raise RosterError("officer of another unit")
        kind = form.get("kind", "")
        span = parse_span(form["starts"], form["ends"]) if form.get("starts") and form.get("ends") else None
        action = AuditAction.ROSTER_WEEKLY
        if kind == "weekly":
            weekdays = tuple(sorted({int(d) for d in days if d in DAY_VALUES}))
            if target is None or span is None or not weekdays:
                raise RosterError("weekly shifts need an officer, days and hours")
            await add_shifts(signed.session, target, weekdays, *span)
        else:
            change = ChangeKind(kind)  # ValueError: refused like any other bad change
            action = ROSTER_CHANGE[change]
            holiday = change is ChangeKind.HOLIDAY
            day = form.get("day", "")
            await add_change(
                signed.session, signed.officer.unit_id, None if holiday else target, day, change, span
            )
        await audit.record(
            signed.session,
            action=action,
            actor=Door.CONSOLE,
            officer_id=signed.officer.id,
            now=self.now(),
            detail={"target": target.id if target else None},
        )

    async def delete_row(self, request: Request) -> Response:
        kind, row_id = request.path_params["kind"], parse_id(request.path_params["row_id"])
        async with self.signed_in(request) as signed:
            if (refused := self.refusal(request, signed, SUPERVISING)) is not None:
                return refused
            assert signed is not None
            unit_id = signed.officer.unit_id
            if kind == "shift":
                members = select(Officer.id).where(Officer.unit_id == unit_id)
                statement = delete(Shift).where(Shift.id == row_id, Shift.officer_id.in_(members))
            elif kind == "change":
                statement = delete(RosterException).where(
                    RosterException.id == row_id, RosterException.unit_id == unit_id
                )
            else:
                return self.not_found(request, signed.officer.locale)
            removed = (await signed.session.execute(statement)).rowcount  # type: ignore[attr-defined]
            if not removed:
                return self.not_found(request, signed.officer.locale)
            unit = await signed.session.get(Unit, unit_id)
            assert unit is not None
            await self.hotline.router.pick_up_waiting(signed.session, unit, self.now())
            await audit.record(
                signed.session,
                action=AuditAction.ROSTER_DELETE,
                actor=Door.CONSOLE,
                officer_id=signed.officer.id,
                now=self.now(),
                detail={"kind": kind},
            )
        return RedirectResponse(f"/admin/roster?done={REMOVED}", status_code=303)
