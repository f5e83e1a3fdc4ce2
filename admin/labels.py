"""Message keys of the console's vocabularies, spelled out for the extractor."""

from __future__ import annotations

from flows.i18n import N_
from flows.keys import URGENCY_LABELS
from flows.roster import ChangeKind
from flows.vocabulary import CaseEventKind, Door, ReferralStatus, Role, Status

ROLE = {
    Role.OFFICER: N_("console.role.officer"),
    Role.SUPERVISOR: N_("console.role.supervisor"),
    Role.ADMIN: N_("console.role.admin"),
}
STATUS = {
    Status.NEW: N_("console.status.baru"),
    Status.ACCEPTED: N_("console.status.diterima"),
    Status.HANDLING: N_("console.status.ditangani"),
    Status.REFERRED: N_("console.status.dirujuk"),
    Status.RESOLVED: N_("console.status.selesai"),
    Status.INVALID: N_("console.status.ditutup"),
}
URGENCY = URGENCY_LABELS
FOLDER = {
    "mine": N_("console.folder.mine"),
    "unassigned": N_("console.folder.unassigned"),
    "all": N_("console.folder.all"),
}
REFERRAL = {
    ReferralStatus.PROPOSED: N_("console.referral.diajukan"),
    ReferralStatus.ACCEPTED: N_("console.referral.diterima"),
    ReferralStatus.DECLINED: N_("console.referral.ditolak"),
    ReferralStatus.DONE: N_("console.referral.selesai"),
}
INVALID = {
    "tidak-valid": N_("console.invalid.tidak-valid"),
    "spam": N_("console.invalid.spam"),
    "ganda": N_("console.invalid.ganda"),
}
EVENT = {
    CaseEventKind.URGENT_ALERT: N_("console.event.urgent_alert"),
    CaseEventKind.SUBMITTED: N_("console.event.submitted"),
    CaseEventKind.ABANDONED: N_("console.event.abandoned"),
    CaseEventKind.REPORTER_MESSAGE: N_("console.event.reporter_message"),
    CaseEventKind.OFFICER_REPLY: N_("console.event.officer_reply"),
    CaseEventKind.NOTE: N_("console.event.note"),
    CaseEventKind.STATUS: N_("console.event.status"),
    CaseEventKind.REOPENED: N_("console.event.reopened"),
    CaseEventKind.RISK: N_("console.event.risk"),
    CaseEventKind.CATEGORY: N_("console.event.category"),
    CaseEventKind.ASSIGNED: N_("console.event.assigned"),
    CaseEventKind.REFERRED: N_("console.event.referred"),
    CaseEventKind.REFERRAL: N_("console.event.referral"),
    CaseEventKind.REPORTER_BLOCKED: N_("console.event.reporter_blocked"),
    CaseEventKind.UNASSIGNED: N_("console.event.unassigned"),
    CaseEventKind.ESCALATED: N_("console.event.escalated"),
    CaseEventKind.CATEGORY_HINT: N_("console.event.category_hint"),
    CaseEventKind.FOLLOW_UP: N_("console.event.follow_up"),
    CaseEventKind.FOLLOW_UP_OF: N_("console.event.follow_up_of"),
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
    N_("console.done.removed"),
    N_("console.users.deactivated"),
    N_("console.password.too_short"),
    N_("console.password.mismatch"),
    N_("console.password.same"),
    N_("console.replies.empty"),
)
DIMENSION = {
    "category": N_("console.dim.category"),
    "simfoni": N_("console.dim.simfoni"),
    "region": N_("console.dim.region"),
    "age_band": N_("console.dim.age_band"),
    "sex": N_("console.dim.sex"),
    "reporter_role": N_("console.dim.reporter_role"),
    "status": N_("console.dim.status"),
    "outcome": N_("console.dim.outcome"),
}
AGE_BAND = {
    "0-5": N_("age.band.0-5"),
    "6-12": N_("age.band.6-12"),
    "13-17": N_("age.band.13-17"),
    "unknown": N_("age.band.unknown"),
}
SIMFONI = {
    "fisik": N_("simfoni.fisik"),
    "psikis": N_("simfoni.psikis"),
    "seksual": N_("simfoni.seksual"),
    "eksploitasi": N_("simfoni.eksploitasi"),
    "trafficking": N_("simfoni.trafficking"),
    "penelantaran": N_("simfoni.penelantaran"),
    "lainnya": N_("simfoni.lainnya"),
}
AUDIT = {
    "acknowledge": N_("audit.acknowledge"),
    "acknowledge_refused": N_("audit.acknowledge_refused"),
    "assigned": N_("audit.assigned"),
    "category": N_("audit.category"),
    "content_purged": N_("audit.content_purged"),
    "escalated": N_("audit.escalated"),
    "export": N_("audit.export"),
    "link_code_issued": N_("audit.link_code_issued"),
    "login": N_("audit.login"),
    "login_invalid": N_("audit.login_invalid"),
    "login_locked": N_("audit.login_locked"),
    "logout": N_("audit.logout"),
    "note": N_("audit.note"),
    "password_changed": N_("audit.password_changed"),
    "push_off": N_("audit.push_off"),
    "push_on": N_("audit.push_on"),
    "read_attachment": N_("audit.read_attachment"),
    "read_content": N_("audit.read_content"),
    "read_original": N_("audit.read_original"),
    "referral": N_("audit.referral"),
    "referred": N_("audit.referred"),
    "replies_saved": N_("audit.replies_saved"),
    "reply": N_("audit.reply"),
    "risk": N_("audit.risk"),
    "roster_delete": N_("audit.roster_delete"),
    "roster_extra": N_("audit.roster_extra"),
    "roster_holiday": N_("audit.roster_holiday"),
    "roster_leave": N_("audit.roster_leave"),
    "roster_weekly": N_("audit.roster_weekly"),
    "routed_handover": N_("audit.routed_handover"),
    "routed_nobody": N_("audit.routed_nobody"),
    "routed_roster": N_("audit.routed_roster"),
    "routed_shift_start": N_("audit.routed_shift_start"),
    "status": N_("audit.status"),
    "submitted": N_("audit.submitted"),
    "telegram_linked": N_("audit.telegram_linked"),
    "totp_enabled": N_("audit.totp_enabled"),
    "urgent_alert": N_("audit.urgent_alert"),
    "user_created": N_("audit.user_created"),
    "user_deactivate": N_("audit.user_deactivate"),
    "user_link-code": N_("audit.user_link-code"),
    "user_reset": N_("audit.user_reset"),
    "resolve": N_("audit.resolve"),
    "invalidate": N_("audit.invalidate"),
    "reopen": N_("audit.reopen"),
    "handle": N_("audit.handle"),
    "refer": N_("audit.refer"),
    "totp_locked": N_("audit.totp_locked"),
}
REFUSED = N_("audit.refused")
DAY = (
    N_("day.0"),
    N_("day.1"),
    N_("day.2"),
    N_("day.3"),
    N_("day.4"),
    N_("day.5"),
    N_("day.6"),
)
CHANGE = {
    ChangeKind.LEAVE: N_("console.roster.kind.leave"),
    ChangeKind.HOLIDAY: N_("console.roster.kind.holiday"),
    ChangeKind.EXTRA: N_("console.roster.kind.extra"),
}
ACTOR = {
    Door.SYSTEM: N_("console.audit.actor.system"),
    Door.REPORTER: N_("console.audit.actor.reporter"),
    Door.CLI: N_("console.audit.actor.cli"),
    Door.TELEGRAM: N_("console.audit.actor.telegram"),
    Door.CONSOLE: N_("console.audit.actor.console"),
}
MESSAGES_MORE = (
    N_("console.done.reopened"),
    N_("console.error.read_first"),
    N_("console.error.nothing_changed"),
)
