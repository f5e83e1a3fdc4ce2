"""Claiming work in order per key: the shared rule of the inbox and the outbox.

The next row is the oldest pending one whose key (a conversation, a destination) has no older
pending row, locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several workers take
different keys, never two rows of one key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import aliased

Row = TypeVar("Row")


def next_in_line(
    model: type[Row],
    key: tuple[str, ...],
    pending: Callable[[Any], ColumnElement[bool]],
    *conditions: ColumnElement[bool],
) -> Select[Row]:
    older: Any = aliased(model)
    current: Any = model
    earlier_pending = exists().where(
        and_(*(getattr(older, k) == getattr(current, k) for k in key)),
        pending(older),
        older.id < current.id,
    )
    return (
        select(model)
        .where(pending(current), *conditions, ~earlier_pending)
        .order_by(current.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=model)
    )
