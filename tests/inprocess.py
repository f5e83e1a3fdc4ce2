"""The whole ASGI stack of ``hotline serve`` (body limit, HSTS, CSRF, app) driven in-process by
httpx, as a browser at one client address would, on whichever database the fixture gives."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pyotp
from sqlalchemy import select
from starlette.types import ASGIApp

from admin.entry import service_app
from bot.hotline import Hotline
from storage.models import Officer
from storage.officers import add_officer

PASSWORD = "sandi-yang-panjang"
TOTP_SECRETS: dict[tuple[str, str], str] = {}
"""Two-step secrets of test staff, per database and username, kept from their enrolment."""
USED_STEPS: dict[tuple[str, str], int] = {}
"""The last 30-second step whose code each person used (the server takes a code once)."""


class Browser:
    def __init__(
        self,
        hotline: Hotline,
        address: str = "10.1.1.1",
        *,
        raise_errors: bool = True,
        app: ASGIApp | None = None,
    ):
        self.hotline = hotline
        self.app = app or service_app(hotline)
        transport = httpx.ASGITransport(
            app=self.app, client=(address, 40000), raise_app_exceptions=raise_errors
        )
        self.http = httpx.AsyncClient(
            transport=transport, base_url="https://hotline.test", follow_redirects=False, timeout=60
        )
        self.token = ""

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def csrf(self) -> str:
        if not self.token:
            page = await self.http.get("/admin/login")
            found = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
            assert found is not None, page.text
            self.token = found.group(1)
        return self.token

    async def post(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post(path, data={"csrftoken": await self.csrf(), **(data or {})})

    async def sign_in(
        self, username: str, password: str = PASSWORD, *, second_step: bool = True
    ) -> httpx.Response:
        """The password, then (for a supervisor, who must use it) the TOTP code."""
        response = await self.post("/admin/login", {"username": username, "password": password})
        if not second_step or response.headers.get("location") != "/admin/totp":
            return response
        async with self.hotline.sessions() as session:
            role = await session.scalar(select(Officer.role).where(Officer.username == username))
        if role != "supervisor":
            return response  # admins' two-step sign-in is what some tests are about
        return await self.second_step(username)

    async def second_step(self, username: str) -> httpx.Response:
        key = (self.hotline.settings.database_url, username)
        page = await self.http.get("/admin/totp")
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
        pending = re.search(r'name="pending" value="([0-9a-f]+)"', page.text)
        if secret is not None:
            TOTP_SECRETS[key] = secret.group(1)
        now = self.hotline.runtime.clock().timestamp()
        step = max(int(now // 30), USED_STEPS.get(key, -1) + 1)
        USED_STEPS[key] = step
        data = {"code": pyotp.TOTP(TOTP_SECRETS[key]).at(step * 30)}
        if pending is not None:
            data["pending"] = pending.group(1)
        return await self.post("/admin/totp", data)

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("hotline_console")


async def add_staff(
    hotline: Hotline, username: str, role: str = "officer", unit: str = "kota-pekalongan"
) -> int:
    async with hotline.sessions() as session, session.begin():
        officer = await add_officer(session, username, username.title(), unit, role, PASSWORD)
        return officer.id
