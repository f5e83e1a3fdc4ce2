"""Outer layers of the ASGI stack: malformed requests answered 400, transport headers added.

``ParsingGuard`` wraps the CSRF middleware (asgi-csrf), which parses console form bodies before our
pages do and raises on what it cannot read (a multipart body without a boundary, non-UTF-8 form
data, a non-ASCII token): those become 400 instead of 500, as do paths and query strings with a NUL
character. An error raised after the request has
reached the application is not touched, so real defects still show as such.

``TransportHeaders`` adds HSTS when the deployment is served over HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REACHED = "hotline.reached_app"
HSTS = b"max-age=63072000; includeSubDomains"


class ParsingGuard:
    def __init__(self, app: ASGIApp, parser: Callable[[ASGIApp], ASGIApp]):
        self.outer = parser(self._reached(app))

    @staticmethod
    def _reached(app: ASGIApp) -> ASGIApp:
        async def marked(scope: Scope, receive: Receive, send: Send) -> None:
            scope[REACHED] = True
            await app(scope, receive, send)

        return marked

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.outer(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await _bad_request(send)  # PostgreSQL refuses NUL in any text parameter
            return
        scope[REACHED] = False
        try:
            await self.outer(scope, receive, tracked)
        except (ValueError, TypeError, IndexError, AssertionError, KeyError):
            if scope[REACHED] or started:
                raise
            await _bad_request(send)


async def _bad_request(send: Send) -> None:
    body = b"malformed request\n"
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TransportHeaders:
    def __init__(self, app: ASGIApp, *, https: bool):
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.https:
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"strict-transport-security", HSTS)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
