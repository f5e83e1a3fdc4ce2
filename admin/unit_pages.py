"""Statistics and the quarterly export of a unit, for its supervisors and admin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import stats, stats_export
from admin.pages import HEADERS, Pages, Signed
from flows.vocabulary import AuditAction, Door, Role
from storage import audit
from storage.models import Unit

SUPERVISING = (Role.SUPERVISOR, Role.ADMIN)
"""Roles that see the whole unit's running: audit, statistics, roster changes."""


class UnitPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/stats", self.stats_page),
            Route("/admin/stats/export", self.stats_export),
        ]

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
            today = self.now().astimezone(summary.unit.zone).date()
            return self.render(
                request,
                "stats.html",
                officer.locale,
                officer=officer,
                summary=summary,
                by_dimension=by_dimension,
                tops={d: max((r.total for r in rows), default=0) for d, rows in by_dimension.items()},
                bar=stats.bar,
                month_name=stats.month_name,
                quarters=stats.quarters_until(today),
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
                action=AuditAction.EXPORT,
                actor=Door.CONSOLE,
                officer_id=officer.id,
                now=self.now(),
                detail={"quarter": summary.quarter.label},
            )

            def gettext(key: str) -> str:
                return self.hotline.catalogues.text(officer.locale, key)

            name = f"pksai-{summary.unit.code}-{summary.quarter.label}"
            if request.query_params.get("format") == "xlsx":
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                body, name = stats_export.to_xlsx(summary, gettext), name + ".xlsx"
            else:
                delimiter = self.hotline.settings.csv_delimiter
                body = stats_export.to_csv(summary, gettext, delimiter)
                media, name = "text/csv; charset=utf-8", name + ".csv"
            headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
            return Response(body, media_type=media, headers=headers)
