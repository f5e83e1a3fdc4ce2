"""Routing moved to ``bot.routing`` (use cases) and ``storage.duty``; kept while pages move."""

from bot.routing import Announcer, MessageAlert, Router
from storage.duty import duty_now, on_roster, open_cases, unit_officers
from storage.jobs import schedule

__all__ = [
    "Announcer",
    "MessageAlert",
    "Router",
    "duty_now",
    "on_roster",
    "open_cases",
    "schedule",
    "unit_officers",
]
