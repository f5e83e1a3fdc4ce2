"""The shape of the conversation: states and the moves between them, as one shared machine.

One ``transitions.Machine`` with ``model=None`` serves every conversation: the flow triggers an event
on a ``Conversation`` for the length of one message: a ``Machine`` per conversation would cost about
a megabyte each (the transitions FAQ). Callbacks are not used; the flow computes, the runtime does
I/O. The diagram in ``docs/`` is drawn from this table.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine, MachineError

from flows.conversation import EDITABLE_STEPS, REPORT_STEPS, Conversation

STATES: tuple[str, ...] = (
    "menu",
    *REPORT_STEPS[:3],
    "category_confirm",
    *REPORT_STEPS[3:],
    "kecamatan_confirm",
    "kelurahan_confirm",
    "review",
    "edit_menu",
    "cancel_confirm",
    "status_code",
    "status_view",
    "status_reply",
    "emergency",
    "about",
    "language",
)

CONFIRMATIONS = ["category_confirm", "kecamatan_confirm", "kelurahan_confirm"]
"""The "is this what you meant?" questions after a guess from typed words."""
_REPORT_AND_REVIEW = [*REPORT_STEPS, *CONFIRMATIONS, "review", "edit_menu"]


def _transitions() -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = [
        {"trigger": "start_report", "source": ["menu", "emergency", "about"], "dest": "consent"},
        {"trigger": "decline", "source": "consent", "dest": "menu"},
        {"trigger": "suggest", "source": "category", "dest": "category_confirm"},
        {"trigger": "reject", "source": "category_confirm", "dest": "category"},
        {"trigger": "guess_kecamatan", "source": "kecamatan", "dest": "kecamatan_confirm"},
        {"trigger": "reject", "source": "kecamatan_confirm", "dest": "kecamatan"},
        {"trigger": "guess_kelurahan", "source": "kelurahan", "dest": "kelurahan_confirm"},
    ]
    # While editing from the review, an answer returns to the review once nothing is missing.
    moves.append(
        {
            "trigger": "advance",
            "source": [*EDITABLE_STEPS, *CONFIRMATIONS],
            "dest": "review",
            "conditions": "editing_done",
        }
    )
    forward = [
        ("consent", "role"),
        ("role", "category"),
        ("category", "danger"),
        ("category_confirm", "danger"),
        ("danger", "age"),
        ("age", "sex"),
        ("sex", "kecamatan"),
        ("kecamatan", "kelurahan"),
        ("kecamatan_confirm", "kelurahan"),
        ("kelurahan", "landmark"),
        ("kelurahan_confirm", "landmark"),
        ("landmark", "story"),
        ("story", "contact"),
    ]
    moves += [{"trigger": "advance", "source": a, "dest": b} for a, b in forward]
    moves += [
        {"trigger": "advance", "source": "contact", "dest": "phone", "conditions": "wants_phone"},
        {"trigger": "advance", "source": ["contact", "phone"], "dest": "review"},
        {"trigger": "edit", "source": "review", "dest": "edit_menu"},
        {"trigger": "submit", "source": "review", "dest": "menu"},
    ]
    moves += [{"trigger": f"edit_{step}", "source": "edit_menu", "dest": step} for step in EDITABLE_STEPS]
    # `menu` keeps a draft; "Lanjutkan laporan" comes back to the question where it stopped.
    moves += [{"trigger": f"resume_{state}", "source": "menu", "dest": state} for state in _REPORT_AND_REVIEW]
    moves += [
        {"trigger": f"return_{state}", "source": "cancel_confirm", "dest": state}
        for state in ["menu", *_REPORT_AND_REVIEW]
    ]
    # `kembali`: one question back; while editing, back to the review.
    moves.append(
        {
            "trigger": "back",
            "source": [*EDITABLE_STEPS, *CONFIRMATIONS, "edit_menu"],
            "dest": "review",
            "conditions": "editing",
        }
    )
    backward = [(b, a) for a, b in forward if a not in CONFIRMATIONS]
    backward += [
        ("consent", "menu"),
        ("category_confirm", "category"),
        ("kecamatan_confirm", "kecamatan"),
        ("kelurahan_confirm", "kelurahan"),
        ("phone", "contact"),
        ("review", "contact"),
        ("edit_menu", "review"),
        ("status_code", "menu"),
        ("status_view", "menu"),
        ("status_reply", "status_view"),
        ("emergency", "menu"),
        ("about", "menu"),
        ("language", "menu"),
    ]
    moves += [{"trigger": "back", "source": a, "dest": b} for a, b in backward]
    moves += [
        {"trigger": "cancel", "source": [*_REPORT_AND_REVIEW, *_OTHER, "cancel_confirm"], "dest": "menu"},
        # `batal` with a draft asks first; "no" returns to the question it was asked at.
        {"trigger": "ask_cancel", "source": ["menu", *_REPORT_AND_REVIEW], "dest": "cancel_confirm"},
        {"trigger": "to_menu", "source": "*", "dest": "menu"},
        {"trigger": "expire", "source": "*", "dest": "menu"},
        {"trigger": "check_status", "source": "*", "dest": "status_code"},
        {"trigger": "receipt_ok", "source": "status_code", "dest": "status_view"},
        {"trigger": "write_reply", "source": "status_view", "dest": "status_reply"},
        {"trigger": "advance", "source": "status_reply", "dest": "status_view"},
        {"trigger": "show_emergency", "source": "menu", "dest": "emergency"},
        {"trigger": "show_about", "source": "menu", "dest": "about"},
        {"trigger": "choose_language", "source": "*", "dest": "language"},
        {"trigger": "advance", "source": "language", "dest": "menu"},
    ]
    return moves


_OTHER = ["status_code", "status_view", "status_reply", "emergency", "about", "language"]


def build_machine(machine_class: type[Machine] = Machine, **kwargs: Any) -> Machine:
    return machine_class(
        model=None,
        states=list(STATES),
        transitions=_transitions(),
        initial="menu",
        auto_transitions=False,
        ignore_invalid_triggers=False,
        **kwargs,
    )


MACHINE = build_machine()


def fire(conversation: Conversation, trigger: str) -> bool:
    """Run one event of the shared machine on one conversation; False if no move applied."""
    try:
        return bool(MACHINE.events[trigger].trigger(conversation))
    except MachineError:
        return False
