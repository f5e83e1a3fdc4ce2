"""The unit's accounts, for its admin: add, issue a Telegram link code, reset a password (a new
one shown once; the person must choose their own at next sign-in), deactivate. The two actions
that lock someone out ask for confirmation on a page of their own, which works without script."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import sessions
from admin.form_values import form_fields, parse_id
from admin.pages import Pages, Signed
from flows.vocabulary import AuditAction, Door, Role
from storage import attempts, audit
from storage.models import Officer, Unit
from storage.officer_links import issue_code
from storage.officers import HASHER, ROLES, OfficerError, add_officer
from storage.push_subscriptions import PushSubscriptions

CONFIRMED = ("deactivate", "reset")
ACTIONS = {
    "deactivate": AuditAction.USER_DEACTIVATE,
    "reset": AuditAction.USER_RESET,
    "link-code": AuditAction.USER_LINK_CODE,
}
"""The actions on a user, as the URL names them, with their audit rows."""


def new_password() -> str:
    return secrets.token_urlsafe(12)


class UserPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/users", self.users_page, methods=["GET", "POST"]),
            Route("/admin/users/{officer_id:str}/{action}", self.user_action, methods=["POST"]),
        ]

    async def users_page(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if (refused := self.refusal(request, signed, (Role.ADMIN,))) is not None:
                return refused
            assert signed is not None
            created = error = None
            if request.method == "POST":
                form = await form_fields(request)
                password = new_password()
                unit = await signed.session.get(Unit, signed.officer.unit_id)
                assert unit is not None
                username = form.get("username", "").strip()
                try:
                    new = await add_officer(
                        signed.session,
                        username,
                        form.get("name", "").strip() or username,
                        unit.code,
                        form.get("role", Role.OFFICER),
                        password,
                    )
                    new.must_change_password = True
                    created = (new.username, password)
                except OfficerError:
                    error = "console.users.error"
            return await self._users(request, signed, created=created, error=error)

    async def user_action(self, request: Request) -> Response:
        form = await form_fields(request)
        async with self.signed_in(request) as signed:
            if signed is None:
                return self.to_login()
            admin = signed.officer
            target_id = parse_id(request.path_params["officer_id"])
            target = await signed.session.get(Officer, target_id) if target_id else None
            action, now = request.path_params["action"], self.now()
            if admin.role != Role.ADMIN or target is None or target.unit_id != admin.unit_id:
                return self.not_found(request, admin.locale)
            if action not in ACTIONS or (action == "deactivate" and target.id == admin.id):
                return self.not_found(request, admin.locale)
            if action in CONFIRMED and form.get("confirm") != "1":
                return self.render(
                    request, "user_confirm.html", admin.locale, officer=admin, target=target, action=action
                )
            shown: dict[str, Any] = {}
            if action == "deactivate":
                target.active = False
                await sessions.revoke_all(signed.session, target.id, now)
                await PushSubscriptions(signed.session, self.keyring).forget_officer(target.id)
                shown["done"] = "console.users.deactivated"
            elif action == "reset":
                password = new_password()
                target.password_hash = await asyncio.to_thread(HASHER.hash, password)
                target.must_change_password = True
                lockout = self.keyring.counter_key("login-account", target.username.casefold())
                await attempts.forget(signed.session, lockout)
                await sessions.revoke_all(signed.session, target.id, now)
                shown["reset"] = (target.username, password)
            else:
                shown["link_code"] = (
                    target.username,
                    await issue_code(signed.session, self.keyring, target, now),
                )
            await audit.record(
                signed.session,
                action=ACTIONS[action],
                actor=Door.CONSOLE,
                officer_id=admin.id,
                now=now,
                detail={"target": target.id},
            )
            return await self._users(request, signed, **shown)

    async def _users(self, request: Request, signed: Signed, **shown: Any) -> Response:
        """The users page, with whatever the last action has to show once (a password, a code)."""
        officer = signed.officer
        statement = select(Officer).where(Officer.unit_id == officer.unit_id).order_by(Officer.username)
        users = (await signed.session.scalars(statement)).all()
        context = {"created": None, "error": None, "link_code": None, "reset": None, "done": None, **shown}
        return self.render(
            request, "users.html", officer.locale, officer=officer, users=users, roles=ROLES, **context
        )
