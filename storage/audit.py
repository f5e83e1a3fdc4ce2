"""The audit trail: every read of report content and every change, with who and when.

Rows carry ids and action names only; a caller passing content in ``detail`` is a bug, so
``detail`` accepts short scalar values and refuses anything long enough to be a message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import AuditAction, Door
from storage.models import AuditEntry

MAX_DETAIL_VALUE = 64


async def record(
    session: AsyncSession,
    *,
    action: AuditAction,
    actor: Door,
    now: datetime,
    officer_id: int | None = None,
    report_id: int | None = None,
    detail: dict[str, str | int | bool | None] | None = None,
) -> None:
    for key, value in (detail or {}).items():
        if isinstance(value, str) and len(value) > MAX_DETAIL_VALUE:
            raise ValueError(f"audit detail {key!r} is too long to be an identifier")
    session.add(
        AuditEntry(
            at=now,
            officer_id=officer_id,
            actor=actor,
            action=action,
            report_id=report_id,
            detail=detail,
        )
    )
