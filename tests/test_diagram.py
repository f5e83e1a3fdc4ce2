"""docs/flow.md and docs/lifecycle.md are the state diagrams drawn from the code, and fail when
they go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.diagram import DIAGRAMS, lifecycle_markdown, mermaid_markdown
from flows.machine import STATES
from flows.vocabulary import Status

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("which", sorted(DIAGRAMS))
def test_the_diagrams_in_docs_are_current(which: str) -> None:
    path, draw = DIAGRAMS[which]
    assert (ROOT / path).read_text() == draw(), "regenerate it with `make diagram`"


def test_the_conversation_diagram_shows_every_state_and_the_conditions() -> None:
    drawn = mermaid_markdown()
    for state in STATES:
        assert f'state "{state}"' in drawn
    assert "editing_done" in drawn and "wants_phone" in drawn


def test_the_lifecycle_diagram_shows_every_status_and_who_may_move() -> None:
    drawn = lifecycle_markdown()
    for status in Status:
        assert f'state "{status.value}"' in drawn
    assert "baru --> diterima: acknowledge [by_taker]" in drawn
    assert "invalidate [by_handler & after_reading]" in drawn
