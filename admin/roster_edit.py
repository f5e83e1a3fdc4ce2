"""Roster changes moved to ``storage.roster`` (and their parsing to ``flows.roster``); kept while
pages move."""

from flows.roster import DAY_GROUPS, DAY_NAMES, KINDS, RosterError, describe, parse_days, parse_span
from storage.roster import add_change, add_shifts, changes, clear_shifts, weekly

__all__ = [
    "DAY_GROUPS",
    "DAY_NAMES",
    "KINDS",
    "RosterError",
    "add_change",
    "add_shifts",
    "changes",
    "clear_shifts",
    "describe",
    "parse_days",
    "parse_span",
    "weekly",
]
