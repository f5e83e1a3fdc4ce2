"""The ASGI application of ``hotline serve``: landing page, health check, and (later) channels.

It owns the background sweeper that gives up idle drafts, and migrates the database on start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from asgi_csrf import asgi_csrf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from admin.web import Console
from bot.body_limit import KIB, BodyLimit, Limits
from bot.hotline import Hotline
from bot.http_guards import ParsingGuard, TransportHeaders
from bot.metrics import metrics
from bot.push_sender import PushSender
from bot.runtime import idle_sweep_interval
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.telegram.webhook import telegram_webhook
from bot.webchat import WebChat
from bot.whatsapp.webhook import whatsapp_webhook
from storage import attempts

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def create_app(hotline: Hotline | None = None) -> Starlette:
    hotline = hotline or Hotline.build()

    async def healthz(request: Request) -> Response:
        try:
            async with hotline.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check: database unreachable (%s)", type(exc).__name__)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hotline.start()
        sweeper = asyncio.create_task(_sweep_idle_drafts(hotline))
        scheduler = asyncio.create_task(Scheduler(hotline, hotline.router).run())
        pusher = asyncio.create_task(PushSender(hotline).run(), name="push-outbox")
        telegram = None
        if hotline.settings.telegram_token is not None:
            from bot.telegram.service import TelegramService

            telegram = TelegramService(hotline)
            await telegram.start()
        app.state.telegram = telegram
        whatsapp = None
        if hotline.settings.whatsapp_token is not None and hotline.settings.whatsapp_app_secret is not None:
            from bot.whatsapp.channel import WhatsAppChannel

            whatsapp = WhatsAppChannel(hotline)
            await whatsapp.start()
        app.state.whatsapp = whatsapp
        try:
            yield
        finally:
            for task in (sweeper, scheduler, pusher):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if telegram is not None:
                await telegram.stop()
            if whatsapp is not None:
                await whatsapp.stop()
            await hotline.close()

    console = Console(hotline)
    chat = WebChat(hotline, TEMPLATES)
    app = Starlette(
        routes=[
            Route("/", chat.page),
            Route("/chat/start", chat.start, methods=["POST"]),
            Route("/chat/resume", chat.resume, methods=["POST"]),
            Route("/chat/send", chat.send, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
            Route("/webhook/telegram", telegram_webhook, methods=["POST"]),
            Route("/webhook/whatsapp", whatsapp_webhook, methods=["GET", "POST"]),
            *console.routes(),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.hotline = hotline
    app.state.telegram = None
    app.state.whatsapp = None
    return app


def with_csrf(app: ASGIApp, hotline: Hotline) -> ASGIApp:
    """Every state-changing console request carries the signed double-submit token (asgi-csrf);
    webhooks are authenticated by their own secrets instead."""
    return asgi_csrf(
        app,
        signing_secret=hotline.settings.keyring.pseudonym("console", "csrf"),
        always_protect={"/admin/login", "/admin/logout"},
        skip_if_scope=lambda scope: not scope.get("path", "").startswith("/admin"),
        cookie_path="/admin",
        cookie_secure=True,
        cookie_samesite="Strict",
    )


FORM_LIMIT = 64 * KIB
"""Console forms: the longest field is a 4,000-character reply (at most 16 KB of UTF-8)."""
CHAT_LIMIT = 128 * KIB
"""Web chat JSON: a 20,000-character message is at most 80 KB of UTF-8."""


def body_limits(settings: Settings) -> Limits:
    """Small bodies everywhere but the webhooks, which get the attachment limit."""
    media = int(settings.max_attachment_mb * 1024 * KIB)
    return Limits(default=FORM_LIMIT, by_prefix=(("/webhook/", media), ("/chat/", CHAT_LIMIT)))


def serve_app(hotline: Hotline, app: Starlette | None = None) -> ASGIApp:
    """The whole stack ``hotline serve`` runs: the body limit first, before anything reads a body
    (the CSRF check included), then HSTS, the CSRF check, and the application."""
    app = app or create_app(hotline)
    checked = ParsingGuard(app, lambda inner: with_csrf(inner, hotline))
    public_url = hotline.settings.public_url or ""
    headed = TransportHeaders(checked, https=public_url.startswith("https://"))
    return BodyLimit(headed, body_limits(hotline.settings))


async def _sweep_idle_drafts(hotline: Hotline) -> None:
    """Idle drafts are given up (urgent ones filed) even if their reporter never writes again, and
    attempt counters whose window is over are deleted.

    The sweep is idempotent and each conversation is locked while handled, so several server
    processes may run it at once.
    """
    interval = idle_sweep_interval(hotline.flow).total_seconds()
    while True:
        try:
            expired = await hotline.runtime.expire_idle()
            if expired:
                log.info("expired %d idle conversations", expired)
            async with hotline.sessions() as session, session.begin():
                await attempts.prune(session, hotline.runtime.clock())
        except Exception:
            log.exception("idle draft sweep failed; retrying next round")
        await asyncio.sleep(interval)
