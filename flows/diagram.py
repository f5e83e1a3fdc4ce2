"""The state diagrams of the conversation and of the case lifecycle, drawn by ``transitions``
from the machines themselves (Mermaid, no Graphviz)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import Machine
from transitions.extensions import GraphMachine

from flows import lifecycle, machine
from flows.conversation import Conversation
from flows.vocabulary import Status

Builder = Callable[..., Machine]


def _mermaid(build: Builder, model: Any) -> str:
    graph_machine = build(GraphMachine, graph_engine="mermaid", show_conditions=True)
    graph_machine.add_model(model)
    return str(graph_machine.get_graph().draw(None)).strip()


def _markdown(title: str, source: str, diagram: str, intro: str = "") -> str:
    return (
        f"# {title}\n\n"
        f"Generated from `{source}` by `hotline diagram` (`make diagram`); "
        "a test fails when it is stale.\n\n"
        + (intro + "\n\n" if intro else "")
        + "```mermaid\n"
        + diagram
        + "\n```\n"
    )


def mermaid() -> str:
    return _mermaid(machine.build_machine, Conversation())


def mermaid_markdown() -> str:
    return _markdown("The complaint conversation", "flows/machine.py", mermaid())


def lifecycle_markdown() -> str:
    case = lifecycle.Case(Status.NEW.value, lifecycle.Party.SUPERVISOR)
    intro = (
        "A case's status and the moves between them. Each arrow names the move and, in brackets,\n"
        "who may make it and what must hold: `by_taker` (an officer taking an unassigned case, the\n"
        "assigned officer, a supervisor), `by_handler` (the assigned officer or a supervisor),\n"
        "`by_assigner` (those two, or the scheduler), `by_scheduler`, `by_reporter` (the reporter's\n"
        "own message), `after_reading` (the person has read the report), `content_is_kept` (not yet\n"
        "purged), `recently_resolved` (resolved less than "
        f"{lifecycle.REOPEN_WINDOW.days} days ago, content kept).\n"
        "`[internal]` moves keep the status. A reporter writing on a closed case that is not reopened\n"
        "gets a linked follow-up report instead. What each move leaves behind (timeline, audit,\n"
        "erasing the reply address on closing, telling officers) is described in `flows/lifecycle.py`."
    )
    return _markdown(
        "The case lifecycle", "flows/lifecycle.py", _mermaid(lifecycle.build_machine, case), intro
    )


DIAGRAMS: dict[str, tuple[str, Callable[[], str]]] = {
    "conversation": ("docs/flow.md", mermaid_markdown),
    "lifecycle": ("docs/lifecycle.md", lifecycle_markdown),
}
