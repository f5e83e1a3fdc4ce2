"""The state diagram of the conversation, drawn by ``transitions`` from the machine itself."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from flows.conversation import Conversation
from flows.machine import build_machine


def mermaid() -> str:
    machine = build_machine(GraphMachine, graph_engine="mermaid", show_conditions=True)
    machine.add_model(Conversation())
    return machine.get_graph().draw(None)


def mermaid_markdown() -> str:
    return (
        "# The complaint conversation\n\n"
        "Generated from `flows/machine.py` by `hotline diagram` (`make diagram`); "
        "a test fails when it is stale.\n\n"
        "```mermaid\n" + mermaid().strip() + "\n```\n"
    )
