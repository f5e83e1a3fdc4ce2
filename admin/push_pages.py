"""Turning on Web Push alerts for one device: the service worker, the public key, and storing or
removing the browser's subscription (JSON, with the CSRF token in a header)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from admin.pages import HEADERS, Pages
from bot.push import application_server_key, settings_vapid
from flows.vocabulary import AuditAction, Door
from storage import audit
from storage.push_subscriptions import InvalidSubscription, PushSubscriptions, Subscription

WORKER = Path(__file__).parent / "static" / "push-worker.js"
MAX_BODY = 4096


class PushPages(Pages):
    def routes(self) -> list[Route]:
        return [
            Route("/admin/push-worker.js", self.worker),
            Route("/admin/push/key", self.key),
            Route("/admin/push/subscribe", self.subscribe, methods=["POST"]),
            Route("/admin/push/unsubscribe", self.unsubscribe, methods=["POST"]),
        ]

    @cached_property
    def public_key(self) -> str:
        return application_server_key(settings_vapid(self.hotline.settings))

    async def worker(self, request: Request) -> Response:
        """Served from /admin/ so that its scope covers the console's pages."""
        headers = {**HEADERS, "Service-Worker-Allowed": "/admin/"}
        return Response(WORKER.read_bytes(), media_type="text/javascript", headers=headers)

    async def key(self, request: Request) -> Response:
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            devices = await PushSubscriptions(signed.session, self.keyring).count(signed.officer.id)
            return JSONResponse({"key": self.public_key, "devices": devices}, headers=HEADERS)

    async def subscribe(self, request: Request) -> Response:
        body = await request.body()
        try:
            subscription = Subscription.parse(json.loads(body) if len(body) <= MAX_BODY else None)
        except (ValueError, RecursionError, InvalidSubscription):
            return JSONResponse({"ok": False}, status_code=400)
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            store = PushSubscriptions(signed.session, self.keyring)
            await store.save(signed.officer.id, subscription, self.now())
            await audit.record(
                signed.session,
                action=AuditAction.PUSH_ON,
                actor=Door.CONSOLE,
                officer_id=signed.officer.id,
                now=self.now(),
            )
            return JSONResponse({"ok": True}, status_code=201, headers=HEADERS)

    async def unsubscribe(self, request: Request) -> Response:
        body = await request.body()
        try:
            endpoint = json.loads(body).get("endpoint", "") if len(body) <= MAX_BODY else ""
        except (ValueError, RecursionError, AttributeError):
            endpoint = ""
        async with self.signed_in(request) as signed:
            if signed is None:
                return JSONResponse({"signed_in": False}, status_code=401)
            removed = await PushSubscriptions(signed.session, self.keyring).remove(
                signed.officer.id, str(endpoint)
            )
            if removed:
                await audit.record(
                    signed.session,
                    action=AuditAction.PUSH_OFF,
                    actor=Door.CONSOLE,
                    officer_id=signed.officer.id,
                    now=self.now(),
                )
            return JSONResponse({"ok": removed}, headers=HEADERS)
