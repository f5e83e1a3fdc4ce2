"""The officers' console at /admin: its page groups and static files, as one list of routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from admin.audit_pages import AuditPages
from admin.case_pages import CasePages
from admin.pages import PASSWORD_PAGE, PasswordChangeRequired
from admin.password_pages import PasswordPages
from admin.push_pages import PushPages
from admin.queue_pages import QueuePages
from admin.reply_pages import ReplyPages
from admin.roster_pages import RosterPages
from admin.signin_pages import SignInPages
from admin.unit_pages import UnitPages
from admin.user_pages import UserPages
from bot.hotline import Hotline

HERE = Path(__file__).parent
GROUPS = (
    SignInPages,
    PasswordPages,
    QueuePages,
    CasePages,
    UnitPages,
    AuditPages,
    RosterPages,
    UserPages,
    ReplyPages,
    PushPages,
)
Endpoint = Callable[[Request], Awaitable[Response]]


def _password_first(endpoint: Endpoint) -> Endpoint:
    """Someone whose password was reset by an admin chooses a new one before anything else."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except PasswordChangeRequired:
            return RedirectResponse(PASSWORD_PAGE, status_code=303)

    return guarded


class Console:
    def __init__(self, hotline: Hotline):
        self.groups = [group(hotline) for group in GROUPS]

    def routes(self) -> list[Route | Mount]:
        routes: list[Route | Mount] = [
            Route(route.path, _password_first(route.endpoint), methods=route.methods, name=route.name)
            for group in self.groups
            for route in group.routes()
        ]
        routes.append(Mount("/admin/static", StaticFiles(directory=HERE / "static"), name="admin-static"))
        return routes
