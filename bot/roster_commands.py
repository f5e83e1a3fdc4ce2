"""``hotline roster``: the duty roster from the command line, for a unit without a supervisor at
the console yet, or a script that loads a month of shifts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli import run_with_hotline
from bot.hotline import Hotline
from flows.roster import ChangeKind

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models import Officer


@click.group()
def roster() -> None:
    """The duty roster (jadwal piket), in each unit's own timezone."""


async def _officer(session: AsyncSession, username: str) -> Officer:
    from sqlalchemy import select

    from storage.models import Officer

    account = await session.scalar(select(Officer).where(Officer.username == username))
    if account is None or not account.active:
        raise click.ClickException(f"no active account {username!r}")
    return account


@roster.command("add")
@click.argument("username")
@click.option("--days", required=True, help="mon,tue,… or all, weekdays, weekend")
@click.option("--from", "starts", required=True, help="HH:MM, local time")
@click.option("--to", "ends", required=True, help="HH:MM; earlier than --from means overnight")
def roster_add(username: str, days: str, starts: str, ends: str) -> None:
    """Weekly shifts for an officer."""
    from flows.roster import RosterError, parse_days, parse_span
    from storage.roster import add_shifts

    async def work(hotline: Hotline) -> None:
        async with hotline.sessions() as session, session.begin():
            try:
                await add_shifts(
                    session,
                    await _officer(session, username),
                    parse_days(days),
                    *parse_span(starts, ends),
                )
            except RosterError as exc:
                raise click.ClickException(str(exc)) from None

    run_with_hotline(work)
    click.echo(f"shifts added for {username}")


@roster.command("change")
@click.argument("kind", type=click.Choice([k.value for k in ChangeKind]))
@click.option("--date", "day", required=True, help="YYYY-MM-DD, the unit's local date")
@click.option("--officer", "username", default=None, help="for leave and extra shifts")
@click.option("--unit", "unit_code", default=None, help="for a holiday (default: the default unit)")
@click.option("--from", "starts", default=None)
@click.option("--to", "ends", default=None)
def roster_change(
    kind: str, day: str, username: str | None, unit_code: str | None, starts: str | None, ends: str | None
) -> None:
    """A dated exception: leave, a unit holiday, or an extra shift (a swap is leave + extra)."""
    from flows.roster import RosterError, parse_span
    from storage.roster import add_change
    from storage.units import unit_ids

    async def work(hotline: Hotline) -> None:
        async with hotline.sessions() as session, session.begin():
            officer = await _officer(session, username) if username else None
            code = unit_code or hotline.deployment.hotline.default_unit
            unit_id = officer.unit_id if officer else (await unit_ids(session)).get(code)
            if unit_id is None:
                raise click.ClickException(f"no unit {code!r}")
            span = parse_span(starts, ends) if starts and ends else None
            try:
                await add_change(session, unit_id, officer, day, ChangeKind(kind), span)
            except RosterError as exc:
                raise click.ClickException(str(exc)) from None

    run_with_hotline(work)
    click.echo(f"{kind} on {day} recorded")


@roster.command("clear")
@click.argument("username")
def roster_clear(username: str) -> None:
    """Remove an officer's weekly shifts."""
    from storage.roster import clear_shifts

    async def work(hotline: Hotline) -> None:
        async with hotline.sessions() as session, session.begin():
            await clear_shifts(session, await _officer(session, username))

    run_with_hotline(work)
    click.echo(f"weekly shifts of {username} removed")


@roster.command("show")
@click.option("--unit", "unit_code", default=None)
def roster_show(unit_code: str | None) -> None:
    """The weekly roster and who is on duty now."""
    from flows.roster import describe
    from storage.duty import duty_now
    from storage.models import Officer, Unit
    from storage.roster import weekly

    async def work(hotline: Hotline) -> list[str]:
        from sqlalchemy import select

        code = unit_code or hotline.deployment.hotline.default_unit
        async with hotline.sessions() as session:
            unit = await session.scalar(select(Unit).where(Unit.code == code))
            if unit is None:
                raise click.ClickException(f"no unit {code!r}")
            lines = [f"{unit.name} ({unit.timezone})"]
            lines += [
                f"  {describe(shift)}  {officer.display_name}"
                for officer, shift in await weekly(session, unit.id)
            ]
            present = await duty_now(session, unit, hotline.deployment, hotline.clock())
            names = [
                o.display_name
                for o in (await session.scalars(select(Officer).where(Officer.id.in_(present)))).all()
            ]
            lines.append("on duty now: " + (", ".join(names) or "nobody"))
            return lines

    click.echo("\n".join(run_with_hotline(work)))
