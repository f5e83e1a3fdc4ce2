"""The aiogram ``Bot`` pointed at ``HOTLINE_TELEGRAM_API_URL``, and our webhook secret."""

from __future__ import annotations

import base64
import hashlib
import hmac

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.settings import Settings


def make_bot(settings: Settings) -> Bot:
    assert settings.telegram_token is not None
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")),
        timeout=settings.telegram_timeout,
    )
    return Bot(settings.telegram_token.get_secret_value(), session=session)


def webhook_secret(settings: Settings) -> str:
    """``HOTLINE_TELEGRAM_WEBHOOK_SECRET``, or one derived from the secret key ([A-Za-z0-9_-])."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    key = settings.keyring.pseudonym("telegram-webhook", "secret").encode()
    digest = hmac.new(key, b"webhook", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
