"""``hotline``: the one command operators use (the README lists its subcommands)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from bot import logs
from bot.deployment_file import load_deployment
from bot.hotline import Hotline
from bot.settings import Settings
from flows.deployment import DeploymentError
from flows.vocabulary import Door, Role
from storage.secret import SecretKeyError

T = TypeVar("T")
ROLES = tuple(role.value for role in Role)


def run_with_hotline(work: Callable[[Hotline], Awaitable[T]]) -> T:
    async def main() -> T:
        hotline = Hotline.build()
        try:
            await hotline.start()
            return await work(hotline)
        finally:
            await hotline.close()

    return asyncio.run(main())


class _OperatorErrors(click.Group):
    """Configuration mistakes end with a plain message for the operator, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DeploymentError, SecretKeyError) as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_OperatorErrors)
@click.option("--log-level", envvar="HOTLINE_LOG_LEVEL", default="INFO", show_default=True)
@click.pass_context
def main(ctx: click.Context, log_level: str) -> None:
    """PKSAI complaint hotline."""
    ctx.obj = log_level.upper()
    logs.configure(log_level)


@main.command()
@click.option("--as", "user", default=None, help="Local identity to chat as (default: login name).")
@click.pass_context
def chat(ctx: click.Context, user: str | None) -> None:
    """Talk to the bot in this terminal, against the same database (logs: warnings only, unless
    a level below INFO is asked for)."""
    from bot.terminal import chat as run_chat

    logs.configure("WARNING" if ctx.obj in ("INFO", None) else ctx.obj)
    run_with_hotline(lambda hotline: run_chat(hotline, user=user))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to the newest schema."""

    async def done(hotline: Hotline) -> None:
        from storage.migrate import stamped_revision

        click.echo(f"database at revision {await stamped_revision(hotline.engine)}")

    run_with_hotline(done)


@main.group()
def keys() -> None:
    """The secret key: rotation."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-seal everything under HOTLINE_SECRET_KEY; afterwards HOTLINE_PREVIOUS_SECRET_KEYS can go."""
    from storage.key_rotation import rotate

    result = run_with_hotline(lambda hotline: rotate(hotline.sessions, hotline.keyring))
    for column, count in sorted(result.resealed.items()):
        click.echo(f"  {column}: {count} re-sealed")
    for column, count in sorted(result.unreadable.items()):
        click.echo(f"  {column}: {count} sealed with a key that is not configured (left as is)")
    if result.changing:
        click.echo(f"  {result.changing} values changed during every pass; run it again")
    if not result.complete:
        raise click.ClickException("not everything is under the current key yet; keep the previous keys")
    click.echo(f"everything is sealed with key {result.key_id}; the previous keys can be removed")


@main.group()
def config() -> None:
    """The deployment file (units, kecamatan, categories, emergency numbers)."""


@config.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def config_check(path: Path | None) -> None:
    """Validate a deployment file and summarise it."""
    deployment = load_deployment(path or Settings().config)
    click.echo(f"{deployment.hotline.name}: OK")
    for unit in deployment.units:
        kelurahan = sum(len(r.kelurahan) for r in unit.regions)
        click.echo(
            f"  unit {unit.code} ({unit.timezone}): {len(unit.regions)} kecamatan, {kelurahan} kelurahan"
        )
    click.echo(
        f"  {len(deployment.categories)} categories, {len(deployment.emergency_numbers)} emergency numbers"
    )


@main.group()
def user() -> None:
    """Console accounts."""


@user.command("add")
@click.option("--username", required=True)
@click.option("--name", "display_name", default=None)
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the default unit).")
@click.option("--role", type=click.Choice(ROLES), default=Role.OFFICER.value, show_default=True)
def user_add(username: str, display_name: str | None, unit_code: str | None, role: str) -> None:
    """Create a console account; its generated password is printed once."""
    from storage.officers import OfficerError, add_officer

    password = secrets.token_urlsafe(12)

    async def work(hotline: Hotline) -> None:
        unit = unit_code or hotline.deployment.hotline.default_unit
        async with hotline.sessions() as session, session.begin():
            await add_officer(session, username, display_name or username, unit, role, password)

    try:
        run_with_hotline(work)
    except OfficerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {role} {username!r}; password (shown once): {password}")


