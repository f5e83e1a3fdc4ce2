"""Replies as Graph API ``/messages`` payloads within WhatsApp's limits: reply buttons for up to 3
options (titles ≤ 20), a list for up to 10 (row titles ≤ 24, descriptions ≤ 72), numbered text
beyond that; bodies of interactive messages ≤ 1,024 characters, texts ≤ 4,096."""

from __future__ import annotations

from typing import Any

from bot.whatsapp import CHANNEL
from flows.i18n import N_, Catalogues
from flows.outbound import Reply
from flows.vocabulary import OutboxPurpose
from storage.outbox import NORMAL, URGENT, Outgoing

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
BUTTON_TITLE = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72


def _text(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "text",
        "text": {"body": body, "preview_url": False},
    }


def _chunks(text: str, limit: int) -> list[str]:
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text]


def option_id(reply: Reply, option_id: str) -> str:
    return f"q|{reply.question or ''}|{option_id}"


def payloads(to: str, reply: Reply, *, choose: str, list_button: str) -> list[dict[str, Any]]:
    """``choose`` heads a list when the text had to go separately; ``list_button`` opens the list."""
    options = reply.options
    if not options:
        return [_text(to, part) for part in _chunks(reply.text, TEXT_LIMIT)]
    if len(options) > 10:
        numbered = "\n".join(f"{i}. {o.label}" for i, o in enumerate(options, start=1))
        return [_text(to, part) for part in _chunks(f"{reply.text}\n\n{numbered}", TEXT_LIMIT)]
    messages: list[dict[str, Any]] = []
    body = reply.text
    if len(body) > BODY_LIMIT:
        messages += [_text(to, part) for part in _chunks(body, TEXT_LIMIT)]
        body = choose
    if len(options) <= 3 and all(len(o.label) <= BUTTON_TITLE for o in options):
        action: dict[str, Any] = {
            "buttons": [
                {"type": "reply", "reply": {"id": option_id(reply, o.id), "title": o.label}} for o in options
            ]
        }
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        rows = []
        for option in options:
            row: dict[str, str] = {"id": option_id(reply, option.id), "title": option.label[:ROW_TITLE]}
            if len(option.label) > ROW_TITLE:
                row["title"] = option.label[: ROW_TITLE - 1] + "…"
                row["description"] = option.label[:ROW_DESCRIPTION]
            rows.append(row)
        action = {"button": list_button[:BUTTON_TITLE], "sections": [{"rows": rows}]}
        interactive = {"type": "list", "body": {"text": body}, "action": action}
    messages.append(
        {"messaging_product": "whatsapp", "to": to, "type": "interactive", "interactive": interactive}
    )
    return messages


class Renderer:
    """Replies for one WhatsApp address as outbox messages, worded in the reporter's language."""

    def __init__(self, catalogues: Catalogues):
        self.catalogues = catalogues

    def replies(
        self,
        destination: str,
        address: str,
        replies: list[Reply],
        locale: str,
        *,
        purpose: OutboxPurpose = OutboxPurpose.REPLY,
        report_id: int | None = None,
    ) -> list[Outgoing]:
        """``address``: ``<business phone number id>:<wa_id>``; ``destination``: its pseudonym."""
        phone_id, _, to = address.partition(":")
        choose = self.catalogues.text(locale, N_("whatsapp.choose"))
        button = self.catalogues.text(locale, N_("whatsapp.list_button"))
        priority = URGENT if any(reply.urgent for reply in replies) else NORMAL
        return [
            Outgoing(
                CHANNEL,
                destination,
                "messages",
                {"phone_number_id": phone_id, "payload": payload},
                report_id,
                purpose,
                priority,
            )
            for reply in replies
            for payload in payloads(to, reply, choose=choose, list_button=button)
        ]


def officer_reply(
    catalogues: Catalogues, destination: str, address: str, reply: Reply, locale: str, report_id: int
) -> list[Outgoing]:
    """An officer's reply for the reporter's WhatsApp (held outside the 24-hour window)."""
    return Renderer(catalogues).replies(
        destination, address, [reply], locale, purpose=OutboxPurpose.OFFICER_REPLY, report_id=report_id
    )
