"""What the flow gives back: replies to show and effects for the runtime to carry out."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.report import ReportDraft


@dataclass(frozen=True)
class Option:
    """A numbered choice; ``id`` is stable (button payloads), ``label`` is localised."""

    id: str
    label: str


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = ()
    urgent: bool = False
    """Emergency numbers: channels may highlight it and must never drop it."""
    accepts_location: bool = False
    question: str | None = None
    """The state whose question this is, for channels that put it in button payloads."""
    receipt: str | None = None
    """The receipt code this reply shows once (a channel may offer to copy it and keep it in view)."""


@dataclass(frozen=True)
class OpenUrgentReport:
    """Danger now: the report must exist (and page the duty officer) before anything else."""

    draft: ReportDraft
    reason: str = "button"
    """What raised the alarm: the button, or danger / self-harm heard in the reporter's words."""
    phrase: str | None = None
    """The lexicon phrase heard (never the reporter's own words)."""


@dataclass(frozen=True)
class RaiseUrgency:
    """Danger heard from a reporter following up a filed report: that report becomes urgent."""

    reference: str
    reason: str
    phrase: str | None = None


@dataclass(frozen=True)
class SubmitReport:
    draft: ReportDraft
    urgent_report_id: int | None
    abandoned: bool = False
    """True when an urgent draft expired: file what was given, issue no receipt."""


@dataclass(frozen=True)
class CheckReceipt:
    """Look a report up by the receipt code typed, or by the reference already verified."""

    code: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class RecordReporterMessage:
    reference: str
    text: str


@dataclass(frozen=True)
class WipeConversation:
    """The reporter's safety wipe: drop the draft and stored delivery addresses."""


Effect = (
    OpenUrgentReport | RaiseUrgency | SubmitReport | CheckReceipt | RecordReporterMessage | WipeConversation
)


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