@user.command("bootstrap")
def user_bootstrap() -> None:
    """Create the first admin if there are no accounts yet, printing its password once."""
    from storage.officers import add_officer, count_officers

    password = secrets.token_urlsafe(12)

    async def work(hotline: Hotline) -> bool:
        unit = hotline.deployment.hotline.default_unit
        async with hotline.sessions() as session, session.begin():
            if await count_officers(session):
                return False
            await add_officer(session, "admin", "Administrator", unit, Role.ADMIN, password)
            return True

    if run_with_hotline(work):
        click.echo("first admin account created — username: admin, password (shown once): " + password)
    else:
        click.echo("accounts already exist; no admin created")


@main.command("telegram-poll")
def telegram_poll() -> None:
    """Run the Telegram bot by long polling (for a bot without a public URL)."""
    from bot.background import Background

    async def work(hotline: Hotline) -> None:
        if hotline.settings.telegram_token is None:
            raise click.ClickException("set HOTLINE_TELEGRAM_TOKEN first")
        background = Background(hotline)
        await background.start()
        assert background.telegram is not None
        click.echo("polling Telegram; Ctrl-C to stop")
        try:
            await background.telegram.poll()
        finally:
            await background.stop()

    with contextlib.suppress(KeyboardInterrupt):
        run_with_hotline(work)


@main.group()
def officer() -> None:
    """Duty officers outside the console."""


@officer.command("link-code")
@click.argument("username")
def officer_link_code(username: str) -> None:
    """A one-time code the officer sends to the bot as `/petugas CODE` (valid 24 hours)."""
    from sqlalchemy import select

    from storage.models import Officer
    from storage.officer_links import issue_code

    async def work(hotline: Hotline) -> str:
        async with hotline.sessions() as session, session.begin():
            account = await session.scalar(select(Officer).where(Officer.username == username))
            if account is None or not account.active:
                raise click.ClickException(f"no active account {username!r}")
            return await issue_code(session, hotline.keyring, account, hotline.clock())

    code = run_with_hotline(work)
    click.echo(f"send this to the bot from {username}'s Telegram, within 24 hours: /petugas {code}")


@officer.command("reply")
@click.argument("reference")
@click.option("--as", "username", required=True, help="The officer replying.")
@click.argument("text")
def officer_reply(reference: str, username: str, text: str) -> None:
    """Reply to the reporter of a case (their chat, and the receipt-code status page)."""
    from sqlalchemy import select

    from bot.replies import ReplyRefused, reply_to_reporter
    from storage.models import Officer
    from storage.reports import ReportStore
    from storage.units import unit_ids

    async def work(hotline: Hotline) -> int:
        async with hotline.sessions() as session, session.begin():
            account = await session.scalar(select(Officer).where(Officer.username == username))
            reports = ReportStore(session, hotline.keyring, await unit_ids(session))
            report = await reports.by_reference(reference)
            if account is None or report is None:
                raise click.ClickException("no such officer or case")
            try:
                return await reply_to_reporter(
                    session,
                    hotline.keyring,
                    hotline.catalogues,
                    reports,
                    report,
                    account,
                    text,
                    hotline.clock(),
                    Door.CLI,
                )
            except ReplyRefused as exc:
                raise click.ClickException(str(exc)) from None

    chats = run_with_hotline(work)
    click.echo(f"reply recorded on {reference}; queued for {chats} chat(s)")


@main.command()
@click.argument("which", type=click.Choice(("conversation", "lifecycle")), default="conversation")
def diagram(which: str) -> None:
    """Print a state diagram (Mermaid) as generated from the code: the conversation or the case lifecycle."""
    from flows.diagram import DIAGRAMS

    sys.stdout.write(DIAGRAMS[which][1]())


@main.command("expire-drafts")
def expire_drafts() -> None:
    """Give up idle drafts now (``serve`` does this in the background)."""

    async def work(hotline: Hotline) -> int:
        return await hotline.runtime.expire_idle()

    click.echo(f"expired {run_with_hotline(work)} idle conversations")
