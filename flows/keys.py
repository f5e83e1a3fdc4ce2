"""Message keys that code builds at run time, spelled out so ``pybabel extract`` keeps them.

The texts themselves live in ``locales/``; this module only names them.
"""

from __future__ import annotations

from flows.i18n import N_
from flows.vocabulary import Status, Urgency

ROLES = ("self", "parent", "family", "neighbour", "teacher", "health", "social", "other")

OPTION_LABELS: dict[str, dict[str, str]] = {
    "role": {
        "self": N_("role.self"),
        "parent": N_("role.parent"),
        "family": N_("role.family"),
        "neighbour": N_("role.neighbour"),
        "teacher": N_("role.teacher"),
        "health": N_("role.health"),
        "social": N_("role.social"),
        "other": N_("role.other"),
    },
    "danger": {"yes": N_("danger.yes"), "no": N_("danger.no"), "unknown": N_("danger.unknown")},
    "age": {
        "0-5": N_("age.band.0-5"),
        "6-12": N_("age.band.6-12"),
        "13-17": N_("age.band.13-17"),
        "unknown": N_("age.band.unknown"),
    },
    "sex": {"male": N_("sex.male"), "female": N_("sex.female"), "unknown": N_("sex.unknown")},
}

EDIT_LABELS: dict[str, str] = {
    "role": N_("edit.role"),
    "category": N_("edit.category"),
    "danger": N_("edit.danger"),
    "age": N_("edit.age"),
    "sex": N_("edit.sex"),
    "kecamatan": N_("edit.kecamatan"),
    "kelurahan": N_("edit.kelurahan"),
    "landmark": N_("edit.landmark"),
    "story": N_("edit.story"),
    "contact": N_("edit.contact"),
    "phone": N_("edit.phone"),
}

CHILD_VARIANTS: dict[str, str] = {
    "prompt.category": N_("prompt.category.child"),
    "prompt.danger": N_("prompt.danger.child"),
    "prompt.age": N_("prompt.age.child"),
    "prompt.sex": N_("prompt.sex.child"),
    "prompt.kecamatan": N_("prompt.kecamatan.child"),
    "prompt.story": N_("prompt.story.child"),
    "prompt.contact": N_("prompt.contact.child"),
    "prompt.review": N_("prompt.review.child"),
    "receipt.done": N_("receipt.done.child"),
    "danger.now": N_("danger.now.child"),
    "prompt.cancel_confirm": N_("prompt.cancel_confirm.child"),
    "prompt.kecamatan_confirm": N_("prompt.kecamatan_confirm.child"),
    "story.kept_earlier": N_("story.kept_earlier.child"),
    "input.kept_for_story": N_("input.kept_for_story.child"),
    "prompt.kelurahan_confirm": N_("prompt.kelurahan_confirm.child"),
    "age.band.unknown": N_("age.band.unknown.child"),
    "sex.unknown": N_("sex.unknown.child"),
    "danger.heard": N_("danger.heard.child"),
    "danger.heard.after": N_("danger.heard.after.child"),
    "selfharm.heard": N_("selfharm.heard.child"),
    "selfharm.heard.after": N_("selfharm.heard.after.child"),
}
"""Simpler, warmer wording for a child reporting about themself."""

STATUS_LABELS: dict[str, str] = {
    Status.NEW: N_("status.baru"),
    Status.ACCEPTED: N_("status.diterima"),
    Status.HANDLING: N_("status.ditangani"),
    Status.REFERRED: N_("status.dirujuk"),
    Status.RESOLVED: N_("status.selesai"),
    Status.INVALID: N_("status.ditutup"),
}
"""The case status as the reporter reads it, in plain language."""

MEDIA_SAVED: dict[str, str] = {
    "photo": N_("media.saved.photo"),
    "voice": N_("media.saved.voice"),
    "audio": N_("media.saved.audio"),
    "video": N_("media.saved.video"),
    "document": N_("media.saved.document"),
}

HELP: dict[str, str] = {
    "menu": N_("help.menu"),
    "consent": N_("help.consent"),
    "role": N_("help.role"),
    "category": N_("help.category"),
    "category_confirm": N_("help.category_confirm"),
    "kecamatan_confirm": N_("help.kecamatan_confirm"),
    "kelurahan_confirm": N_("help.kelurahan_confirm"),
    "danger": N_("help.danger"),
    "age": N_("help.age"),
    "sex": N_("help.sex"),
    "kecamatan": N_("help.kecamatan"),
    "kelurahan": N_("help.kelurahan"),
    "landmark": N_("help.landmark"),
    "story": N_("help.story"),
    "contact": N_("help.contact"),
    "phone": N_("help.phone"),
    "review": N_("help.review"),
    "edit_menu": N_("help.edit_menu"),
    "cancel_confirm": N_("help.cancel_confirm"),
    "status_code": N_("help.status_code"),
    "status_view": N_("help.status_view"),
    "status_reply": N_("help.status_reply"),
    "emergency": N_("help.emergency"),
    "about": N_("help.about"),
    "language": N_("help.language"),
}
"""What ``bantuan`` explains at each step, before the general help."""

URGENCY_LABELS: dict[str, str] = {
    Urgency.URGENT: N_("console.urgency.urgent"),
    Urgency.HIGH: N_("console.urgency.high"),
    Urgency.NORMAL: N_("console.urgency.normal"),
}
"""A case's urgency in the officer's words (console, push alerts)."""
