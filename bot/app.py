"""The public web application: the web chat, the messengers' webhooks, health and metrics, with
the console's pages mounted in by whoever assembles the service (``admin.entry``).

It starts the background work on start-up (``bot.background``) and migrates the database.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from asgi_csrf import asgi_csrf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.background import Background
from bot.body_limit import KIB, BodyLimit, Limits
from bot.hotline import Hotline
from bot.http_guards import ParsingGuard, TransportHeaders
from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram.webhook import telegram_webhook
from bot.webchat import WebChat
from bot.whatsapp.webhook import whatsapp_webhook

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def create_app(hotline: Hotline, pages: Sequence[BaseRoute] = ()) -> Starlette:
    """``pages``: more routes served by the same app (the console)."""

    async def healthz(request: Request) -> Response:
        try:
            async with hotline.read_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check: database unreachable (%s)", type(exc).__name__)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hotline.start()
        background = Background(hotline)
        await background.start()
        app.state.telegram, app.state.whatsapp = background.telegram, background.whatsapp
        try:
            yield
        finally:
            await background.stop()
            await hotline.close()

    chat = WebChat(hotline, TEMPLATES)
    app = Starlette(
        routes=[
            Route("/", chat.page),
            Route("/chat/start", chat.start, methods=["POST"]),
            Route("/chat/resume", chat.resume, methods=["POST"]),
            Route("/chat/send", chat.send, methods=["POST"]),
            Route("/chat/photo", chat.photo, methods=["POST"]),
            Route("/chat/replies", chat.replies, methods=["POST"]),
            Route("/healthz", healthz),
            Route(
                "/metrics", Metrics(hotline.sessions, hotline.clock, hotline.settings.metrics_token).endpoint
            ),
            Route("/webhook/telegram", telegram_webhook, methods=["POST"]),
            Route("/webhook/whatsapp", whatsapp_webhook, methods=["GET", "POST"]),
            *pages,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.hotline = hotline
    app.state.telegram = None
    app.state.whatsapp = None
    return app


def with_csrf(app: ASGIApp, hotline: Hotline) -> ASGIApp:
    """Every state-changing console request carries the signed double-submit token (asgi-csrf).
    Only the console passes through it: webhooks are authenticated by their own secrets, the web
    chat by its session, and the middleware signs a fresh token for every request it sees."""
    protected: ASGIApp = asgi_csrf(
        app,
        signing_secret=hotline.settings.keyring.service_secret("console", "csrf"),
        always_protect={"/admin/login", "/admin/logout"},
        cookie_path="/admin",
        cookie_secure=True,
        cookie_samesite="Strict",
    )

    async def console_only(scope: Scope, receive: Receive, send: Send) -> None:
        inner = protected if scope.get("path", "").startswith("/admin") else app
        await inner(scope, receive, send)

    return console_only


FORM_LIMIT = 64 * KIB
"""Console forms: the longest field is a 4,000-character reply (at most 16 KB of UTF-8)."""
CHAT_LIMIT = 128 * KIB
"""Web chat JSON: a 20,000-character message is at most 80 KB of UTF-8."""


def body_limits(settings: Settings) -> Limits:
    """Small bodies everywhere but the webhooks, which get the attachment limit."""
    media = int(settings.max_attachment_mb * 1024 * KIB)
    photo = media + 64 * KIB  # the web chat's photo upload, with its form fields
    return Limits(
        default=FORM_LIMIT, by_prefix=(("/webhook/", media), ("/chat/photo", photo), ("/chat/", CHAT_LIMIT))
    )


def serve_app(hotline: Hotline, app: Starlette) -> ASGIApp:
    """The whole stack ``hotline serve`` runs around ``app``: the body limit first, before anything
    reads a body (the CSRF check included), then HSTS, the CSRF check, and the application."""
    checked = ParsingGuard(app, lambda inner: with_csrf(inner, hotline))
    public_url = hotline.settings.public_url or ""
    headed = TransportHeaders(checked, https=public_url.startswith("https://"))
    return BodyLimit(headed, body_limits(hotline.settings))
