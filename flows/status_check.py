"""Following up a report with its receipt code: read the status and officers' replies, answer.

The flow only checks the code's shape and counts failures; the lookup itself (a keyed hash) is
the runtime's effect. Wrong codes are rate limited per conversation so codes cannot be guessed.
"""

from __future__ import annotations

from datetime import timedelta

from flows import inbound as ev
from flows.keys import STATUS_LABELS
from flows.machine import fire
from flows.outbound import CheckReceipt, RecordReporterMessage, Reply
from flows.steps import typed
from flows.turn import Turn
from flows.understanding import format_receipt, receipt_digits
from flows.vocabulary import Status

REPLY_LIMIT = 4_000


def on_status_code(turn: Turn, event: ev.Event) -> None:
    conv = turn.conv
    if turn.chosen_quietly(event) == "menu":
        turn.move("to_menu")
        return
    if conv.receipt_locked_until and turn.now < conv.receipt_locked_until:
        seconds = (conv.receipt_locked_until - turn.now).total_seconds()
        say_locked(turn, int(seconds // 60) + 1)
        return
    if isinstance(event, ev.Text):
        code = receipt_digits(event.text)
        if code is not None:
            turn.out.effects.append(CheckReceipt(code=code))
        elif event.text.strip():
            turn.reprompt("status.code_format")
        else:
            turn.reprompt("input.empty")
        return
    turn.chosen(event)


def say_locked(turn: Turn, minutes: int) -> None:
    text = turn.t("status.locked", minutes=minutes)
    options = (turn.offer("menu", "option.menu"),)
    turn.out.replies.append(Reply(text, options, question=turn.conv.state))


def on_status_view(turn: Turn, event: ev.Event) -> None:
    conv = turn.conv
    choice = turn.chosen(event)
    if choice == "reply":
        turn.move("write_reply")
    elif choice == "refresh":
        turn.out.effects.append(CheckReceipt(reference=conv.verified_reference))
    elif choice == "menu":
        conv.verified_reference = None
        turn.move("to_menu")


def on_status_reply(turn: Turn, event: ev.Event) -> None:
    conv = turn.conv
    text = typed(turn, event)
    if text is not None:
        if turn.refused(text, REPLY_LIMIT):
            return
        if conv.verified_reference:
            turn.out.effects.append(RecordReporterMessage(conv.verified_reference, text))
            fire(conv, "advance")
        return
    if isinstance(event, ev.Media):
        turn.reprompt("status.text_only")
    elif turn.chosen(event) == "back":
        turn.move("back")


def message_recorded(turn: Turn, event: ev.MessageRecorded) -> None:
    """Tell the reporter truthfully where their message went."""
    conv = turn.conv
    if not event.delivered:
        conv.verified_reference = None
        turn.move("to_menu", before=turn.t("status.reply_lost"))
    elif event.follow_up is not None and event.receipt_code is not None:
        receipt = format_receipt(event.receipt_code)
        words = {"reference": event.reference, "follow_up": event.follow_up, "receipt": receipt}
        text = turn.t("status.reply_follow_up", **words)
        turn.out.replies.append(Reply(text, receipt=receipt))
        conv.verified_reference = event.follow_up
        turn.prompt()
    elif event.reopened:
        turn.reprompt("status.reply_reopened", reference=event.reference)
    else:
        turn.reprompt("status.reply_sent")


def receipt_checked(turn: Turn, event: ev.ReceiptChecked) -> None:
    conv = turn.conv
    if event.reference is None:
        receipt_failed(turn)
        return
    conv.failed_receipts = 0
    conv.verified_reference = event.reference
    if conv.state == "status_code":
        fire(conv, "receipt_ok")
    lines = [
        turn.t("status.header", reference=event.reference),
        turn.t(STATUS_LABELS.get(event.status or Status.NEW, STATUS_LABELS[Status.NEW])),
    ]
    for message in event.messages:
        if message.from_officer:
            lines.append(turn.t("status.from_officer", at=message.at, text=message.text))
        else:
            lines.append(turn.t("status.from_you", at=message.at, text=message.text))
    if not event.messages:
        lines.append(turn.t("status.no_messages"))
    turn.prompt(before="\n".join(lines))


def receipt_failed(turn: Turn) -> None:
    conv = turn.conv
    conv.failed_receipts += 1
    limit = turn.deployment.hotline.receipt_attempts
    if conv.failed_receipts >= limit:
        minutes = turn.deployment.hotline.receipt_lockout_minutes
        conv.receipt_locked_until = turn.now + timedelta(minutes=minutes)
        conv.failed_receipts = 0
        say_locked(turn, minutes)
        return
    turn.reprompt("status.wrong_code", left=limit - conv.failed_receipts)


STATUS_HANDLERS = {
    "status_code": on_status_code,
    "status_view": on_status_view,
    "status_reply": on_status_reply,
}
