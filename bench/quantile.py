"""The one way every bench reads a percentile off its latencies."""

from __future__ import annotations

import statistics


def quantile(values: list[float], q: float) -> float:
    """``q`` in (0, 1) to three places: 0.5 the median, 0.99 the p99; NaN when nothing was timed."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]
