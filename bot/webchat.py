"""The anonymous web chat at ``/``: a page of our own (no account, nothing from other hosts, no
tracking, ``no-store``) talking JSON to the same runtime as every channel.

The browser keeps a client token in ``sessionStorage`` (gone when the tab closes or on quick exit);
the URL never changes, so browser history shows nothing about a report. Tokens come only from
``/chat/start``: a random part and a keyed hash of it, so a made-up token is refused before anything
is stored and cannot walk around the per-conversation limits.

Limits, in the database so every server process counts alike (bot/ratelimit.py), per conversation
first and per address only as a backstop. Most Indonesian mobile users share carrier-grade NAT
addresses, and a school class after a child-protection talk may report from one Wi-Fi address:
40 phones filing a report each (about 25 requests apiece) in ten minutes is ~1,000 messages and 40
starts. The per-address numbers are a few times that, so they only ever stop a flood from one
machine, which the per-conversation limits and the start limit have already slowed.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from bot.hotline import Hotline
from bot.ratelimit import Limit, Limiter
from bot.runtime import Inbound
from flows import inbound as ev
from flows.i18n import N_
from flows.outbound import Reply
from flows.understanding import parse_phone, receipt_digits
from flows.vocabulary import Channel
from storage.attachments import AttachmentStore
from storage.images import ImageRejected, display_copy
from storage.reports import ReportStore

CHANNEL = Channel.WEB
CLIENT = re.compile(r"^([A-Za-z0-9_-]{22})([0-9a-f]{32})$")
TEXT_LIMIT = 20_000
TEN_MINUTES, HOUR = timedelta(minutes=10), timedelta(hours=1)
MESSAGES = Limit("webchat-messages", 120, TEN_MINUTES)
"""Per conversation: a fast typist sends a message every few seconds, never 120 in ten minutes."""
LOOKUPS = Limit("webchat-lookups", 10, HOUR)
"""Receipt-code lookups per conversation (each costs an Argon2 hash)."""
ADDRESS_STARTS = Limit("webchat-address-starts", 300, TEN_MINUTES)
ADDRESS_MESSAGES = Limit("webchat-address-messages", 3000, TEN_MINUTES)
ADDRESS_LOOKUPS = Limit("webchat-address-lookups", 300, HOUR)
LOOKING_UP = (LOOKUPS, ADDRESS_LOOKUPS)
"""Counted only for a message that looks a receipt code up."""
POLL_SECONDS = 5
"""How often an open tab asks for officers' replies."""
POLLS = Limit("webchat-polls", 2 * 600 // POLL_SECONDS, TEN_MINUTES)
"""Per conversation: an open tab polls every few seconds; a second tab still fits."""
PHOTOS = Limit("webchat-photos", 30, TEN_MINUTES)
"""Per conversation: photos of a story, each decoded once."""
NO_STORE = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


SCRIPT_WORDS = {
    "retry": N_("webchat.retry"),
    "failed": N_("webchat.failed"),
    "copied": N_("webchat.copied"),
    "photoSent": N_("webchat.photo_sent"),
    "photoTooBig": N_("webchat.photo_too_big"),
    "photoOnly": N_("webchat.photo_only"),
    "locationShared": N_("webchat.location_shared"),
    "locationDenied": N_("webchat.location_denied"),
}
"""What the page's script says by itself (in the page's language)."""


def reply_json(reply: Reply, question: str) -> dict[str, Any]:
    return {
        "text": reply.text,
        "urgent": reply.urgent,
        "question": reply.question or question,
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
        "location": reply.accepts_location,
        "receipt": reply.receipt,
    }


class WebChat:
    def __init__(self, hotline: Hotline, templates: Any):
        self.hotline = hotline
        self.templates = templates
        self.keyring = hotline.settings.keyring
        self.limiter = Limiter(self.keyring)

    def new_client(self) -> str:
        nonce = secrets.token_urlsafe(16)
        return nonce + self.keyring.mac("webchat-client", nonce)[:32]

    def known_client(self, client: object) -> str | None:
        """The token if ``/chat/start`` issued it (under the current key), else None."""
        if not isinstance(client, str) or (found := CLIENT.match(client)) is None:
            return None
        expected = self.keyring.mac("webchat-client", found.group(1))[:32]
        return client if hmac.compare_digest(expected, found.group(2)) else None

    def locale(self, request: Request) -> str:
        locale = request.query_params.get("lang") or self.hotline.settings.deployment.hotline.default_locale
        return locale if locale in self.hotline.catalogues.locales else "id"

    async def page(self, request: Request) -> Response:
        deployment = self.hotline.settings.deployment
        locale = self.locale(request)

        def gettext(key: str, **params: object) -> str:
            return self.hotline.catalogues.text(locale, key, **params)

        numbers = [
            (n.number, _link(n.number, n.kind, deployment.hotline.phone_region), n.label.get(locale))
            for n in deployment.emergency_numbers
        ]
        html = self.templates.get_template("chat.html").render(
            _=gettext,
            locale=locale,
            hotline=deployment.hotline.name,
            numbers=numbers,
            regions=[r.name for r in deployment.regions.values()],
            quick_exit=self.hotline.settings.quick_exit_url,
            max_photo_bytes=self._max_photo_bytes(),
            poll_seconds=POLL_SECONDS,
            page_data={
                "words": {name: gettext(key) for name, key in SCRIPT_WORDS.items()},
                "links": [{"number": number, "href": link} for number, link, _label in numbers],
            },
        )
        return HTMLResponse(html, headers=NO_STORE)

    def _refuse(self, locale: str, key: str, status: int = 429) -> Response:
        text = self.hotline.catalogues.text(locale, key)
        return JSONResponse(
            {"error": "rate_limited", "replies": [{"text": text, "options": []}]},
            status_code=status,
            headers=NO_STORE,
        )

    def _unknown(self, locale: str) -> Response:
        """A token this server did not issue (made up, or from before a key rotation)."""
        text = self.hotline.catalogues.text(locale, N_("webchat.start_again"))
        return JSONResponse(
            {"error": "no_client", "replies": [{"text": text, "options": []}]},
            status_code=400,
            headers=NO_STORE,
        )

    async def start(self, request: Request) -> Response:
        body = await _json(request)
        locale = _locale(body)
        now = self.hotline.runtime.clock()
        async with self.hotline.sessions() as session, session.begin():
            allowed = await self.limiter.allow(session, ADDRESS_STARTS, _ip(request), now)
        if not allowed:
            return self._refuse(locale, N_("webchat.too_many_starts"))
        client = self.new_client()
        if locale != "id":
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Command("start")))
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Command("bahasa")))
            await self.hotline.runtime.handle(Inbound(CHANNEL, client, ev.Choice(locale)))
        return JSONResponse({"client": client}, headers=NO_STORE)

    async def _within(self, session: AsyncSession, client: str, address: str, lookup: bool) -> str | None:
        """The refusal's message key if a limit is reached (the conversation's first), else None.
        Every limit counts the message, refused or not: a flood is a flood for its address too."""
        every = [
            (MESSAGES, client),
            (LOOKUPS, client),
            (ADDRESS_MESSAGES, address),
            (ADDRESS_LOOKUPS, address),
        ]
        checks = [(limit, subject) for limit, subject in every if lookup or limit not in LOOKING_UP]
        reached = await self.limiter.first_reached(session, checks, self.hotline.runtime.clock())
        if reached is None:
            return None
        return N_("webchat.too_many_lookups") if reached in LOOKING_UP else N_("webchat.too_many_messages")

    async def resume(self, request: Request) -> Response:
        body = await _json(request)
        locale = _locale(body)
        client = self.known_client(body.get("client"))
        if client is None:
            return self._unknown(locale)
        async with self.hotline.sessions() as session, session.begin():
            refusal = await self._within(session, client, _ip(request), lookup=False)
        if refusal is not None:
            return self._refuse(locale, refusal)
        replies = await self.hotline.runtime.current_question(CHANNEL, client)
        return JSONResponse({"replies": [reply_json(r, "") for r in replies]}, headers=NO_STORE)

    async def send(self, request: Request) -> Response:
        body = await _json(request)
        locale = _locale(body)
        client = self.known_client(body.get("client"))
        if client is None:
            return self._unknown(locale)
        lookup = False
        location = _location(body.get("location"))
        if location is not None:
            event: ev.Event = location
        elif isinstance(body.get("choice"), str):
            question = body.get("question") if isinstance(body.get("question"), str) else None
            event = ev.Choice(body["choice"][:64], asked_in=question or None)
        else:
            text = str(body.get("text", ""))[:TEXT_LIMIT]
            lookup = bool(receipt_digits(text)) and parse_phone(text, "ID") is None
            event = ev.Text(text)
        await self.hotline.runtime.prepare(event)
        async with self.hotline.sessions() as session, session.begin():
            refusal = await self._within(session, client, _ip(request), lookup)
            if refusal is None:
                handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, client, event))
        if refusal is not None:
            return self._refuse(locale, refusal)
        replies = [reply_json(r, handled.state) for r in handled.replies]
        return JSONResponse({"replies": replies}, headers=NO_STORE)

    def _max_photo_bytes(self) -> int:
        return int(self.hotline.settings.max_attachment_mb * 1024 * 1024)

    async def photo(self, request: Request) -> Response:
        """A photo for the story: images only, size-limited, decoded off the event loop into a copy
        without metadata; the original is sealed like Telegram's and WhatsApp's photos."""
        form = await request.form(max_files=1, max_fields=4)
        locale = str(form.get("locale", "id"))
        locale = locale if locale in ("id", "en") else "id"
        client = self.known_client(form.get("client"))
        if client is None:
            return self._unknown(locale)
        upload = form.get("photo")
        limit = self._max_photo_bytes()
        data = await upload.read(limit + 1) if isinstance(upload, UploadFile) else b""
        content_type = upload.content_type if isinstance(upload, UploadFile) else None
        await form.close()
        now = self.hotline.runtime.clock()
        async with self.hotline.sessions() as session, session.begin():
            allowed = await self.limiter.allow(session, PHOTOS, client, now)
        if not allowed:
            return self._refuse(locale, N_("webchat.too_many_messages"))
        if len(data) > limit:
            return await self._answer(client, ev.Unsupported("too_large"))
        if not data or not (content_type or "").startswith("image/"):
            return self._refuse(locale, N_("webchat.photo_only"), status=415)
        try:
            display = await asyncio.to_thread(display_copy, data)
        except ImageRejected:
            return self._refuse(locale, N_("webchat.photo_only"), status=415)
        async with self.hotline.sessions() as session, session.begin():
            attachment = await AttachmentStore(session, self.keyring).add(
                source_key=f"{CHANNEL}:{secrets.token_hex(16)}",
                conversation_key=self.keyring.pseudonyms(CHANNEL, client)[0],
                kind="photo",
                mime=content_type or "image/jpeg",
                data=data,
                now=now,
                display_copy_made=display,
            )
            event = ev.Media("photo", attachment.ref)
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, client, event))
        replies = [reply_json(r, handled.state) for r in handled.replies]
        return JSONResponse({"replies": replies}, headers=NO_STORE)

    async def _answer(self, client: str, event: ev.Event) -> Response:
        async with self.hotline.sessions() as session, session.begin():
            handled = await self.hotline.runtime.process(session, Inbound(CHANNEL, client, event))
        replies = [reply_json(r, handled.state) for r in handled.replies]
        return JSONResponse({"replies": replies}, headers=NO_STORE)

    async def replies(self, request: Request) -> Response:
        """Officers' replies for an open tab, polled every few seconds with the same client token.
        The first poll only returns where to start: older replies are read with the receipt code."""
        body = await _json(request)
        client = self.known_client(body.get("client"))
        if client is None:
            return JSONResponse({"error": "no_client"}, status_code=400, headers=NO_STORE)
        after = body.get("after")
        now = self.hotline.runtime.clock()
        async with self.hotline.sessions() as session, session.begin():
            if not await self.limiter.allow(session, POLLS, client, now):
                return JSONResponse({"replies": [], "after": after}, status_code=429, headers=NO_STORE)
            store = ReportStore(session, self.keyring, {})
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                return JSONResponse({"replies": [], "after": await store.last_event_id()}, headers=NO_STORE)
            found = await store.officer_replies_to(self.keyring.pseudonyms(CHANNEL, client), CHANNEL, after)
        replies = []
        for _event_id, report, text in found:
            locale = report.locale or "id"
            catalogues = self.hotline.catalogues
            heading = catalogues.text(locale, N_("reply.from_officer"), reference=report.reference)
            replies.append(reply_json(Reply(f"{heading}\n\n{text}"), ""))
        newest = found[-1][0] if found else after
        return JSONResponse({"replies": replies, "after": newest}, headers=NO_STORE)


def _location(value: Any) -> ev.Location | None:
    """``{"lat": .., "lon": ..}`` from the browser's geolocation, shared only on the reporter's tap."""
    if not isinstance(value, dict):
        return None
    numbers = [v for v in (value.get("lat"), value.get("lon")) if isinstance(v, int | float)]
    if len(numbers) != 2 or any(isinstance(v, bool) for v in numbers):
        return None
    lat, lon = float(numbers[0]), float(numbers[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return ev.Location(lat, lon)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _locale(body: dict[str, Any]) -> str:
    locale = body.get("locale")
    return locale if isinstance(locale, str) and locale in ("id", "en") else "id"


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _link(number: str, kind: str, region: str) -> str:
    if kind != "whatsapp":
        return f"tel:{number}"
    e164 = parse_phone(number, region) or number
    return f"https://wa.me/{e164.lstrip('+')}"
