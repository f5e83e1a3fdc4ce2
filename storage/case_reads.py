"""What each officer has not seen yet: new cases never opened, and reporters' messages that came
after the officer last opened the case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.vocabulary import CaseEventKind
from storage.models import CaseEvent, CaseRead
from storage.upsert import insert_ignore


@dataclass(frozen=True)
class Unread:
    never_opened: bool
    messages: int
    last_message_at: datetime | None

    @property
    def any(self) -> bool:
        return self.never_opened or self.messages > 0


async def mark_seen(session: AsyncSession, officer_id: int, report_id: int, now: datetime) -> None:
    values = {"officer_id": officer_id, "report_id": report_id, "seen_at": now}
    if not await insert_ignore(session, CaseRead, values, ["officer_id", "report_id"]):
        await session.execute(
            update(CaseRead)
            .where(CaseRead.officer_id == officer_id, CaseRead.report_id == report_id)
            .values(seen_at=now)
        )


async def unread(session: AsyncSession, officer_id: int, report_ids: Iterable[int]) -> dict[int, Unread]:
    ids = list(report_ids)
    if not ids:
        return {}
    seen = dict(
        (
            await session.execute(
                select(CaseRead.report_id, CaseRead.seen_at).where(
                    CaseRead.officer_id == officer_id, CaseRead.report_id.in_(ids)
                )
            )
        ).all()
    )
    messages = (
        await session.execute(
            select(CaseEvent.report_id, CaseEvent.at)
            .where(CaseEvent.report_id.in_(ids), CaseEvent.kind == CaseEventKind.REPORTER_MESSAGE)
            .order_by(CaseEvent.at)
        )
    ).all()
    last: dict[int, datetime] = {}
    count: dict[int, int] = {}
    for report_id, at in messages:
        last[report_id] = at
        if report_id not in seen or at > seen[report_id]:
            count[report_id] = count.get(report_id, 0) + 1
    return {i: Unread(i not in seen, count.get(i, 0), last.get(i)) for i in ids}


async def latest_event_id(session: AsyncSession, report_id: int) -> int:
    return int(
        await session.scalar(select(func.max(CaseEvent.id)).where(CaseEvent.report_id == report_id)) or 0
    )
