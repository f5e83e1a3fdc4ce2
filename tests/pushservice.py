"""A local stand-in for a browser push service (RFC 8030), and devices that subscribe to it.

Like a real push service it refuses a message without a valid VAPID signature (RFC 8292) for its
own origin; unlike one, it also holds each device's private key, so it decrypts what it was given
(RFC 8291, aes128gcm) and tests read exactly what the phone would show. It can be told that a
subscription has expired (410 Gone).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's push keys, as ``pushManager.subscribe`` makes them."""

    token: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, base_url: str) -> dict[str, Any]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{base_url}/push/{self.token}",
            "keys": {"p256dh": b64(point), "auth": b64(self.auth)},
        }


@dataclass
class Delivery:
    token: str
    payload: dict[str, Any]
    headers: dict[str, str]
    vapid_key: str
    """The ``k=`` of the Authorization header: the sender's VAPID public key."""


@dataclass
class PushService:
    devices: dict[str, Device] = field(default_factory=dict)
    delivered: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    url: str = ""
    _runner: web.AppRunner | None = None

    def device(self, token: str) -> Device:
        self.devices[token] = Device(token)
        return self.devices[token]

    async def start(self) -> PushService:
        app = web.Application()
        app.router.add_post("/push/{token}", self._push)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _push(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        device = self.devices.get(token)
        if device is None or token in self.gone:
            return web.Response(status=410, text="subscription expired")
        authorization = request.headers.get("Authorization", "")
        problem = self._vapid_problem(authorization)
        if problem:
            self.refused.append(problem)
            return web.Response(status=401, text=problem)
        if request.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in request.headers:
            self.refused.append("encoding or TTL")
            return web.Response(status=400)
        body = await request.read()
        clear = http_ece.decrypt(body, private_key=device.key, auth_secret=device.auth, version="aes128gcm")
        vapid_key = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))["k"]
        self.delivered.append(
            Delivery(token, json.loads(clear), {k.lower(): v for k, v in request.headers.items()}, vapid_key)
        )
        return web.Response(status=201)

    def _vapid_problem(self, authorization: str) -> str | None:
        if not authorization.startswith("vapid "):
            return "no VAPID authorization"
        try:
            if not Vapid02.verify(authorization):
                return "bad VAPID signature"
        except Exception:
            return "malformed VAPID authorization"
        token = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))["t"]
        claims = json.loads(unb64(token.split(".")[1]))
        if claims.get("aud") != self.url:
            return "VAPID audience is not this push service"
        if int(claims.get("exp", 0)) < time.time():
            return "VAPID token expired"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            return "VAPID subject missing"
        return None

    async def wait_for(self, count: int, seconds: float = 20.0) -> list[Delivery]:
        deadline = time.monotonic() + seconds
        while len(self.delivered) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.delivered)} of {count} pushes arrived; refused: {self.refused}"
                )
            await asyncio.sleep(0.05)
        return self.delivered
