"""``/webhook/whatsapp``: Meta's verification handshake (GET) and signed notifications (POST).

The signature is checked on the raw body before anything is parsed or stored; a 200 means the
messages are in the inbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.whatsapp.updates import Malformed, read

log = logging.getLogger(__name__)


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC of the raw body>``, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256=") :], expected)


async def whatsapp_webhook(request: Request) -> Response:
    channel = getattr(request.app.state, "whatsapp", None)
    settings = request.app.state.hotline.settings
    if channel is None or settings.whatsapp_app_secret is None:
        return JSONResponse({"error": "whatsapp is not configured"}, status_code=404)
    if request.method == "GET":
        expected = settings.whatsapp_verify_token.get_secret_value() if settings.whatsapp_verify_token else ""
        given = request.query_params.get("hub.verify_token", "")
        if (
            request.query_params.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(given.encode(), expected.encode())
        ):
            return PlainTextResponse(request.query_params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)
    body = await request.body()
    secret = settings.whatsapp_app_secret.get_secret_value()
    if not signature_ok(secret, body, request.headers.get("X-Hub-Signature-256")):
        log.warning("whatsapp webhook: bad or missing signature")
        return JSONResponse({"ok": False}, status_code=401)
    try:
        data = json.loads(body)
    except ValueError:
        return JSONResponse({"ok": False, "error": "not JSON"}, status_code=400)
    try:
        messages, statuses = read(data)
    except Malformed:
        log.warning("whatsapp webhook: a signed payload of the wrong shape")
        return JSONResponse({"ok": False, "error": "not a webhook call"}, status_code=400)
    try:
        await channel.record(messages, statuses)
    except Exception as exc:
        log.error("whatsapp webhook: could not record (%s)", type(exc).__name__)
        return JSONResponse({"ok": False}, status_code=503)
    return JSONResponse({"ok": True})
