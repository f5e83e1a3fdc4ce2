"""The outermost layer: ``hotline serve``'s whole web service, the bot's public app with the
console's pages in it, and the ``hotline`` command that runs it. Only this package may import both
the console and the bot, so the service is assembled here and nowhere below."""

from __future__ import annotations

import gc

import click
from starlette.applications import Starlette
from starlette.types import ASGIApp

from admin.web import Console
from bot.app import create_app, serve_app
from bot.cli import main
from bot.hotline import Hotline
from bot.roster_commands import roster
from bot.settings import Settings

__all__ = ["main", "service", "service_app"]


main.add_command(roster)

GC_THRESHOLDS = (10_000, 20, 20)


def settle_memory() -> None:
    """What the service has built by now (modules, classes, mappers) lives as long as the process:
    frozen out of the collector's view, a full collection no longer walks it. Unfrozen, one stalled
    every request for 100 ms in a burst of webhooks. Young objects are collected less often, too."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def service(hotline: Hotline) -> Starlette:
    """The application: the bot's public routes and the console's pages."""
    return create_app(hotline, Console(hotline).routes())


def service_app(hotline: Hotline, app: Starlette | None = None) -> ASGIApp:
    """What ``hotline serve`` runs: the application inside its guards (body limit, HSTS, CSRF)."""
    return serve_app(hotline, app or service(hotline))


@main.command()
@click.option("--host", envvar="HOTLINE_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="HOTLINE_PORT", default=8000, type=int, show_default=True)
def serve(host: str, port: int) -> None:
    """Run the whole service (web, webhooks, background work)."""
    import uvicorn

    settings = Settings()
    settings.deployment  # noqa: B018 - fail fast on a broken deployment file
    click.echo(f"{settings.deployment.hotline.name}: http://{host}:{port}/")
    hotline = Hotline.build(settings)
    proxies = settings.trusted_proxy_list
    app = service_app(hotline)
    settle_memory()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
        loop="uvloop",
        http="httptools",
    )
