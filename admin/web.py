"""The officers' console at /admin: its page groups and static files, as one list of routes."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from admin.case_pages import CasePages
from admin.push_pages import PushPages
from admin.signin_pages import SignInPages
from admin.unit_pages import UnitPages
from bot.hotline import Hotline

HERE = Path(__file__).parent


class Console:
    def __init__(self, hotline: Hotline):
        self.groups = [SignInPages(hotline), CasePages(hotline), UnitPages(hotline), PushPages(hotline)]

    def routes(self) -> list[Route | Mount]:
        routes: list[Route | Mount] = [route for group in self.groups for route in group.routes()]
        routes.append(Mount("/admin/static", StaticFiles(directory=HERE / "static"), name="admin-static"))
        return routes
