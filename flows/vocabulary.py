"""The words every layer shares, each spelled once: a case's status and urgency, a console user's
role, the channels reports arrive on, what a case's timeline records and where a referral stands.
They are ``StrEnum``s so the database, templates and JSON keep plain strings while the code cannot
misspell one."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a case stands (the lifecycle in ``flows.lifecycle`` moves it)."""

    NEW = "baru"
    ACCEPTED = "diterima"
    HANDLING = "ditangani"
    REFERRED = "dirujuk"
    RESOLVED = "selesai"
    """Closed with an outcome."""
    INVALID = "ditutup"
    """Closed as not valid (tidak valid, spam, a duplicate)."""

    @property
    def closed(self) -> bool:
        return self in CLOSED


CLOSED: tuple[Status, ...] = (Status.RESOLVED, Status.INVALID)
OPEN: tuple[Status, ...] = tuple(s for s in Status if s not in CLOSED)


class Urgency(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        """0 for the most urgent: sort keys and "only goes up" comparisons use it."""
        return _URGENCY_ORDER.index(self)

    @classmethod
    def highest(cls, *levels: str) -> Urgency:
        return min((cls(level) for level in levels), key=lambda u: u.rank)


_URGENCY_ORDER = (Urgency.URGENT, Urgency.HIGH, Urgency.NORMAL)


class Role(StrEnum):
    """A console user's role within their unit."""

    OFFICER = "officer"
    """A duty officer (pekerja sosial on the piket roster)."""
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    """Manages accounts; sees no case content (except an urgent case escalated to them)."""


ON_ROSTER: tuple[Role, ...] = (Role.OFFICER, Role.SUPERVISOR)
"""The roles that take cases and go on the duty roster."""


class Channel(StrEnum):
    """Where a conversation happens, or where a message to someone leaves through."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"
    TERMINAL = "terminal"
    WEBPUSH = "webpush"
    """Officers' browsers (alerts only, never a conversation)."""
    UNKNOWN = "unknown"
    """A report filed without a live conversation (an idle urgent draft given up)."""


class OutboxPurpose(StrEnum):
    """Why a message leaves through the outbox; channels treat each kind differently."""

    REPLY = "reply"
    """The bot answering a reporter in their conversation."""
    OFFICER_REPLY = "officer_reply"
    """An officer's words to a reporter (WhatsApp holds them outside its 24-hour window)."""
    TO_OFFICER = "to_officer"
    """A message to an officer: a case announcement, an escalation, a linking answer, an alert."""
    WAITING_NOTICE = "template"
    """WhatsApp's approved template telling a reporter outside the 24-hour window that a reply waits."""


class Announcement(StrEnum):
    """What officers are told about a case (Telegram when linked, Web Push); never its content."""

    NEW = "new"
    ASSIGNED = "assigned"
    """Given to this officer by a colleague or supervisor (told like a new case)."""
    URGENT = "urgent"
    """A new urgent case for the officer on duty."""
    UNASSIGNED = "unassigned"
    """A new case with nobody on duty: to the supervisors."""
    ESCALATED_TO_SUPERVISORS = "escalated1"
    ESCALATED_TO_ADMINS = "escalated2"
    MESSAGE = "message"
    """The reporter wrote again."""

    @classmethod
    def escalated(cls, level: int) -> Announcement:
        return cls.ESCALATED_TO_SUPERVISORS if level == 1 else cls.ESCALATED_TO_ADMINS


class CaseEventKind(StrEnum):
    """What an entry on a case's timeline records (the console names each one)."""

    SUBMITTED = "submitted"
    ABANDONED = "abandoned"
    """The reporter left before submitting; what they had given was filed for follow-up."""
    URGENT_ALERT = "urgent_alert"
    CATEGORY_HINT = "category_hint"
    """The words the reporter's story was recognised by, for the officer to check."""
    REPORTER_MESSAGE = "reporter_message"
    OFFICER_REPLY = "officer_reply"
    NOTE = "note"
    STATUS = "status"
    REOPENED = "reopened"
    RISK = "risk"
    CATEGORY = "category"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    ESCALATED = "escalated"
    REFERRED = "referred"
    REFERRAL = "referral"
    """A referral's status changed."""
    REPORTER_BLOCKED = "reporter_blocked"
    """The reporter blocked the bot: replies can no longer reach them."""
    FOLLOW_UP = "follow_up"
    """On a closed case: a new report continues it."""
    FOLLOW_UP_OF = "follow_up_of"
    """On the new report: the closed case it continues."""


class ReferralStatus(StrEnum):
    """Where a referral to another service stands."""

    PROPOSED = "diajukan"
    ACCEPTED = "diterima"
    DECLINED = "ditolak"
    DONE = "selesai"


OPEN_REFERRALS: tuple[ReferralStatus, ...] = (ReferralStatus.PROPOSED, ReferralStatus.ACCEPTED)
"""Referrals still waiting on the other service: they keep a case from closing and can be overdue."""


class Door(StrEnum):
    """Through which door an audited action came (the audit trail's "who" when no officer did it)."""

    CONSOLE = "console"
    TELEGRAM = "telegram"
    """An officer's button or link code in Telegram."""
    CLI = "cli"
    """An operator at the ``hotline`` command."""
    REPORTER = "reporter"
    SYSTEM = "system"
    """The scheduler and the retention purge."""


class RouteReason(StrEnum):
    """Why a case went to an officer without anyone choosing them."""

    ROSTER = "roster"
    """Filed: to whoever is on duty."""
    SLA = "sla"
    """Not acknowledged in time (an escalation)."""
    SHIFT_START = "shift_start"
    """Filed while nobody was on duty: to the first officer whose shift begins."""
    HANDOVER = "handover"
    """The assignee's shift ended with the case not yet acknowledged."""


class AuditAction(StrEnum):
    """What an audit row says was done; stored as the value, labelled in the console."""

    SUBMITTED = "submitted"
    URGENT_ALERT = "urgent_alert"
    READ_CONTENT = "read_content"
    READ_ATTACHMENT = "read_attachment"
    READ_ORIGINAL = "read_original"
    NOTE = "note"
    REPLY = "reply"
    STATUS = "status"
    RISK = "risk"
    CATEGORY = "category"
    REFERRED = "referred"
    REFERRAL = "referral"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    ROUTED_ROSTER = "routed_roster"
    ROUTED_SHIFT_START = "routed_shift_start"
    ROUTED_HANDOVER = "routed_handover"
    ROUTED_NOBODY = "routed_nobody"
    ACKNOWLEDGE = "acknowledge"
    HANDLE = "handle"
    REFER = "refer"
    RESOLVE = "resolve"
    INVALIDATE = "invalidate"
    REOPEN = "reopen"
    ACKNOWLEDGE_REFUSED = "acknowledge_refused"
    HANDLE_REFUSED = "handle_refused"
    REFER_REFUSED = "refer_refused"
    RESOLVE_REFUSED = "resolve_refused"
    INVALIDATE_REFUSED = "invalidate_refused"
    REOPEN_REFUSED = "reopen_refused"
    ASSIGN_REFUSED = "assign_refused"
    ESCALATE_REFUSED = "escalate_refused"
    REPORTER_WRITES_REFUSED = "reporter_writes_refused"
    CONTENT_PURGED = "content_purged"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_INVALID = "login_invalid"
    LOGIN_LOCKED = "login_locked"
    LOGOUT = "logout"
    TOTP_ENABLED = "totp_enabled"
    TOTP_LOCKED = "totp_locked"
    PASSWORD_CHANGED = "password_changed"
    PUSH_ON = "push_on"
    PUSH_OFF = "push_off"
    REPLIES_SAVED = "replies_saved"
    ROSTER_WEEKLY = "roster_weekly"
    ROSTER_EXTRA = "roster_extra"
    ROSTER_LEAVE = "roster_leave"
    ROSTER_HOLIDAY = "roster_holiday"
    ROSTER_DELETE = "roster_delete"
    USER_CREATED = "user_created"
    USER_DEACTIVATE = "user_deactivate"
    USER_RESET = "user_reset"
    USER_LINK_CODE = "user_link-code"
    LINK_CODE_ISSUED = "link_code_issued"
    TELEGRAM_LINKED = "telegram_linked"
