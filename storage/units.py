"""Units and kecamatan in the database follow the deployment file (it is the source of truth)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deployment import Deployment
from storage.models import Region, Unit


async def sync_units(session: AsyncSession, deployment: Deployment) -> dict[str, int]:
    """Create or update units and regions; returns unit ids by code."""
    units = {u.code: u for u in (await session.scalars(select(Unit))).all()}
    regions = {r.code: r for r in (await session.scalars(select(Region))).all()}
    for spec in deployment.units:
        unit = units.get(spec.code)
        if unit is None:
            unit = units[spec.code] = Unit(code=spec.code, name=spec.name, timezone=spec.timezone)
            session.add(unit)
        unit.name, unit.timezone = spec.name, spec.timezone
        await session.flush()
        for region_spec in spec.regions:
            region = regions.get(region_spec.code)
            if region is None:
                region = Region(code=region_spec.code, name=region_spec.name, unit_id=unit.id)
                session.add(region)
            region.name, region.unit_id = region_spec.name, unit.id
    await session.flush()
    return {code: unit.id for code, unit in units.items()}


async def unit_ids(session: AsyncSession) -> dict[str, int]:
    return {u.code: u.id for u in (await session.scalars(select(Unit))).all()}
