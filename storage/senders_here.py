"""The outbox senders running in this process, as transactions find them: per database engine
and channel, whom a commit wakes (``storage.wakeups``) and whom it hands messages to
(``storage.handover``). Keyed by engine as well as channel, so two hotlines in one process (the
tests') never reach each other's senders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class PerChannel(Generic[T]):
    def __init__(self) -> None:
        self._found: dict[tuple[Any, str], list[T]] = {}

    def add(self, bind: Any, channel: str, item: T) -> Callable[[], None]:
        """Register ``item`` for ``channel`` on ``bind`` (the database's sync engine); returns the undo."""
        key = (bind, channel)
        self._found.setdefault(key, []).append(item)

        def undo() -> None:
            found = self._found[key]
            found.remove(item)
            if not found:
                del self._found[key]  # a disposed engine is not kept alive by its empty list

        return undo

    def get(self, bind: Any, channel: str) -> list[T]:
        return self._found.get((bind, channel), [])
