"""docs/flow.md is the state diagram drawn from the code, and fails when it goes stale."""

from __future__ import annotations

from pathlib import Path

from flows.diagram import mermaid_markdown
from flows.machine import STATES

DOC = Path(__file__).resolve().parent.parent / "docs" / "flow.md"


def test_the_diagram_in_docs_is_current() -> None:
    assert DOC.read_text() == mermaid_markdown(), "regenerate it with `make diagram`"


def test_the_diagram_shows_every_state_and_the_conditions() -> None:
    drawn = mermaid_markdown()
    for state in STATES:
        assert f'state "{state}"' in drawn
    assert "editing_done" in drawn and "wants_phone" in drawn
