"""Danger now, however it was said: the "Ya, dalam bahaya" button, or danger heard in the
reporter's own words at any step. One rule for both: the emergency numbers at once, the draft
marked urgent, and an urgent report filed (which pages the duty officer) or raised.
"""

from __future__ import annotations

from collections.abc import Callable

from flows.conversation import STATUS_STATES
from flows.danger import Concern, Heard
from flows.i18n import N_
from flows.outbound import OpenUrgentReport, RaiseUrgency, Reply
from flows.turn import Turn

BUTTON = "button"
"""The alarm's reason when the reporter pressed "Ya, dalam bahaya"."""

HEARD_WORDING: dict[Concern, tuple[str, str]] = {
    Concern.DANGER: (N_("danger.heard"), N_("danger.heard.after")),
    Concern.SELF_HARM: (N_("selfharm.heard"), N_("selfharm.heard.after")),
}


def show_numbers(turn: Turn, intro_key: str, after_key: str | None = None) -> None:
    text = turn.prompts.emergency_text(turn, turn.t(intro_key))
    if after_key is not None:
        text += "\n\n" + turn.t(after_key)
    turn.out.replies.append(Reply(text, urgent=True))


def file_urgent(turn: Turn, reason: str, phrase: str | None = None) -> None:
    """The urgent report must exist before anything else; a draft files it only once."""
    conv = turn.conv
    if conv.urgent_report_id is not None:
        return
    if any(isinstance(e, OpenUrgentReport) for e in turn.out.effects):
        return
    turn.out.effects.append(OpenUrgentReport(turn.draft(complete=False), reason, phrase))


def danger_heard(turn: Turn, heard: Heard, answer: Callable[[], None] | None) -> None:
    """Answer danger heard in words, then ``answer`` (the message read as a story or a message to
    the officer) or, when the message is no answer to the current question, ask it again."""
    conv = turn.conv
    intro, after = HEARD_WORDING[heard.concern]
    show_numbers(turn, intro, after)
    if conv.state in STATUS_STATES and conv.verified_reference:
        turn.out.effects.append(RaiseUrgency(conv.verified_reference, heard.concern.value, heard.phrase))
        (answer or turn.prompt)()
        return
    if conv.answers.get("danger_heard") != Concern.SELF_HARM:
        conv.answers["danger_heard"] = heard.concern.value
    if conv.state == "danger":
        conv.answers["danger"] = "yes"
        turn.advance()
    else:
        (answer or turn.prompt)()
    file_urgent(turn, heard.concern.value, heard.phrase)
