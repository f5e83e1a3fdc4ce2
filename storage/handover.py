"""Handing messages queued in this process straight to this process's sender, already leased.

A reply queued the ordinary way waits for the sender's next round: a transaction that finds it,
leases it and commits, before the call is made. When the sender of that channel runs in this
process, has room to start another chain at once, and nothing else is pending for the
destination, the message is instead written already leased to this process (``not_before`` past
the send, as a round would) and handed to the sender the moment its transaction commits.

The guarantees stay the database's: a handed message is a row like any other, sent once and
settled by the same group commit; its lease is renewed while the sender holds it, and if this
process dies before sending it, the lease runs out and any sender's round takes it; a
destination with anything older pending (a retry waiting, a chain in flight, a console reply)
goes the ordinary way, behind it, so a chat's messages still leave in order. A full sender takes
nothing: a chain handed to it would wait behind all the others.

Handed messages are kept per transaction (``session.info``) and given over only after it
commits; a rollback forgets them with the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.senders_here import PerChannel

if TYPE_CHECKING:
    from storage.outbox import Claimed

Chain = list["Claimed"]
_LEASED = "outbox_handed_over"


@dataclass(frozen=True)
class Taker:
    lease: timedelta
    take: Callable[[Chain], None]
    room: Callable[[], bool]
    """Whether it can start another chain now: a handed chain is not to wait behind all the
    others (a round can serve it as well)."""
    most: int
    """The longest chain handed over at once, as long as a round's (the rest is queued plain)."""


_TAKERS: PerChannel[Taker] = PerChannel()


def on_handover(bind: Any, channel: str, taker: Taker) -> Callable[[], None]:
    """Have ``taker`` send what this process queues for ``channel`` on ``bind`` (the database's
    sync engine); returns the undo."""
    return _TAKERS.add(bind, channel, taker)


def taker(bind: Any, channel: str) -> Taker | None:
    """The sender to hand messages to, if one runs here and has room for more."""
    found = _TAKERS.get(bind, channel)
    return found[-1] if found and found[-1].room() else None


def handed(info: dict[Any, Any]) -> dict[tuple[str, str], Chain]:
    """This transaction's handed-over chains, by channel and destination (in queueing order)."""
    chains: dict[tuple[str, str], Chain] = info.setdefault(_LEASED, {})
    return chains


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    chains: dict[tuple[str, str], Chain] = session.info.pop(_LEASED, {})
    for (channel, _destination), chain in chains.items():
        found = _TAKERS.get(session.get_bind(), channel)
        if found:  # else (its sender stopped meanwhile) the lease runs out
            found[-1].take(chain)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_LEASED, None)
