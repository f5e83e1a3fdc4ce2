"""The python-telegram-bot ``Bot`` pointed at ``HOTLINE_TELEGRAM_API_URL``, and our webhook secret.

Only the transport is used: ``telegram.Bot`` over its httpx request class. No ``Application``,
persistence or job queue — durability, order and schedules live in our database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.settings import Settings
from bot.spread_transport import SpreadTransport

CONNECTIONS = 64
"""Sends to different chats run in parallel; each needs its own connection (spread over several
small pools, see ``bot.spread_transport``)."""


def make_bot(settings: Settings) -> Bot:
    assert settings.telegram_token is not None
    api = settings.telegram_api_url.rstrip("/")
    timeout = settings.telegram_timeout

    def request(connections: int) -> HTTPXRequest:
        return HTTPXRequest(
            connection_pool_size=connections,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
            httpx_kwargs={"transport": SpreadTransport(connections)},
        )

    return Bot(
        settings.telegram_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=request(CONNECTIONS),
        get_updates_request=request(1),
    )


def webhook_secret(settings: Settings) -> str:
    """``HOTLINE_TELEGRAM_WEBHOOK_SECRET``, or one derived from the secret key ([A-Za-z0-9_-])."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    key = settings.keyring.service_secret("telegram-webhook", "secret").encode()
    digest = hmac.new(key, b"webhook", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
