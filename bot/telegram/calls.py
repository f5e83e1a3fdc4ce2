"""Outbox rows as python-telegram-bot calls: a stored Bot API method name and its JSON parameters
become the library's typed method, so its request building and error mapping are used as they are.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import RetryAfter

METHODS: dict[str, Callable[[Bot], Callable[..., Awaitable[Any]]]] = {
    "sendMessage": lambda bot: bot.send_message,
    "answerCallbackQuery": lambda bot: bot.answer_callback_query,
    "editMessageReplyMarkup": lambda bot: bot.edit_message_reply_markup,
    "deleteMessage": lambda bot: bot.delete_message,
    "leaveChat": lambda bot: bot.leave_chat,
}


async def call(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    kwargs = dict(params)
    if (markup := kwargs.get("reply_markup")) is not None:
        if markup.get("inline_keyboard"):
            kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(markup, bot)
        else:  # the library drops an empty keyboard; Telegram needs it to remove the buttons
            kwargs["api_kwargs"] = {"reply_markup": kwargs.pop("reply_markup")}
    if (preview := kwargs.get("link_preview_options")) is not None:
        kwargs["link_preview_options"] = LinkPreviewOptions.de_json(preview, bot)
    return await METHODS[method](bot)(**kwargs)


def retry_after(error: RetryAfter) -> timedelta:
    """The wait Telegram asked for, whichever type this library version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))
