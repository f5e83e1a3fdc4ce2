"""What a Telegram update means for us, decided without I/O.

python-telegram-bot's ``Update.de_json`` reads the Bot API JSON; this module turns an update into one
``Interpretation``: a reporter event for the flow, an officer action, or a chat to leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.helpers import effective_message_type

from flows import inbound as ev

PRIVATE = ChatType.PRIVATE
QUESTION_PREFIX = "q"
ACK_PREFIX = "ack"
OFFICER_LINK_COMMAND = "/petugas"


class UpdateKind(StrEnum):
    """What an update asks of us."""

    REPORTER = "reporter"
    """A reporter's message or button: an event for the conversation."""
    OFFICER_LINK = "officer_link"
    """``/petugas KODE``: an officer linking this chat to their console account."""
    OFFICER_ACK = "officer_ack"
    """An officer's "Terima" button under an announcement."""
    EDITED = "edited"
    """An edited message: the conversation has moved on, so the reporter is told to write anew."""
    LEAVE_GROUP = "leave_group"
    LEAVE_CHANNEL = "leave_channel"
    """The bot was added to a group or a channel: reports are private, so it leaves."""
    BLOCKED = "blocked"
    """The reporter blocked the bot: stop sending."""
    IGNORE = "ignore"
    UNREADABLE = "unreadable"
    """The parser could not read it: set aside with a log line, never blocking its conversation."""


@dataclass(frozen=True)
class MediaRef:
    kind: ev.MediaKind
    file_id: str
    file_unique_id: str
    size: int | None
    mime: str


@dataclass(frozen=True)
class Interpretation:
    action: UpdateKind
    update_id: int
    chat_id: int | None = None
    message_id: int | None = None
    events: list[ev.Event] = field(default_factory=list)
    media: MediaRef | None = None
    callback_id: str | None = None
    argument: str = ""
    """The link code of ``/petugas KODE``, or the report id of an "ack" button."""
    answered: bool = False
    """The button press was answered in the webhook's own response (no ``answerCallbackQuery``)."""


class Unreadable(ValueError):
    """The update's JSON is not something the parser can read (malformed, or a shape it does not
    know); it is set aside, never retried."""


def parse(data: dict[str, Any], bot: Bot | None = None) -> Update:
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:
        raise Unreadable(type(exc).__name__) from exc
    if update is None:
        raise Unreadable("empty")
    return update


def chat_of(update: Update) -> int | None:
    if update.message:
        return update.message.chat.id
    if update.edited_message:
        return update.edited_message.chat.id
    if update.callback_query:
        message = update.callback_query.message
        return message.chat.id if message else update.callback_query.from_user.id
    if update.my_chat_member:
        return update.my_chat_member.chat.id
    if update.channel_post:
        return update.channel_post.chat.id
    return None


def question_data(state: str | None, option: str) -> str:
    """Callback data of an option button: within Telegram's 64 bytes by construction."""
    data = f"{QUESTION_PREFIX}|{state or ''}|{option}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes for option {option!r}")
    return data


def interpret(update: Update) -> Interpretation:
    uid = update.update_id
    if update.message:
        return _message(uid, update.message)
    if update.edited_message:
        chat = update.edited_message.chat
        action = UpdateKind.EDITED if chat.type == PRIVATE else UpdateKind.LEAVE_GROUP
        return Interpretation(action, uid, chat_id=chat.id)
    if update.callback_query:
        return _callback(uid, update)
    if update.my_chat_member:
        member = update.my_chat_member
        if member.chat.type == PRIVATE:
            blocked = member.new_chat_member.status == ChatMemberStatus.BANNED
            return Interpretation(
                UpdateKind.BLOCKED if blocked else UpdateKind.IGNORE, uid, chat_id=member.chat.id
            )
        joined = member.new_chat_member.status in {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR}
        if member.chat.type == ChatType.CHANNEL:
            return Interpretation(
                UpdateKind.LEAVE_CHANNEL if joined else UpdateKind.IGNORE, uid, chat_id=member.chat.id
            )
        return Interpretation(
            UpdateKind.LEAVE_GROUP if joined else UpdateKind.IGNORE, uid, chat_id=member.chat.id
        )
    if update.channel_post:
        return Interpretation(UpdateKind.LEAVE_CHANNEL, uid, chat_id=update.channel_post.chat.id)
    return Interpretation(UpdateKind.IGNORE, uid)


