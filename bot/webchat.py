"""The anonymous web chat at ``/``: a page of our own (no account, nothing from other hosts, no
tracking, ``no-store``) talking JSON to the same runtime as every channel.

The browser keeps a random client token in ``sessionStorage`` (gone when the tab closes or on quick
exit); the URL never changes, so browser history shows nothing about a report.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from bot.hotline import Hotline
from bot.ratelimit import RateLimiter
from bot.runtime import Inbound
from flows import inbound as ev
from flows.i18n import N_
from flows.outbound import Reply
from flows.understanding import parse_phone, receipt_digits

CHANNEL = "web"
CLIENT = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
TEXT_LIMIT = 20_000
NO_STORE = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def reply_json(reply: Reply, question: str) -> dict[str, Any]:
    return {
        "text": reply.text,
        "urgent": reply.urgent,
        "question": reply.question or question,
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
    }


class WebChat:
    def __init__(self, hotline: Hotline, templates: Any):
        self.hotline = hotline
        self.templates = templates
        key = hotline.settings.keyring.pseudonym("webchat", "rate-limit").encode()
        self.starts = RateLimiter(key, limit=10, window_seconds=600)
        self.messages = RateLimiter(key, limit=120, window_seconds=600)
        self.lookups = RateLimiter(key, limit=10, window_seconds=3600)

    def locale(self, request: Request) -> str:
        locale = request.query_params.get("lang") or self.hotline.settings.deployment.hotline.default_locale
        return locale if locale in self.hotline.catalogues.locales else "id"

    async def page(self, request: Request) -> Response:
        deployment = self.hotline.settings.deployment
        locale = self.locale(request)

        def gettext(key: str, **params: object) -> str:
            return self.hotline.catalogues.text(locale, key, **params)

        html = self.templates.get_template("chat.html").render(
            _=gettext,
            locale=locale,
            hotline=deployment.hotline.name,
            numbers=[
                (n.number, _link(n.number, n.kind, deployment.hotline.phone_region), n.label.get(locale))
                for n in deployment.emergency_numbers
            ],
            regions=[r.name for r in deployment.regions.values()],
            quick_exit=self.hotline.settings.quick_exit_url,
        )
        return HTMLResponse(html, headers=NO_STORE)

    def _refuse(self, locale: str, key: str, status: int = 429) -> Response:
        text = self.hotline.catalogues.text(locale, key)
        return JSONResponse(
            {"error": "rate_limited", "replies": [{"text": text, "options": []}]},
            status_code=status,
            headers=NO_STORE,
        )

    async def start(self, request: Request) -> Response:
        body = await _json(request)
        locale = body.get("locale") if body.get("locale") in ("id", "en") else "id"
        if not self.starts.allow(_ip(request)):
            return self._refuse(locale, N_("webchat.too_many_starts"))
        client = secrets.token_urlsafe(32)
        if locale != "id":
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Command("start")))
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Command("bahasa")))
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Choice(locale)))
        return JSONResponse({"client": client}, headers=NO_STORE)

    async def resume(self, request: Request) -> Response:
        client = str((await _json(request)).get("client", ""))
        if not CLIENT.match(client):
            return JSONResponse({"error": "no_client"}, status_code=400, headers=NO_STORE)
        replies = await self.hotline.runtime.current_question(CHANNEL, client)
        return JSONResponse({"replies": [reply_json(r, "") for r in replies]}, headers=NO_STORE)

    async def send(self, request: Request) -> Response:
        body = await _json(request)
        client = str(body.get("client", ""))
        locale = body.get("locale") if body.get("locale") in ("id", "en") else "id"
        if not CLIENT.match(client):
            return JSONResponse({"error": "no_client"}, status_code=400, headers=NO_STORE)
        ip = _ip(request)
        if not self.messages.allow(client) or not self.messages.allow("ip:" + ip):
            return self._refuse(locale, N_("webchat.too_many_messages"))
        if isinstance(body.get("choice"), str):
            question = body.get("question") if isinstance(body.get("question"), str) else None
            event: ev.Event = ev.Choice(body["choice"][:64], asked_in=question or None)
        else:
            text = str(body.get("text", ""))[:TEXT_LIMIT]
            if receipt_digits(text) and parse_phone(text, "ID") is None and not self.lookups.allow(ip):
                return self._refuse(locale, N_("webchat.too_many_lookups"))
            event = ev.Text(text)
        async with self.hotline.sessions() as session, session.begin():
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, client, event))
        replies = [reply_json(r, handled.state) for r in handled.replies]
        return JSONResponse({"replies": replies}, headers=NO_STORE)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _link(number: str, kind: str, region: str) -> str:
    if kind != "whatsapp":
        return f"tel:{number}"
    e164 = parse_phone(number, region) or number
    return f"https://wa.me/{e164.lstrip('+')}"
