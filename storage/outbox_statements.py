"""The outbox's statements on its hot path, built once: every reply is queued, handed over,
renewed and settled by them (SQLAlchemy then reuses their compiled form)."""

from __future__ import annotations

from sqlalchemy import Table, bindparam, insert, select, update

from storage.models_delivery import OutboxMessage

_TABLE = OutboxMessage.__table__
assert isinstance(_TABLE, Table)

PUT = insert(_TABLE)
PUT_LEASED = insert(_TABLE).returning(_TABLE.c.id, _TABLE.c.sealed)
"""Rows returned in no promised order: each is known by its sealed parameters (a fresh nonce each)."""
PENDING_FOR = (
    select(_TABLE.c.destination)
    .where(
        _TABLE.c.channel == bindparam("channel"),
        _TABLE.c.destination.in_(bindparam("destinations", expanding=True)),
        _TABLE.c.sent_at.is_(None),
        _TABLE.c.dead_at.is_(None),
    )
    .distinct()
)
PROVIDER_IDS = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("message_id"))
    .values(provider_id=bindparam("sent_as"), delivery_state="sent")
)
RENEW = (
    update(_TABLE)
    .where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)),
        _TABLE.c.not_before == bindparam("leased_until"),
        _TABLE.c.sent_at.is_(None),
        _TABLE.c.dead_at.is_(None),
    )
    .values(not_before=bindparam("until"))
)
"""A lease moved only while it is still the one given: not once the message has been settled."""
UNSETTLED = select(_TABLE.c.id).where(
    _TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.sent_at.is_(None), _TABLE.c.dead_at.is_(None)
)
SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("message_id"))
    .values(sent_at=bindparam("now"), sealed=bindparam("emptied"))
)
