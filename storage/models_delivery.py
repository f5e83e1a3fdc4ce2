"""The tables of delivery and background work: updates recorded before a webhook answers, the
outbox written with the change that caused it, message ids for ``/hapus``, Web Push devices and the
durable job schedule. Plain columns and sealed payloads, like the case tables in ``storage.models``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import storage.models  # noqa: F401  (the tables these foreign keys name, in the same metadata)
from flows.vocabulary import Channel, OutboxPurpose
from storage.models_base import Base, vocabulary


class InboxUpdate(Base):
    """An update from a messenger, recorded before the webhook answers (delivery guarantee).

    The unique (channel, update_id) drops redeliveries; the sealed payload is cleared once the
    update is processed, the row stays a while as the dedupe key.
    """

    __tablename__ = "inbox_updates"
    __table_args__ = (
        UniqueConstraint("channel", "update_id"),
        Index("ix_inbox_updates_pending", "processed_at", "conversation_key"),
        Index("ix_inbox_updates_channel_pending", "channel", "processed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, 16))
    update_id: Mapped[str] = mapped_column(String(128))
    conversation_key: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))


class OutboxMessage(Base):
    """Something the bot must send, written in the same transaction as the change that caused it.

    ``destination`` is a pseudonym (never a chat id); the sealed payload holds the address and
    text. Messages to one destination leave in order; each is sent once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "sent_at", "dead_at", "not_before"),
        Index("ix_outbox_pending", "channel", "sent_at", "dead_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, 16))
    destination: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(40))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    purpose: Mapped[OutboxPurpose] = mapped_column(vocabulary(OutboxPurpose, 24), default=OutboxPurpose.REPLY)
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    """The channel's id of the sent message (WhatsApp ``wamid``), for its status callbacks."""
    delivery_state: Mapped[str | None] = mapped_column(String(16))
    held_reason: Mapped[str | None] = mapped_column(String(40))
    """Why a message waits (outside WhatsApp's 24-hour window); cleared when it can go."""
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    """Higher goes first when the channel's rate limit makes messages queue (urgent, officers)."""


class ChannelMessage(Base):
    """Message ids of a conversation in its chat, so ``/hapus`` can delete them there."""

    __tablename__ = "channel_messages"
    __table_args__ = (UniqueConstraint("conversation_key", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_key: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]


class Job(Base):
    """Background work on a durable schedule: claimed under a row lock, done once, survives restarts.

    One-off jobs (an escalation of a case) and recurring ones (shift handover, retention) alike:
    a recurring job is moved to its next time in the same transaction that runs it.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "done_at", "due_at"), UniqueConstraint("key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    """Names the job so it is created once: ``escalate:<report>:<level>``, ``handover``."""
    kind: Mapped[str] = mapped_column(String(20))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    level: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    runs: Mapped[int] = mapped_column(Integer, default=0)


class PushSubscription(Base):
    """One browser of one officer that accepts Web Push alerts; the endpoint and keys are sealed
    (the endpoint is a capability URL), its SHA-256 keeps a device from subscribing twice."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    last_sent_at: Mapped[datetime | None]
