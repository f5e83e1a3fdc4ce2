"""Message keys of the console's vocabularies, spelled out for the extractor."""

from __future__ import annotations

from flows.i18n import N_

ROLE = {
    "officer": N_("console.role.officer"),
    "supervisor": N_("console.role.supervisor"),
    "admin": N_("console.role.admin"),
}
STATUS = {
    "baru": N_("console.status.baru"),
    "diterima": N_("console.status.diterima"),
    "ditangani": N_("console.status.ditangani"),
    "dirujuk": N_("console.status.dirujuk"),
    "selesai": N_("console.status.selesai"),
    "ditutup": N_("console.status.ditutup"),
}
URGENCY = {
    "urgent": N_("console.urgency.urgent"),
    "high": N_("console.urgency.high"),
    "normal": N_("console.urgency.normal"),
}
FOLDER = {
    "mine": N_("console.folder.mine"),
    "unassigned": N_("console.folder.unassigned"),
    "all": N_("console.folder.all"),
}
REFERRAL = {
    "diajukan": N_("console.referral.diajukan"),
    "diterima": N_("console.referral.diterima"),
    "ditolak": N_("console.referral.ditolak"),
    "selesai": N_("console.referral.selesai"),
}
INVALID = {
    "tidak-valid": N_("console.invalid.tidak-valid"),
    "spam": N_("console.invalid.spam"),
    "ganda": N_("console.invalid.ganda"),
}
EVENT = {
    "urgent_alert": N_("console.event.urgent_alert"),
    "submitted": N_("console.event.submitted"),
    "abandoned": N_("console.event.abandoned"),
    "reporter_message": N_("console.event.reporter_message"),
    "officer_reply": N_("console.event.officer_reply"),
    "note": N_("console.event.note"),
    "status": N_("console.event.status"),
    "risk": N_("console.event.risk"),
    "category": N_("console.event.category"),
    "assigned": N_("console.event.assigned"),
    "referred": N_("console.event.referred"),
    "referral": N_("console.event.referral"),
    "reporter_blocked": N_("console.event.reporter_blocked"),
    "unassigned": N_("console.event.unassigned"),
    "escalated": N_("console.event.escalated"),
}
MESSAGES = (
    N_("console.done.acknowledged"),
    N_("console.done.already"),
    N_("console.done.status"),
    N_("console.done.saved"),
    N_("console.done.assigned"),
    N_("console.done.replied"),
    N_("console.done.noted"),
    N_("console.done.referred"),
    N_("console.done.closed"),
    N_("console.error.unknown_action"),
    N_("console.error.not_allowed"),
    N_("console.error.take_first"),
    N_("console.error.read_first"),
    N_("console.error.status"),
    N_("console.error.invalid"),
    N_("console.error.outcome"),
    N_("console.error.empty"),
    N_("console.error.too_long"),
    N_("console.login.locked"),
    N_("console.login.invalid"),
    N_("console.totp.wrong"),
    N_("console.users.error"),
    N_("console.roster.saved"),
    N_("console.roster.error"),
)
DIMENSION = {
    "category": N_("console.dim.category"),
    "simfoni": N_("console.dim.simfoni"),
    "region": N_("console.dim.region"),
    "age_band": N_("console.dim.age_band"),
    "sex": N_("console.dim.sex"),
    "reporter_role": N_("console.dim.reporter_role"),
    "status": N_("console.dim.status"),
}
AGE_BAND = {
    "0-5": N_("age.band.0-5"),
    "6-12": N_("age.band.6-12"),
    "13-17": N_("age.band.13-17"),
    "unknown": N_("age.band.unknown"),
}