def _callback(uid: int, update: Update) -> Interpretation:
    query = update.callback_query
    assert query is not None
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    message_id = message.message_id if message else None
    parts = (query.data or "").split("|")
    if message is not None and message.chat.type != PRIVATE:
        return Interpretation(
            UpdateKind.LEAVE_GROUP, uid, chat_id=chat_id, message_id=message_id, callback_id=query.id
        )
    if len(parts) == 2 and parts[0] == ACK_PREFIX:
        return Interpretation(
            UpdateKind.OFFICER_ACK,
            uid,
            argument=parts[1],
            chat_id=chat_id,
            message_id=message_id,
            callback_id=query.id,
        )
    if len(parts) == 3 and parts[0] == QUESTION_PREFIX:
        event = ev.Choice(parts[2], asked_in=parts[1] or None)
        return Interpretation(
            UpdateKind.REPORTER,
            uid,
            events=[event],
            chat_id=chat_id,
            message_id=message_id,
            callback_id=query.id,
        )
    return Interpretation(
        UpdateKind.REPORTER,
        uid,
        events=[ev.Choice("", asked_in="?")],
        chat_id=chat_id,
        message_id=message_id,
        callback_id=query.id,
    )


def _message(uid: int, message: Message) -> Interpretation:
    chat = message.chat
    if chat.type == ChatType.CHANNEL:
        return Interpretation(UpdateKind.LEAVE_CHANNEL, uid, chat_id=chat.id)
    if chat.type != PRIVATE:
        return Interpretation(UpdateKind.LEAVE_GROUP, uid, chat_id=chat.id)
    text = message.text
    if text is not None:
        head, _, rest = text.strip().partition(" ")
        if head.split("@", 1)[0].casefold() == OFFICER_LINK_COMMAND:
            return Interpretation(
                UpdateKind.OFFICER_LINK,
                uid,
                argument=rest.strip(),
                chat_id=chat.id,
                message_id=message.message_id,
            )
        return Interpretation(
            UpdateKind.REPORTER, uid, events=[ev.Text(text)], chat_id=chat.id, message_id=message.message_id
        )
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        event = ev.Location(location.latitude, location.longitude)
        return Interpretation(
            UpdateKind.REPORTER, uid, events=[event], chat_id=chat.id, message_id=message.message_id
        )
    media = _media(message)
    if media is not None:
        caption: list[ev.Event] = [ev.Text(message.caption)] if message.caption else []
        return Interpretation(
            UpdateKind.REPORTER,
            uid,
            media=media,
            events=caption,
            chat_id=chat.id,
            message_id=message.message_id,
        )
    kind = effective_message_type(message) or "unknown"
    return Interpretation(
        UpdateKind.REPORTER,
        uid,
        events=[ev.Unsupported(kind)],
        chat_id=chat.id,
        message_id=message.message_id,
    )


def _media(message: Message) -> MediaRef | None:
    if message.photo:
        best = max(message.photo, key=lambda p: p.width * p.height)
        return MediaRef("photo", best.file_id, best.file_unique_id, best.file_size, "image/jpeg")
    candidates: list[tuple[ev.MediaKind, Any, str]] = [
        ("voice", message.voice, "audio/ogg"),
        ("audio", message.audio, "audio/mpeg"),
        ("video", message.video, "video/mp4"),
        ("video", message.video_note, "video/mp4"),
        ("document", message.document, "application/octet-stream"),
    ]
    for kind, item, default_mime in candidates:
        if item is not None:
            mime = getattr(item, "mime_type", None) or default_mime
            return MediaRef(kind, item.file_id, item.file_unique_id, item.file_size, mime)
    return None
