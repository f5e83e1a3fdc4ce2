"""``POST /webhook/telegram``: check the secret header, record the update, then answer.

Written by hand around our inbox rather than a framework's webhook handler, which would answer
before the update is handled. A 200 means the update is durably stored; for a reporter's button
press its body is the ``answerCallbackQuery`` call that stops the button's spinner.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def telegram_webhook(request: Request) -> Response:
    service = getattr(request.app.state, "telegram", None)
    if service is None:
        return JSONResponse({"ok": False, "error": "telegram is not configured"}, status_code=404)
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), service.secret.encode()):
        log.warning("telegram webhook: wrong or missing secret header")
        return JSONResponse({"ok": False}, status_code=401)
    try:
        data = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"ok": False, "error": "not JSON"}, status_code=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return JSONResponse({"ok": False, "error": "not an update"}, status_code=400)
    try:
        answer = await service.processor.record_webhook(data)
    except Exception as exc:
        log.error("telegram webhook: could not record the update (%s)", type(exc).__name__)
        return JSONResponse({"ok": False}, status_code=503)
    return JSONResponse(answer or {"ok": True})
