"""The roster rules moved to ``flows.roster``; kept while pages move."""

from flows.roster import (
    DAY_MINUTES,
    DatedChange,
    WeeklyShift,
    format_minutes,
    least_loaded,
    on_duty,
    parse_minutes,
)

__all__ = [
    "DAY_MINUTES",
    "DatedChange",
    "WeeklyShift",
    "format_minutes",
    "least_loaded",
    "on_duty",
    "parse_minutes",
]
