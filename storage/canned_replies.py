"""A unit's ready-made replies to reporters; the deployment file's list until the unit edits it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deployment import Deployment
from storage.models import CannedReply

MAX_TEXT = 1000


async def unit_replies(session: AsyncSession, unit_id: int) -> Sequence[CannedReply]:
    statement = (
        select(CannedReply)
        .where(CannedReply.unit_id == unit_id)
        .order_by(CannedReply.position, CannedReply.id)
    )
    return (await session.scalars(statement)).all()


async def replies_or_defaults(
    session: AsyncSession, unit_id: int, deployment: Deployment
) -> list[tuple[str, str]]:
    """(Indonesian, English) wording of each reply, in the unit's order."""
    rows = await unit_replies(session, unit_id)
    if rows:
        return [(r.text_id, r.text_en) for r in rows]
    return [
        (c.label.get("id") or "", c.label.get("en") or c.label.get("id") or "")
        for c in deployment.canned_replies
    ]


async def adopt_defaults(session: AsyncSession, unit_id: int, deployment: Deployment) -> None:
    """The first edit copies the deployment's list, so the unit then owns all of its replies."""
    if await unit_replies(session, unit_id):
        return
    for position, (text_id, text_en) in enumerate(await replies_or_defaults(session, unit_id, deployment)):
        session.add(CannedReply(unit_id=unit_id, position=position, text_id=text_id, text_en=text_en))
    await session.flush()
