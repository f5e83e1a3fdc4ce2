"""The complaint conversation: one message in, replies and effects out.

``ComplaintFlow.handle`` is pure: it reads a ``Conversation``, an event and the time, mutates the
conversation and returns an ``Outcome``. It never touches a network, a database or a clock, so every
branch is testable in microseconds and every channel gets the same behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flows import inbound as ev
from flows.alarm import danger_heard
from flows.conversation import DRAFT_STATES, STATUS_STATES, Conversation
from flows.danger import Heard
from flows.deployment import Deployment
from flows.i18n import Catalogues
from flows.keys import HELP
from flows.machine import fire
from flows.outbound import Outcome, Reply, SubmitReport, WipeConversation
from flows.prompts import Prompts
from flows.reading import Reading
from flows.status_check import STATUS_HANDLERS, message_recorded, receipt_checked
from flows.steps import STEP_HANDLERS, Handler, typed
from flows.story import STORY_MESSAGE_LIMIT
from flows.turn import Turn
from flows.understanding import format_receipt, has_words, parse_command, receipt_digits

TEXT_ANSWERS = frozenset({"category", "story", "status_reply"})
"""Steps where free text is itself an answer, kept even when danger is heard in it."""


class ComplaintFlow:
    def __init__(self, deployment: Deployment, catalogues: Catalogues, reading: Reading):
        self.deployment = deployment
        self.catalogues = catalogues
        self.prompts = Prompts(deployment)
        self.idle_limit = timedelta(hours=deployment.hotline.draft_idle_hours)
        self.reading = reading
        self.handlers: dict[str, Handler] = {
            **STEP_HANDLERS,
            **STATUS_HANDLERS,
            "menu": self._on_menu,
            "emergency": self._on_info_page,
            "about": self._on_info_page,
            "language": self._on_language,
            "cancel_confirm": self._on_cancel_confirm,
        }
        self.commands: dict[str, Callable[[Turn], None]] = {
            "start": self._go_menu,
            "menu": self._go_menu,
            "batal": self._cancel,
            "kembali": self._back,
            "bantuan": self._help,
            "status": self._status,
            "bahasa": self._language,
            "hapus": self._wipe,
        }

    def handle(self, conv: Conversation, event: ev.Event, now: datetime) -> Outcome:
        turn = Turn(conv, now, self.catalogues, self.deployment, self.prompts, self.reading)
        if isinstance(event, ev.Expire):
            if self.is_idle(conv, now):
                self._expire(turn, announce=False)
        elif isinstance(event, ev.UrgentReportOpened):
            conv.urgent_report_id, conv.urgent_reference = event.report_id, event.reference
        elif isinstance(event, ev.ReportSubmitted):
            self._submitted(turn, event)
        elif isinstance(event, ev.ReceiptChecked):
            receipt_checked(turn, event)
        elif isinstance(event, ev.MessageRecorded):
            message_recorded(turn, event)
        elif self.is_idle(conv, now):
            self._expire(turn, announce=True)
            conv.last_active = now
        else:
            conv.last_active = now
            self._answer(turn, event)
        return turn.out

    def show_menu(self, conv: Conversation, now: datetime) -> Outcome:
        """The current question, for a channel that (re)opens a conversation."""
        turn = Turn(conv, now, self.catalogues, self.deployment, self.prompts, self.reading)
        turn.prompt()
        return turn.out

    def is_idle(self, conv: Conversation, now: datetime) -> bool:
        busy = conv.has_draft or conv.verified_reference or conv.state != "menu"
        return bool(busy and conv.last_active and now - conv.last_active > self.idle_limit)

    def _answer(self, turn: Turn, event: ev.Event) -> None:
        command = None
        if isinstance(event, ev.Command):
            command = (event.name, event.arg)
        elif isinstance(event, ev.Text):
            command = parse_command(event.text)
        if command is not None:
            name, arg = command
            if name == "start":
                self._note_outreach(turn.conv, arg)
            handler = self.commands.get(name)
            if handler is None:
                turn.reprompt("command.unknown")
            else:
                handler(turn)
        elif isinstance(event, ev.Text) and (heard := self._hear(turn, event.text)) is not None:
            danger_heard(turn, heard, self._answer_too(turn, event))
        elif isinstance(event, ev.Unsupported) and event.kind == "too_large":
            turn.reprompt("media.too_large")
        elif isinstance(event, ev.Unsupported):
            turn.reprompt("input.unsupported")
        else:
            self.handlers[turn.conv.state](turn, event)

    def _hear(self, turn: Turn, text: str) -> Heard | None:
        """Danger in free text; an option's own label ("Nomor darurat") is an answer, not a cry."""
        if turn.is_option(text) or (turn.conv.state == "status_code" and receipt_digits(text)):
            return None
        return self.reading.ear.hear(text)

    def _answer_too(self, turn: Turn, event: ev.Text) -> Callable[[], None] | None:
        """Where free text is an answer (a story, a message to the officer), it is kept as well;
        at any other question of a report, the sentence joins the story before the question is
        asked again (at "danger" the alarm itself answers it)."""
        state = turn.conv.state
        if state in TEXT_ANSWERS:
            handler = self.handlers[state]
            return lambda: handler(turn, event)
        text = event.text.strip()
        first = state == "menu" and not turn.conv.has_draft and len(text) <= STORY_MESSAGE_LIMIT
        if first and self.reading.categories.suggest(text):
            return lambda: self._story_first(turn, text)
        if turn.keep_for_story(text, telling=True):
            return lambda: turn.reprompt("input.kept_for_story")
        return None

    def _story_first(self, turn: Turn, text: str) -> None:
        turn.conv.answers["pending_story"] = text
        turn.move("start_report", before=turn.t("menu.looks_like_report"))

    def _note_outreach(self, conv: Conversation, source: str) -> None:
        """A deep link from a poster or a meeting: remember which, nothing about the person."""
        if any(o.code == source for o in self.deployment.outreach):
            conv.answers["source"] = source

    def _expire(self, turn: Turn, *, announce: bool) -> None:
        """An idle draft is dropped; an urgent one is filed with what was given so far."""
        conv = turn.conv
        had_draft = conv.has_draft
        if had_draft and conv.urgent_report_id is not None:
            draft = turn.draft(complete=False)
            turn.out.effects.append(SubmitReport(draft, conv.urgent_report_id, abandoned=True))
        conv.clear_draft()
        conv.verified_reference = None
        fire(conv, "expire")
        if announce and had_draft:
            turn.reprompt("draft.expired")
        elif announce:
            turn.reprompt("session.expired")

    def _submitted(self, turn: Turn, event: ev.ReportSubmitted) -> None:
        """The receipt is worded while the draft (and so who is reporting) is still known."""
        conv = turn.conv
        receipt = format_receipt(event.receipt_code)
        text = turn.t("receipt.done", reference=event.reference, receipt=receipt)
        turn.out.replies.append(Reply(text, receipt=receipt))
        conv.clear_draft()
        if conv.state != "menu":
            fire(conv, "submit")
        turn.prompt()

    # The menu and the pages reached from it.

    def _on_menu(self, turn: Turn, event: ev.Event) -> None:
        conv = turn.conv
        text = typed(turn, event)
        if not conv.greeted and text is not None and not self._looks_like_a_report(text):
            turn.prompt()
            return
        if text is not None and not conv.has_draft and self._looks_like_a_report(text):
            self._story_first(turn, text)
            return
        choice = turn.chosen(event)
        if choice == "report" and conv.has_draft and conv.resume_state:
            turn.move(f"resume_{conv.resume_state}", before=turn.t("draft.resumed"))
            return
        triggers = {
            "report": "start_report",
            "status": "check_status",
            "emergency": "show_emergency",
            "about": "show_about",
            "language": "choose_language",
        }
        if choice is not None:
            turn.move(triggers[choice])

    def _looks_like_a_report(self, text: str) -> bool:
        """Someone who opens with their story should not have to find the menu first."""
        if not has_words(text) or len(text) > STORY_MESSAGE_LIMIT:
            return False
        suggestion = self.reading.categories.suggest(text)
        return suggestion is not None or len(text.split()) >= 5

    def _on_info_page(self, turn: Turn, event: ev.Event) -> None:
        choice = turn.chosen(event)
        if choice == "report":
            turn.move("start_report")
        elif choice == "menu":
            turn.move("back")

    def _on_language(self, turn: Turn, event: ev.Event) -> None:
        choice = turn.chosen(event)
        if choice is not None:
            turn.conv.locale = choice
            turn.move("advance", before=turn.t("language.set"))

    # Words that work at every step.

    def _go_menu(self, turn: Turn) -> None:
        conv = turn.conv
        kept = self._remember_draft(conv)
        if conv.state in STATUS_STATES:
            conv.verified_reference = None
        if kept:
            turn.move("to_menu", before=turn.t("menu.draft_kept"))
        else:
            turn.move("to_menu")

    def _cancel(self, turn: Turn) -> None:
        conv = turn.conv
        if conv.state == "menu" and not conv.has_draft:
            turn.reprompt("cancel.nothing")
            return
        origin = conv.state
        if conv.has_draft and origin != "cancel_confirm" and fire(conv, "ask_cancel"):
            conv.cancel_from = origin
            turn.prompt()
            return
        self._forget(turn)

    def _forget(self, turn: Turn) -> None:
        conv = turn.conv
        had_draft = conv.has_draft
        conv.clear_draft()
        conv.verified_reference = None
        fire(conv, "cancel")
        if had_draft:
            turn.reprompt("cancel.done")
        else:
            turn.reprompt("cancel.left")

    def _on_cancel_confirm(self, turn: Turn, event: ev.Event) -> None:
        choice = turn.chosen(event)
        if choice == "yes":
            self._forget(turn)
        elif choice == "no":
            self._keep(turn)

    @staticmethod
    def _keep(turn: Turn) -> None:
        conv = turn.conv
        origin, conv.cancel_from = conv.cancel_from or "menu", None
        turn.move(f"return_{origin}", before=turn.t("cancel.kept"))

    def _back(self, turn: Turn) -> None:
        conv = turn.conv
        if conv.state == "cancel_confirm":
            self._keep(turn)
            return
        leaving = conv.state
        if not fire(conv, "back"):
            turn.reprompt("back.cannot")
            return
        if leaving == "consent":
            conv.clear_draft()
        if conv.state == "review":
            conv.editing = False
        if conv.state == "menu" and leaving in STATUS_STATES:
            conv.verified_reference = None
        turn.prompt()

    def _help(self, turn: Turn) -> None:
        specific = turn.t(HELP[turn.conv.state])
        turn.prompt(before=specific + "\n\n" + turn.t("help.general"))

    def _status(self, turn: Turn) -> None:
        self._remember_draft(turn.conv)
        turn.move("check_status")

    def _language(self, turn: Turn) -> None:
        self._remember_draft(turn.conv)
        turn.move("choose_language")

    @staticmethod
    def _remember_draft(conv: Conversation) -> bool:
        """Leaving a draft for the menu keeps it, to resume at the same question."""
        state = conv.cancel_from if conv.state == "cancel_confirm" else conv.state
        conv.cancel_from = None
        if state in DRAFT_STATES and conv.has_draft:
            conv.resume_state = "review" if state == "edit_menu" else state
            conv.editing = False
            return True
        return False

    def _wipe(self, turn: Turn) -> None:
        conv = turn.conv
        conv.clear_draft()
        conv.answers = {}
        conv.verified_reference = None
        turn.out.effects.append(WipeConversation())
        turn.move("to_menu", before=turn.t("wipe.done"))
