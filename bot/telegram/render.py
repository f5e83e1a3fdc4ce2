"""Replies as Bot API ``sendMessage`` calls: HTML-escaped, split under 4,096 characters, with the
options as an inline keyboard on the last part."""

from __future__ import annotations

import html
from typing import Any

from bot.telegram import CHANNEL
from bot.telegram.updates import question_data
from flows.i18n import Catalogues
from flows.outbound import Reply
from flows.vocabulary import OutboxPurpose
from storage.outbox import Outgoing

TEXT_LIMIT = 4096


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts whose *escaped* length fits, cut at line ends, then spaces, when possible."""
    parts: list[str] = []
    rest = text
    while len(html.escape(rest, quote=False)) > limit:
        cut = _fitting_prefix(rest, limit)
        for separator in ("\n", " "):
            at = rest.rfind(separator, 0, cut)
            if at > cut // 2:
                cut = at + 1
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return [p for p in parts if p.strip()] or [""]


def _fitting_prefix(text: str, limit: int) -> int:
    size = 0
    for index, char in enumerate(text):
        size += len(html.escape(char, quote=False))
        if size > limit:
            return index
    return len(text)


def keyboard(reply: Reply) -> dict[str, Any] | None:
    if not reply.options:
        return None
    rows = [
        [{"text": option.label, "callback_data": question_data(reply.question, option.id)}]
        for option in reply.options
    ]
    return {"inline_keyboard": rows}


def send_message_calls(chat_id: int | str, replies: list[Reply]) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    for reply in replies:
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            call: dict[str, Any] = {
                "chat_id": chat_id,
                "text": html.escape(part, quote=False),
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
            }
            if index == len(parts) - 1 and (markup := keyboard(reply)) is not None:
                call["reply_markup"] = markup
            calls.append(call)
    return calls


def officer_reply(
    catalogues: Catalogues, destination: str, address: str, reply: Reply, locale: str, report_id: int
) -> list[Outgoing]:
    """An officer's reply for the reporter's Telegram chat (``address``: the chat id)."""
    return [
        Outgoing(CHANNEL, destination, "sendMessage", params, report_id, OutboxPurpose.OFFICER_REPLY)
        for params in send_message_calls(address, [reply])
    ]
