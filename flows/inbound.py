"""What a channel (or the runtime) can tell the flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MediaKind = Literal["photo", "voice", "audio", "video", "document"]


@dataclass(frozen=True)
class Text:
    """Typed text, including numbered answers and words like ``batal``."""

    text: str


@dataclass(frozen=True)
class Choice:
    """A button press naming an option id, possibly from an old keyboard.

    ``asked_in`` is the state whose question carried the button, when the channel knows it: a
    button of an earlier question is then refused even if a later question has the same option.
    """

    option: str
    asked_in: str | None = None


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class Media:
    """An attachment already stored encrypted by the runtime; ``ref`` names it."""

    kind: MediaKind
    ref: str


@dataclass(frozen=True)
class Unsupported:
    """Something we cannot take as an answer (a sticker, a contact card, a poll...)."""

    kind: str


@dataclass(frozen=True)
class Command:
    """A slash command such as ``/start sekolah`` after the channel has parsed it."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class Expire:
    """The runtime's sweeper asking an idle conversation to give up its draft."""


# Results of effects, fed back by the runtime after it did the I/O.


@dataclass(frozen=True)
class UrgentReportOpened:
    report_id: int
    reference: str


@dataclass(frozen=True)
class ReportSubmitted:
    reference: str
    receipt_code: str


@dataclass(frozen=True)
class StatusMessage:
    from_officer: bool
    text: str
    at: str


@dataclass(frozen=True)
class MessageRecorded:
    """Where a reporter's message to the officer went: its open case, its case reopened, or a linked
    follow-up report with its own receipt code; ``delivered`` False if the case is gone."""

    reference: str
    delivered: bool = True
    reopened: bool = False
    follow_up: str | None = None
    receipt_code: str | None = None


@dataclass(frozen=True)
class ReceiptChecked:
    """The outcome of a receipt lookup: ``None`` fields when the code matched nothing."""

    reference: str | None
    status: str | None = None
    messages: tuple[StatusMessage, ...] = ()


Event = (
    Text
    | Choice
    | Location
    | Media
    | Unsupported
    | Command
    | Expire
    | UrgentReportOpened
    | ReportSubmitted
    | ReceiptChecked
    | MessageRecorded
)
