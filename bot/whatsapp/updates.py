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


class Malformed(ValueError):
    """Signed, but not the shape of a webhook call (answered 400, nothing recorded)."""


def read(data: object) -> tuple[list[dict[str, Any]], list[Status]]:
    """The messages (each with its business number id) and statuses of a webhook call; items of
    the wrong shape are skipped, an envelope of the wrong shape raises ``Malformed``."""
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        raise Malformed("no entry list")
    messages: list[dict[str, Any]] = []
    statuses: list[Status] = []
    for entry in _dicts(data["entry"]):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            phone_id = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if not _id(phone_id):
                continue
            for message in _dicts(value.get("messages")):
                if _id(message.get("id")) and _id(message.get("from")):
                    messages.append({**message, "phone_number_id": phone_id})
            for status in _dicts(value.get("statuses")):
                if _id(status.get("id")):
                    statuses.append(Status(status["id"], str(status.get("status", ""))[:16]))
    return messages, statuses


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _id(value: object) -> bool:
    """Meta's ids are short strings (``wamid.…``, phone numbers, business number ids)."""
    return isinstance(value, str) and 0 < len(value) <= 128 and value.isprintable()


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
        caption: list[ev.Event] = [ev.Text(str(media["caption"]))] if media.get("caption") else []
        ref = MediaRef(MEDIA_KINDS[kind], str(media.get("id", "")), str(media.get("mime_type", "")))
        return Incoming(wamid, address, caption, ref)
    return Incoming(wamid, address, [ev.Unsupported(str(kind or "unknown"))])
