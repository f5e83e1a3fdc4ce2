"""The database schema. Queryable facts in plain columns; anything that could identify or hurt
someone (story, location details, contact number, delivery address, drafts) only as sealed bytes.

Delivery and background work (inbox, outbox, jobs, push devices) are in ``storage.models_delivery``.

Not here, on purpose: messenger user ids, usernames, display names, channel phone numbers, IPs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from flows.vocabulary import Channel, Role, Status, Urgency
from storage.models_base import Base, vocabulary


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(40))


class Region(Base):
    """A kecamatan of a unit (synced from the deployment file)."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))


class Conversation(Base):
    """A reporter's conversation, keyed by a keyed HMAC of ``channel:user_id``."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, 16))
    state: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(5))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    idle_since: Mapped[datetime | None] = mapped_column(index=True)
    """Set while a draft or status session is open, so the sweeper finds idle ones."""
    last_inbound_at: Mapped[datetime | None]
    """When the reporter last wrote: WhatsApp's 24-hour customer-service window runs from it."""


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Officer(Base):
    """A console user: duty officer, supervisor or admin of one unit."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(vocabulary(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    locale: Mapped[str] = mapped_column(String(5), default="id", server_default="id")
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The TOTP secret, sealed; set once two-factor sign-in is confirmed."""
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second time step of the last code accepted: a code is never accepted twice."""
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """Set by an admin's password reset: the next sign-in asks for a new password first."""


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_unit_status", "unit_id", "status"),
        Index("ix_reports_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    receipt_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    region_code: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(40))
    simfoni: Mapped[str | None] = mapped_column(String(20))
    urgency: Mapped[Urgency] = mapped_column(vocabulary(Urgency, 8))
    age_band: Mapped[str] = mapped_column(String(8))
    sex: Mapped[str | None] = mapped_column(String(8))
    reporter_role: Mapped[str | None] = mapped_column(String(16))
    danger: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, 16))
    locale: Mapped[str] = mapped_column(String(5))
    source: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[Status] = mapped_column(vocabulary(Status, 12), default=Status.NEW)
    outcome: Mapped[str | None] = mapped_column(String(40))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    """False while an urgent report waits for the rest of the answers, or was abandoned."""
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime]
    content_purged_at: Mapped[datetime | None]


class ReportContent(Base):
    """The private part of a report, sealed with the report id as context."""

    __tablename__ = "report_contents"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]


class DeliveryAddress(Base):
    """Where officers' replies go (chat id, WhatsApp number), sealed and erased on closing."""

    __tablename__ = "delivery_addresses"
    __table_args__ = (UniqueConstraint("report_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    conversation_key: Mapped[str] = mapped_column(String(64), index=True)
    """The pseudonym, so the reporter's safety wipe (``/hapus``) can find and erase it."""
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, 16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    blocked_at: Mapped[datetime | None]


class CaseEvent(Base):
    """The case timeline: messages both ways, notes and status changes."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_report", "report_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(24))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Message or note text, sealed; None for events that carry no words."""
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Non-identifying facts only (old and new status, outcome code)."""


class AuditEntry(Base):
    """Who read or changed what, when; never the content itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_report", "report_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Attachment(Base):
    """A photo, voice note, video or document: the original sealed as evidence, and for photos a
    display copy without EXIF/GPS, sealed too."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    source_key: Mapped[str] = mapped_column(String(128), unique=True)
    """channel + update id: downloading the same update twice stores it once."""
    conversation_key: Mapped[str] = mapped_column(String(64), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    kind: Mapped[str] = mapped_column(String(12))
    mime: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    display: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class OfficerLink(Base):
    """An officer's Telegram chat, for case announcements and the "Terima" button."""

    __tablename__ = "officer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), unique=True)
    chat_key: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_chat: Mapped[bytes] = mapped_column(LargeBinary)
    linked_at: Mapped[datetime]


class LinkCode(Base):
    """A one-time code that links a Telegram account to an officer (only its hash is kept)."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AttemptCounter(Base):
    """How often something was tried in the current window: sign-ins per account name and per
    address, second-factor codes, web chat starts and messages. Shared by every server process.

    ``key`` is a keyed hash of what is counted (never the address or name itself); a row is deleted
    once its window is over, so nothing about a visitor outlives the limit it served.
    """

    __tablename__ = "attempt_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    window_ends: Mapped[datetime] = mapped_column(index=True)


class ConsoleSession(Base):
    """A signed-in console session, kept server-side so it can be revoked; the cookie holds a
    random token whose SHA-256 is stored here."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    pending_totp: Mapped[bool] = mapped_column(Boolean, default=False)
    """Password accepted, second factor not yet: the session opens nothing but the TOTP page."""
    totp_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Wrong codes given in this pending sign-in; past the limit the sign-in starts over."""


class Referral(Base):
    """A referral of a case to a service of the deployment's directory, with its own status."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    follow_up_on: Mapped[str | None] = mapped_column(String(10))
    """Local date (ISO) by which the officer checks on the referral; past it, the queue flags it."""
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The note and the contact person at the service, sealed with the report's event context."""


class Shift(Base):
    """A weekly duty shift (jadwal piket) in the unit's local time; ``ends`` ≤ ``starts`` means it
    runs past midnight into the next day."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    """0 = Monday (Senin) … 6 = Sunday (Minggu)."""
    starts: Mapped[int] = mapped_column(Integer)
    """Minutes after local midnight."""
    ends: Mapped[int] = mapped_column(Integer)


class RosterException(Base):
    """A dated change to the weekly pattern: an officer's leave, a unit holiday, or an extra shift
    (swaps are a leave plus an extra)."""

    __tablename__ = "roster_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    day: Mapped[str] = mapped_column(String(10))
    """Local date, ISO (2026-12-25)."""
    kind: Mapped[str] = mapped_column(String(8))
    starts: Mapped[int | None] = mapped_column(Integer)
    ends: Mapped[int | None] = mapped_column(Integer)


class CaseRead(Base):
    """When an officer last opened a case: what arrived after it is unread for them."""

    __tablename__ = "case_reads"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    seen_at: Mapped[datetime]


class CannedReply(Base):
    """A unit's own ready-made reply, in both languages; the deployment's list is the default."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_id: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))


class KeyMaterial(Base):
    """Keys the deployment keeps in its database, sealed under the current secret like any
    content: the lookup keys of pseudonyms and receipt hashes, which a rotation cannot renew."""

    __tablename__ = "key_material"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
