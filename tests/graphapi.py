"""A local stand-in for the WhatsApp Cloud (Graph) API, and Meta-shaped webhook payloads."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PHONE_ID = "109876543210"
TOKEN = "EAAG-test-token"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me-please"


@dataclass
class FakeGraphAPI:
    sent: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    """recipient → error codes to answer in turn (131047: outside the 24-hour window)."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> FakeGraphAPI:
        app = web.Application()
        app.router.add_post("/{phone}/messages", self._messages)
        app.router.add_get("/media-files/{media_id}", self._file)
        app.router.add_get("/{media_id}", self._media_info)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request) or request.match_info["phone"] != PHONE_ID:
            return web.json_response({"error": {"code": 190, "message": "bad token"}}, status=401)
        body = await request.json()
        to = str(body.get("to"))
        if self.failures.get(to):
            code = self.failures[to].pop(0)
            return web.json_response({"error": {"code": code, "message": "failed"}}, status=400)
        self.sent.append(body)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"wa_id": to}],
                "messages": [{"id": f"wamid.out.{next(self._ids)}"}],
            }
        )

    async def _media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.json_response({"error": {"code": 100}}, status=404)
        return web.json_response(
            {
                "url": f"{self.url}/media-files/{media_id}",
                "mime_type": "image/jpeg",
                "file_size": len(self.media[media_id]),
                "id": media_id,
            }
        )

    async def _file(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.Response(status=404)
        return web.Response(body=self.media[media_id])

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m.get("to") == wa_id]

    def texts(self, wa_id: str) -> list[str]:
        out = []
        for message in self.to(wa_id):
            if message["type"] == "text":
                out.append(message["text"]["body"])
            elif message["type"] == "interactive":
                out.append(message["interactive"]["body"]["text"])
        return out

    def last_interactive(self, wa_id: str) -> dict[str, Any]:
        return next(m["interactive"] for m in reversed(self.to(wa_id)) if m["type"] == "interactive")


class Webhooks:
    """Meta-shaped notification payloads, and their signatures."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA-1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "628111000000",
                                    "phone_number_id": PHONE_ID,
                                },
                                **value,
                            },
                        }
                    ],
                }
            ],
        }

    def message(self, wa_id: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        message = {
            "from": wa_id,
            "id": f"wamid.in.{next(self._ids)}",
            "timestamp": str(int(time.time())),
            "type": kind,
            kind: content,
        }
        contacts = [{"profile": {"name": "Pelapor"}, "wa_id": wa_id}]
        return self.envelope({"contacts": contacts, "messages": [message]})

    def text(self, wa_id: str, body: str) -> dict[str, Any]:
        return self.message(wa_id, "text", {"body": body})

    def button(self, wa_id: str, reply_id: str, title: str = "x") -> dict[str, Any]:
        return self.message(
            wa_id, "interactive", {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
        )

    def list_reply(self, wa_id: str, reply_id: str, title: str = "x") -> dict[str, Any]:
        return self.message(
            wa_id, "interactive", {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}}
        )

    def location(self, wa_id: str, lat: float, lon: float) -> dict[str, Any]:
        return self.message(wa_id, "location", {"latitude": lat, "longitude": lon})

    def image(self, wa_id: str, media_id: str) -> dict[str, Any]:
        return self.message(wa_id, "image", {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"})

    def status(self, wamid: str, status: str) -> dict[str, Any]:
        return self.envelope(
            {
                "statuses": [
                    {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": "x"}
                ]
            }
        )


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()
