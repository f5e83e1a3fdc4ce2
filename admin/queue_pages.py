"""The queue: folders with unread counts, the last reporter message of each case, referral
follow-ups that are overdue, and polling so new cases and messages appear without a reload."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from admin.pages import Pages, Signed
from admin.queue import FOLDERS, Filters, queue
from flows.sla import deadline
from flows.vocabulary import CLOSED, OPEN_REFERRALS, Role, Status, Urgency
from storage.case_reads import Unread, unread
from storage.duty import duty_now
from storage.models import CaseEvent, Officer, Referral, Report, Unit


class QueuePages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/queue", self.queue_page),
            Route("/admin/queue/poll", self.queue_poll),
        ]

    async def queue_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            officer = signed.officer
            if officer.role == Role.ADMIN:
                return RedirectResponse("/admin/users", status_code=303)
            filters = Filters.from_query(dict(request.query_params), officer)
            rows = await self._rows(signed, filters)
            unit = await signed.session.get(Unit, officer.unit_id)
            assert unit is not None
            present = await duty_now(signed.session, unit, self.deployment, self.now())
            rows["on_duty"] = [name for officer_id, name in rows["names"].items() if officer_id in present]
            rows["late_referrals"] = await self._late_referrals(signed)
            template = "queue_rows.html" if request.query_params.get("fragment") else "queue.html"
            return self.render(request, template, officer.locale, officer=officer, filters=filters, **rows)

    async def _folders(self, signed: Signed) -> dict[str, dict[int, Report]]:
        officer, now = signed.officer, self.now()
        folders = {}
        for folder in FOLDERS:
            found = await queue(signed.session, officer, Filters(folder=folder), self.deployment, now)
            folders[folder] = {r.id: r for r in found}
        return folders

    async def _rows(self, signed: Signed, filters: Filters) -> dict[str, Any]:
        now = self.now()
        reports = await queue(signed.session, signed.officer, filters, self.deployment, now)
        folders = await self._folders(signed)
        every = {i for cases in folders.values() for i in cases} | {r.id for r in reports}
        state = await unread(signed.session, signed.officer.id, every)
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
            "unread": state,
            "unread_counts": _counts(folders, state),
        }

    async def _late_referrals(self, signed: Signed) -> list[tuple[str, str, str]]:
        """(reference, service, follow-up date) of this officer's (or, for a supervisor, the unit's)
        open referrals whose follow-up date has passed."""
        officer = signed.officer
        today = self.now().astimezone(self.deployment.default_unit.zone).date().isoformat()
        statement = (
            select(Report.reference, Referral.service, Referral.follow_up_on)
            .join(Report, Report.id == Referral.report_id)
            .where(Report.unit_id == officer.unit_id, Report.status.not_in(CLOSED))
            .where(Referral.status.in_(OPEN_REFERRALS), Referral.follow_up_on < today)
            .order_by(Referral.follow_up_on, Report.id)
        )
        if officer.role != Role.SUPERVISOR:
            statement = statement.where(Report.assignee_id == officer.id)
        return [
            (ref, service, day or "") for ref, service, day in (await signed.session.execute(statement)).all()
        ]

    async def queue_poll(self, request: Request) -> Response:
        """For the page's polling: the newest case, the latest event on any visible case (a new
        message), unread counts per folder, and the unacknowledged urgent cases."""
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            folders = await self._folders(signed)
            cases = {i: r for found in folders.values() for i, r in found.items()}
            state = await unread(signed.session, signed.officer.id, cases)
            activity = await signed.session.scalar(
                select(func.max(CaseEvent.id)).where(CaseEvent.report_id.in_(list(cases) or [0]))
            )
            urgent = sorted(
                r.id for r in cases.values() if r.urgency == Urgency.URGENT and r.status == Status.NEW
            )
            return JSONResponse(
                {
                    "signed_in": True,
                    "newest": max(cases, default=0),
                    "activity": int(activity or 0),
                    "unread": _counts(folders, state),
                    "urgent": urgent,
                },
                headers={"Cache-Control": "no-store"},
            )


def _counts(folders: dict[str, dict[int, Report]], state: dict[int, Unread]) -> dict[str, int]:
    return {
        folder: sum(1 for i in cases if (u := state.get(i)) is not None and u.any)
        for folder, cases in folders.items()
    }
