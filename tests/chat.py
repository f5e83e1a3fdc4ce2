"""A scripted reporter for the pure flow: sends events, keeps what the bot said and asked for."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flows import inbound as ev
from flows.complaint import ComplaintFlow
from flows.conversation import Conversation
from flows.outbound import Effect, Outcome, Reply, SubmitReport

STORY = "Anak tetangga sering dipukul ayahnya pakai sapu, kemarin sampai memar di tangan."
PHONE = "0812 3456 7890"
PHONE_E164 = "+6281234567890"

# One complete report, step by step: (state the answer is for, the answer).
STANDARD_PATH: list[tuple[str, ev.Event]] = [
    ("menu", ev.Choice("report")),
    ("consent", ev.Choice("agree")),
    ("role", ev.Choice("neighbour")),
    ("category", ev.Choice("fisik")),
    ("danger", ev.Choice("no")),
    ("age", ev.Text("7")),
    ("sex", ev.Choice("female")),
    ("kecamatan", ev.Choice("33.75.02")),
    ("kelurahan", ev.Choice("k1")),
    ("landmark", ev.Text("dekat masjid Al-Ikhlas")),
    ("story", ev.Text(STORY)),
    ("story", ev.Choice("done")),
    ("contact", ev.Choice("phone")),
    ("phone", ev.Text(PHONE)),
]


def as_event(message: str | ev.Event) -> ev.Event:
    return ev.Text(message) if isinstance(message, str) else message


class Chat:
    def __init__(self, flow: ComplaintFlow, clock: Callable[[], datetime], conv: Conversation | None = None):
        self.flow = flow
        self.clock = clock
        self.conv = conv or Conversation()
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    def send(self, message: str | ev.Event) -> Outcome:
        outcome = self.flow.handle(self.conv, as_event(message), self.clock())
        self.replies = outcome.replies
        self.effects.extend(outcome.effects)
        return outcome

    def feed(self, event: ev.Event) -> Outcome:
        """Play the runtime: hand the result of an effect back to the flow."""
        outcome = self.flow.handle(self.conv, event, self.clock())
        self.replies = self.replies + outcome.replies
        self.effects.extend(outcome.effects)
        return outcome

    @property
    def state(self) -> str:
        return self.conv.state

    @property
    def answers(self) -> dict[str, Any]:
        return self.conv.answers

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.replies[-1].options] if self.replies else []

    @property
    def option_labels(self) -> list[str]:
        return [o.label for o in self.replies[-1].options] if self.replies else []

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.conv.to_dict())

    def reach(self, state: str, path: list[tuple[str, ev.Event]] | None = None) -> Chat:
        """Answer the standard report until the conversation stands at ``state``."""
        path = path or STANDARD_PATH
        start = next((i for i, (s, _) in enumerate(path) if s == self.state), 0)
        for step_state, event in path[start:]:
            if self.state == state:
                return self
            assert self.state == step_state, f"expected {step_state}, at {self.state}"
            self.send(event)
        assert self.state == state, f"could not reach {state}, at {self.state}"
        return self

    def take_effect(self, kind: type) -> Any:
        found = [e for e in self.effects if isinstance(e, kind)]
        assert found, f"no {kind.__name__} among {self.effects}"
        self.effects.remove(found[0])
        return found[0]

    def submit(self) -> SubmitReport:
        """Answer the standard report to the review and send it."""
        self.reach("review")
        self.send(ev.Choice("submit"))
        found: SubmitReport = self.take_effect(SubmitReport)
        return found
