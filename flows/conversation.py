"""One reporter's conversation as the flow sees it: a state name and answers, nothing else.

The runtime stores exactly this (encrypted) and rebuilds it for each message; the state machine is
shared and never pickled.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

REPORT_STEPS: tuple[str, ...] = (
    "consent",
    "role",
    "category",
    "danger",
    "age",
    "sex",
    "kecamatan",
    "kelurahan",
    "landmark",
    "story",
    "contact",
    "phone",
)
"""The questions of a report, in the order they are asked (``phone`` only if wanted)."""

EDITABLE_STEPS: tuple[str, ...] = REPORT_STEPS[1:]
DRAFT_STATES: frozenset[str] = frozenset(
    (*REPORT_STEPS, "category_confirm", "kecamatan_confirm", "kelurahan_confirm", "review", "edit_menu")
)
STATUS_STATES: frozenset[str] = frozenset(("status_code", "status_view", "status_reply"))

REQUIRED_ANSWERS: dict[str, str] = {
    "role": "role",
    "category": "category",
    "danger": "danger",
    "age": "age_band",
    "sex": "sex",
    "kecamatan": "region",
    "kelurahan": "kelurahan_answered",
    "landmark": "landmark_answered",
    "story": "story_done",
    "contact": "contact",
}


@dataclass
class Conversation:
    state: str = "menu"
    locale: str = "id"
    answers: dict[str, Any] = field(default_factory=dict)
    editing: bool = False
    resume_state: str | None = None
    cancel_from: str | None = None
    """Where `batal` was typed, while the reporter is asked whether to delete the draft."""
    urgent_report_id: int | None = None
    urgent_reference: str | None = None
    verified_reference: str | None = None
    failed_receipts: int = 0
    receipt_locked_until: datetime | None = None
    last_active: datetime | None = None
    greeted: bool = False

    # Conditions used by the state machine (named in the diagram).

    def wants_phone(self) -> bool:
        return self.answers.get("contact") == "phone" and not self.answers.get("phone")

    def editing_done(self) -> bool:
        return self.editing and self.first_missing_step() is None

    def first_missing_step(self) -> str | None:
        for step, key in REQUIRED_ANSWERS.items():
            if not self.answers.get(key):
                return step
        return "phone" if self.wants_phone() else None

    @property
    def is_child(self) -> bool:
        return self.answers.get("role") == "self"

    @property
    def has_draft(self) -> bool:
        return any(key != "source" for key in self.answers)

    def clear_draft(self) -> None:
        source = self.answers.get("source")
        self.answers = {"source": source} if source else {}
        self.editing = False
        self.resume_state = None
        self.cancel_from = None
        self.urgent_report_id = None
        self.urgent_reference = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("receipt_locked_until", "last_active"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        data = dict(data)
        for key in ("receipt_locked_until", "last_active"):
            data[key] = datetime.fromisoformat(data[key]) if data.get(key) else None
        known = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in known})
