"""The whole ASGI stack of ``hotline serve`` (body limit, HSTS, CSRF, app) driven in-process by
httpx, as a browser at one client address would, on whichever database the fixture gives."""

from __future__ import annotations

import re
from typing import Any

import httpx
from starlette.types import ASGIApp

from admin.entry import service_app
from bot.hotline import Hotline
from storage.officers import add_officer

PASSWORD = "sandi-yang-panjang"


class Browser:
    def __init__(
        self,
        hotline: Hotline,
        address: str = "10.1.1.1",
        *,
        raise_errors: bool = True,
        app: ASGIApp | None = None,
    ):
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

    async def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return await self.post("/admin/login", {"username": username, "password": password})

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("hotline_console")


async def add_staff(
    hotline: Hotline, username: str, role: str = "officer", unit: str = "kota-pekalongan"
) -> int:
    async with hotline.sessions() as session, session.begin():
        officer = await add_officer(session, username, username.title(), unit, role, PASSWORD)
        return officer.id
