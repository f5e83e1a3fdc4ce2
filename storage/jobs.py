"""Jobs on the durable schedule (``bot.scheduler`` runs them): created once by their unique key,
whichever worker gets there first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models_delivery import Job
from storage.upsert import insert_ignore


async def schedule(
    session: AsyncSession,
    key: str,
    kind: str,
    due_at: datetime,
    *,
    report_id: int | None = None,
    level: int = 0,
) -> None:
    values = {"key": key, "kind": kind, "report_id": report_id, "level": level, "due_at": due_at, "runs": 0}
    await insert_ignore(session, Job, values, ["key"])
