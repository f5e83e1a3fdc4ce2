"""Receipt codes hashed ahead of time, on a worker thread, outside any transaction.

The keyed Argon2id hash of a receipt code costs tens of milliseconds of CPU on purpose. Done inside
the transaction that files a report it would hold the database's writer (SQLite has one) for
that long; done on the event loop it would stall every other conversation. So new codes are drawn
and hashed in advance, a few at a time, and a code a reporter types is hashed before their
message's transaction opens. Both are kept in memory only, briefly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict

from flows import inbound as ev
from flows.understanding import receipt_digits
from storage.crypto import Keyring
from storage.reports import new_receipt_code

READY = 4
TYPED_REMEMBERED = 64


class Receipts:
    def __init__(self, keyring: Keyring, ready: int = READY):
        self.keyring = keyring
        self.ready = ready
        self._codes: list[tuple[str, bytes]] = []
        self._typed: OrderedDict[str, list[bytes]] = OrderedDict()
        self._refill: asyncio.Task[None] | None = None

    def take(self) -> tuple[str, bytes] | None:
        """A fresh code and its hash, or None when none is ready (the caller hashes one itself)."""
        pair = self._codes.pop() if self._codes else None
        self.warm()
        return pair

    def warm(self) -> None:
        """Start hashing codes in the background if fewer than ``ready`` wait."""
        if len(self._codes) >= self.ready or (self._refill is not None and not self._refill.done()):
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to warm
            self._refill = asyncio.get_running_loop().create_task(self._fill())

    async def _fill(self) -> None:
        while len(self._codes) < self.ready:
            code = new_receipt_code()
            self._codes.append((code, await asyncio.to_thread(self.keyring.receipt_hash, code)))

    async def prepare(self, event: ev.Event) -> None:
        """If the reporter typed something like a receipt code, hash it now."""
        if not isinstance(event, ev.Text):
            return
        code = receipt_digits(event.text)
        if code is None or code in self._typed:
            return
        hashes = await asyncio.to_thread(self.keyring.receipt_hashes, code)
        self._typed[code] = hashes
        while len(self._typed) > TYPED_REMEMBERED:
            self._typed.popitem(last=False)

    def typed(self, code: str) -> list[bytes] | None:
        return self._typed.pop(code, None)
