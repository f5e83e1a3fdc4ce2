"""In-memory sliding-window limits per client, keyed by a keyed hash of the IP address.

The hash lives only in this process's memory for the window's length; it is never written to the
database, a log, or a report (DESIGN.md, data protection rule 1).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, key: bytes, limit: int, window_seconds: float):
        self.key = key
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def _name(self, client: str) -> str:
        return hmac.new(self.key, client.encode(), hashlib.sha256).hexdigest()[:32]

    def _recent(self, client: str, now: float) -> deque[float]:
        hits = self._hits[self._name(client)]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def allow(self, client: str) -> bool:
        """Count one attempt; False once the client is over the limit for the window."""
        now = time.monotonic()
        hits = self._recent(client, now)
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 50_000:
            self._hits = defaultdict(
                deque, {k: v for k, v in self._hits.items() if v and now - v[-1] < self.window}
            )
        return True

    def exhausted(self, client: str) -> bool:
        return len(self._recent(client, time.monotonic())) >= self.limit
