"""A report as the flow hands it over: answers turned into queryable fields and private content.

Triage lives here because it is a rule of the domain, not of storage or of a channel: the same
answers must give the same urgency wherever they were typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flows.deployment import Deployment
from flows.vocabulary import Urgency

AgeBand = Literal["0-5", "6-12", "13-17", "unknown"]

AGE_BANDS: tuple[AgeBand, ...] = ("0-5", "6-12", "13-17", "unknown")
OUTSIDE = "outside"
"""The kecamatan answer of a reporter who does not know it or is outside the unit's area."""


def age_band(age: int | None) -> AgeBand:
    if age is None:
        return "unknown"
    if age <= 5:
        return "0-5"
    if age <= 12:
        return "6-12"
    return "13-17"


def triage(answers: dict[str, Any], deployment: Deployment) -> Urgency:
    if answers.get("danger") == "yes" or answers.get("danger_heard"):
        return Urgency.URGENT
    category = deployment.category_by_code.get(answers.get("category") or "")
    if answers.get("danger") == "unknown" or (category and category.priority == Urgency.HIGH):
        return Urgency.HIGH
    if answers.get("age_band") == "0-5":
        return Urgency.HIGH
    return Urgency.NORMAL


@dataclass(frozen=True)
class Attachment:
    kind: str
    ref: str


@dataclass(frozen=True)
class ReportDraft:
    """Everything a report needs; ``content()`` is what must be encrypted at rest."""

    unit: str
    region: str | None
    category: str | None
    simfoni: str | None
    role: str | None
    danger: str | None
    urgency: Urgency
    age: int | None
    age_band: AgeBand
    sex: str | None
    kelurahan: str | None
    landmark: str | None
    coords: tuple[float, float] | None
    story: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    phone: str | None
    locale: str
    source: str | None
    complete: bool
    hint: dict[str, Any] | None = None
    """The category suggested from the reporter's words and accepted, with the keywords that matched."""

    @classmethod
    def from_answers(
        cls, answers: dict[str, Any], deployment: Deployment, *, locale: str, complete: bool
    ) -> ReportDraft:
        region = answers.get("region")
        region = region if region in deployment.regions else None
        unit = deployment.unit_of_region[region] if region else deployment.default_unit
        category = deployment.category_by_code.get(answers.get("category") or "")
        coords = answers.get("coords")
        return cls(
            unit=unit.code,
            region=region,
            category=category.code if category else None,
            simfoni=category.simfoni.value if category and category.simfoni else None,
            role=answers.get("role"),
            danger=answers.get("danger"),
            urgency=triage(answers, deployment),
            age=answers.get("age"),
            age_band=answers.get("age_band") or "unknown",
            sex=answers.get("sex"),
            kelurahan=answers.get("kelurahan"),
            landmark=answers.get("landmark"),
            coords=(float(coords[0]), float(coords[1])) if coords else None,
            story=tuple(answers.get("story", ())),
            attachments=tuple(Attachment(**a) for a in answers.get("attachments", ())),
            phone=answers.get("phone") if answers.get("contact") == "phone" else None,
            locale=locale,
            source=answers.get("source"),
            complete=complete,
            hint=answers.get("hint"),
        )

    def content(self) -> dict[str, Any]:
        return {
            "story": list(self.story),
            "kelurahan": self.kelurahan,
            "landmark": self.landmark,
            "coords": list(self.coords) if self.coords else None,
            "phone": self.phone,
            "age": self.age,
            "attachments": [{"kind": a.kind, "ref": a.ref} for a in self.attachments],
        }
