"""Reading Meta's webhook payloads (pure): messages become flow events, statuses delivery states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows import inbound as ev

MEDIA_KINDS: dict[str, ev.MediaKind] = {
    "image": "photo",
    "audio": "audio",
    "voice": "voice",
    "video": "video",
    "document": "document",
}


@dataclass(frozen=True)
class MediaRef:
    kind: ev.MediaKind
    media_id: str
    mime: str


@dataclass(frozen=True)
class Incoming:
    wamid: str
    address: str
    """``<business phone number id>:<wa_id>``: where replies go; pseudonymised, or sealed."""
    events: list[ev.Event] = field(default_factory=list)
    media: MediaRef | None = None


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str


def read(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Status]]:
    """The messages (each with its business number id) and statuses of a webhook call."""
    messages: list[dict[str, Any]] = []
    statuses: list[Status] = []
    for entry in data.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            phone_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            for message in value.get("messages") or []:
                if isinstance(message, dict) and message.get("id") and message.get("from"):
                    messages.append({"phone_number_id": phone_id, **message})
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and status.get("id"):
                    statuses.append(Status(str(status["id"]), str(status.get("status", ""))))
    return messages, statuses


def interpret(message: dict[str, Any]) -> Incoming:
    wamid = str(message["id"])
    address = f"{message['phone_number_id']}:{message['from']}"
    kind = message.get("type")
    if kind == "text":
        body = (message.get("text") or {}).get("body", "")
        return Incoming(wamid, address, [ev.Text(str(body))])
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        picked = interactive.get("button_reply") or interactive.get("list_reply") or {}
        parts = str(picked.get("id", "")).split("|")
        if len(parts) == 3 and parts[0] == "q":
            return Incoming(wamid, address, [ev.Choice(parts[2], asked_in=parts[1] or None)])
        return Incoming(wamid, address, [ev.Text(str(picked.get("title", "")))])
    if kind == "button":
        return Incoming(wamid, address, [ev.Text(str((message.get("button") or {}).get("text", "")))])
    if kind == "location":
        location = message.get("location") or {}
        event = ev.Location(float(location.get("latitude", 0)), float(location.get("longitude", 0)))
        return Incoming(wamid, address, [event])
    if kind in MEDIA_KINDS:
        media = message.get(kind) or {}
        caption = [ev.Text(str(media["caption"]))] if media.get("caption") else []
        ref = MediaRef(MEDIA_KINDS[kind], str(media.get("id", "")), str(media.get("mime_type", "")))
        return Incoming(wamid, address, caption, ref)
    return Incoming(wamid, address, [ev.Unsupported(str(kind or "unknown"))])
