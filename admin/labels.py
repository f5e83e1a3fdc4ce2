"""Message keys of the console's vocabularies, spelled out for the extractor."""

from __future__ import annotations

from flows.i18n import N_
from flows.keys import URGENCY_LABELS
from flows.roster import ChangeKind
from flows.vocabulary import AuditAction, CaseEventKind, Door, ReferralStatus, Role, Status

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
AUDIT: dict[AuditAction, str] = {
    AuditAction.SUBMITTED: N_("audit.submitted"),
    AuditAction.URGENT_ALERT: N_("audit.urgent_alert"),
    AuditAction.READ_CONTENT: N_("audit.read_content"),
    AuditAction.READ_ATTACHMENT: N_("audit.read_attachment"),
    AuditAction.READ_ORIGINAL: N_("audit.read_original"),
    AuditAction.NOTE: N_("audit.note"),
    AuditAction.REPLY: N_("audit.reply"),
    AuditAction.STATUS: N_("audit.status"),
    AuditAction.RISK: N_("audit.risk"),
    AuditAction.CATEGORY: N_("audit.category"),
    AuditAction.REFERRED: N_("audit.referred"),
    AuditAction.REFERRAL: N_("audit.referral"),
    AuditAction.ASSIGNED: N_("audit.assigned"),
    AuditAction.ESCALATED: N_("audit.escalated"),
    AuditAction.ROUTED_ROSTER: N_("audit.routed_roster"),
    AuditAction.ROUTED_SHIFT_START: N_("audit.routed_shift_start"),
    AuditAction.ROUTED_HANDOVER: N_("audit.routed_handover"),
    AuditAction.ROUTED_NOBODY: N_("audit.routed_nobody"),
    AuditAction.ACKNOWLEDGE: N_("audit.acknowledge"),
    AuditAction.HANDLE: N_("audit.handle"),
    AuditAction.REFER: N_("audit.refer"),
    AuditAction.RESOLVE: N_("audit.resolve"),
    AuditAction.INVALIDATE: N_("audit.invalidate"),
    AuditAction.REOPEN: N_("audit.reopen"),
    AuditAction.ACKNOWLEDGE_REFUSED: N_("audit.acknowledge_refused"),
    AuditAction.HANDLE_REFUSED: N_("audit.handle_refused"),
    AuditAction.REFER_REFUSED: N_("audit.refer_refused"),
    AuditAction.RESOLVE_REFUSED: N_("audit.resolve_refused"),
    AuditAction.INVALIDATE_REFUSED: N_("audit.invalidate_refused"),
    AuditAction.REOPEN_REFUSED: N_("audit.reopen_refused"),
    AuditAction.ASSIGN_REFUSED: N_("audit.assign_refused"),
    AuditAction.ESCALATE_REFUSED: N_("audit.escalate_refused"),
    AuditAction.REPORTER_WRITES_REFUSED: N_("audit.reporter_writes_refused"),
    AuditAction.CONTENT_PURGED: N_("audit.content_purged"),
    AuditAction.EXPORT: N_("audit.export"),
    AuditAction.LOGIN: N_("audit.login"),
    AuditAction.LOGIN_INVALID: N_("audit.login_invalid"),
    AuditAction.LOGIN_LOCKED: N_("audit.login_locked"),
    AuditAction.LOGOUT: N_("audit.logout"),
    AuditAction.TOTP_ENABLED: N_("audit.totp_enabled"),
    AuditAction.TOTP_LOCKED: N_("audit.totp_locked"),
    AuditAction.PASSWORD_CHANGED: N_("audit.password_changed"),
    AuditAction.PUSH_ON: N_("audit.push_on"),
    AuditAction.PUSH_OFF: N_("audit.push_off"),
    AuditAction.REPLIES_SAVED: N_("audit.replies_saved"),
    AuditAction.ROSTER_WEEKLY: N_("audit.roster_weekly"),
    AuditAction.ROSTER_EXTRA: N_("audit.roster_extra"),
    AuditAction.ROSTER_LEAVE: N_("audit.roster_leave"),
    AuditAction.ROSTER_HOLIDAY: N_("audit.roster_holiday"),
    AuditAction.ROSTER_DELETE: N_("audit.roster_delete"),
    AuditAction.USER_CREATED: N_("audit.user_created"),
    AuditAction.USER_DEACTIVATE: N_("audit.user_deactivate"),
    AuditAction.USER_RESET: N_("audit.user_reset"),
    AuditAction.USER_LINK_CODE: N_("audit.user_link-code"),
    AuditAction.LINK_CODE_ISSUED: N_("audit.link_code_issued"),
    AuditAction.TELEGRAM_LINKED: N_("audit.telegram_linked"),
}
"""Every action has its label: the audit page lists them as its filter, and shows no raw names."""
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
