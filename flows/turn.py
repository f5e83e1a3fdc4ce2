"""One message being handled: the conversation, the clock reading, and the answer being built.

Every handler gets a ``Turn``; it knows how to word things in the reporter's language and how to
read an answer against the options of the current question, so handlers stay short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flows import inbound as ev
from flows.conversation import DRAFT_STATES, Conversation
from flows.deployment import Deployment
from flows.i18n import Catalogues
from flows.keys import CHILD_VARIANTS
from flows.machine import fire
from flows.outbound import Option, Outcome, Reply
from flows.report import ReportDraft
from flows.story import TELLING_WORDS, fits, is_sentence, keep_story, words
from flows.understanding import ALIASES, has_words, match_label

if TYPE_CHECKING:
    from flows.prompts import Prompts
    from flows.reading import Reading

SHORT_TEXT_LIMIT = 200
LOCATION_STATES = frozenset({"kecamatan", "kelurahan", "landmark", "story"})
NOT_FOR_THE_STORY = frozenset({"consent", "contact", "phone"})
"""Nothing typed here joins the story: consent is not given yet (or is being asked again), or the
question is about reaching the reporter (a number typed there must not outlive "Anonim")."""


@dataclass
class Turn:
    conv: Conversation
    now: datetime
    catalogues: Catalogues
    deployment: Deployment
    prompts: Prompts
    reading: Reading
    out: Outcome = field(default_factory=Outcome)

    # Wording.

    def t(self, key: str, **params: object) -> str:
        if self.conv.is_child and key in CHILD_VARIANTS:
            key = CHILD_VARIANTS[key]
        return self.catalogues.text(self.conv.locale, key, **params)

    def tn(self, singular: str, plural: str, n: int) -> str:
        return self.catalogues.plural(self.conv.locale, singular, plural, n)

    def say(self, key: str, **params: object) -> None:
        self.out.replies.append(Reply(self.t(key, **params)))

    def offer(self, id: str, key: str, **params: object) -> Option:
        return Option(id, self.t(key, **params))

    # Asking.

    def prompt(self, *, before: str = "") -> None:
        """Ask the question of the current state, after ``before`` (news or an error) if given."""
        state = self.conv.state
        text, options = self.prompts.ask(self)
        if before:
            text = f"{before}\n\n{text}"
        reply = Reply(text, tuple(options), accepts_location=state in LOCATION_STATES, question=state)
        self.out.replies.append(reply)
        if state == "menu":
            self.conv.greeted = True

    def reprompt(self, key: str, **params: object) -> None:
        self.prompt(before=self.t(key, **params))

    def options(self) -> list[Option]:
        return self.prompts.ask(self)[1]

    def advance(self) -> None:
        fire(self.conv, "advance")
        if self.conv.state == "review":
            self.conv.editing = False
        self.prompt()

    def move(self, trigger: str, *, before: str = "") -> None:
        fire(self.conv, trigger)
        self.prompt(before=before)

    # Reading answers.

    def chosen_quietly(self, event: ev.Event) -> str | None:
        options = self.options()
        if isinstance(event, ev.Choice):
            if event.asked_in is not None and event.asked_in != self.conv.state:
                return None
            return event.option if any(o.id == event.option for o in options) else None
        if isinstance(event, ev.Text):
            labels = [(o.label, o.id, *ALIASES.get(o.id, ())) for o in options]
            picked = match_label(event.text, options, labels)
            return picked.id if picked else None
        return None

    def is_option(self, text: str) -> bool:
        return self.chosen_quietly(ev.Text(text)) is not None

    def chosen(self, event: ev.Event) -> str | None:
        """The option id the event picks, or None after telling the reporter what went wrong."""
        picked = self.chosen_quietly(event)
        if picked is not None:
            return picked
        if isinstance(event, ev.Choice):
            self.reprompt("input.stale_choice")
        elif isinstance(event, ev.Text):
            self.not_understood(event.text)
        else:
            self.not_an_answer(event)
        return None

    def refused(self, text: str, limit: int, too_long: str = "input.too_long") -> bool:
        """Re-ask (and return True) if free text is empty, has no words, or exceeds ``limit``."""
        if not text:
            self.reprompt("input.empty")
        elif not has_words(text):
            self.reprompt("story.no_words")
        elif len(text) > limit:
            self.reprompt(too_long, limit=limit)
        else:
            return False
        return True

    def not_understood(self, text: str) -> None:
        count = len(self.options())
        if not text.strip():
            self.reprompt("input.empty")
        elif self.keep_for_story(text):
            self.reprompt("input.kept_for_story")
        elif len(text) > SHORT_TEXT_LIMIT:
            self.reprompt("input.too_long_for_choice", count=count)
        else:
            self.reprompt("input.choose_number", count=count)

    def keep_for_story(self, text: str, *, telling: bool = False) -> bool:
        """A sentence typed where another answer was expected, kept as a piece of the story (see
        ``flows.story``); ``telling``: danger was heard in it. False, and nothing kept, before
        consent, at the contact questions, or for what reads as an attempt at the answer."""
        conv = self.conv
        text = text.strip()
        if (
            conv.state not in DRAFT_STATES
            or conv.state in NOT_FOR_THE_STORY
            or not conv.answers.get("consent")
        ):
            return False
        if not is_sentence(text) or not fits(conv.answers, text):
            return False
        if not (telling or words(text) >= TELLING_WORDS or self.reading.categories.suggest(text)):
            return False
        keep_story(conv.answers, text)
        return True

    def not_an_answer(self, event: ev.Event) -> None:
        """Media or a location where a choice was expected: keep media for the story."""
        conv = self.conv
        if isinstance(event, ev.Media) and conv.state in DRAFT_STATES and conv.state != "consent":
            attachment = {"kind": event.kind, "ref": event.ref}
            conv.answers.setdefault("attachments", []).append(attachment)
            self.reprompt("media.kept_for_story")
        elif isinstance(event, ev.Media):
            self.reprompt("media.not_now")
        elif isinstance(event, ev.Location):
            self.reprompt("location.not_now")
        else:
            self.reprompt("input.choose_number", count=len(self.options()))

    def draft(self, *, complete: bool) -> ReportDraft:
        conv = self.conv
        return ReportDraft.from_answers(conv.answers, self.deployment, locale=conv.locale, complete=complete)
