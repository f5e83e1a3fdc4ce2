"""The case lifecycle: which move takes a case from which status, who may make it, and what it
leaves behind. One rule for every door (the console, the Telegram "Terima" button, ``hotline
case``, a reporter writing again, the scheduler).

Like the conversation, this is one shared ``transitions.Machine`` (``model=None``) triggered on a
short-lived ``Case`` for the length of one move; nothing is pickled and nothing here does I/O. The
machine decides and lists what the move emits (``Emission``); the storage and bot layers carry
that out (timeline events, audit, erasing the reply address, telling officers).

Statuses: baru → diterima → ditangani → dirujuk → selesai (with an outcome), or ditutup (not
valid); a closed case can be reopened (Buka kembali) back to ditangani.

Who may do what (``Party`` is the actor as seen from the case):

- acknowledge (Terima): an officer of the unit while nobody is assigned (they take it), the assigned
  officer, a supervisor.
- handle, refer, resolve (with an outcome), reopen, and closing as not valid: the assigned officer
  or a supervisor, the people who may read the report. Closing as not valid also needs the actor to
  have read the report first. Reopening needs the content to be still kept (not yet purged).
- assign (hand a case to someone): a supervisor, the assigned officer (handing over their own), or
  the scheduler (routing a new report, shift handover).
- escalate: the scheduler only, while the case is unacknowledged.
- an admin makes no move: the console shows them no cases.
- a reporter's own message (``reporter_writes``): on an open case it is recorded and the officers are
  told. After closure the case is *reopened* (back to ditangani) when it was resolved less than
  ``REOPEN_WINDOW`` ago and its content is still kept; otherwise (closed as not valid, closed long
  ago, or purged) the closed case stays closed and a *linked follow-up report* is opened, so the
  message reaches whoever is on duty now.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from transitions import EventData, Machine, MachineError

from flows.vocabulary import CLOSED, OPEN, Status

REOPEN_WINDOW = timedelta(days=30)


class Move(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    HANDLE = "handle"
    REFER = "refer"
    RESOLVE = "resolve"
    INVALIDATE = "invalidate"
    REOPEN = "reopen"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    REPORTER_WRITES = "reporter_writes"


class Party(StrEnum):
    """Who is acting, as seen from one case."""

    ASSIGNED_OFFICER = "assigned_officer"
    UNASSIGNED_OFFICER = "unassigned_officer"
    """An officer of the case's unit while nobody is assigned to it."""
    OTHER_OFFICER = "other_officer"
    """An officer of the unit while the case is someone else's."""
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    OUTSIDER = "outsider"
    """Another unit's staff, or a deactivated account: the case does not exist for them."""
    REPORTER = "reporter"
    SCHEDULER = "scheduler"


class Emission(StrEnum):
    """What a move leaves behind; carried out by the caller in the same transaction."""

    STATUS_EVENT = "status_event"
    """A timeline entry and an audit row: status from → to."""
    TAKEN = "taken"
    """Nobody was assigned: the acting officer becomes the assignee."""
    ACKNOWLEDGED = "acknowledged"
    """The acknowledgement time is stamped (escalation stops)."""
    CLOSED = "closed"
    """The closing time is stamped (the retention clock starts)."""
    ERASE_REPLY_ADDRESS = "erase_reply_address"
    """The reporter's delivery address is erased: a closed case keeps no way to reach them."""
    REOPENED = "reopened"
    """Closing time and outcome are cleared; the timeline says who reopened it."""
    ASSIGNED_EVENT = "assigned_event"
    ESCALATED_EVENT = "escalated_event"
    REPORTER_MESSAGE = "reporter_message"
    """The reporter's words go on the case's timeline."""
    ANNOUNCE = "announce"
    """The officers concerned are told (Telegram, Web Push), never with content."""
    FOLLOW_UP = "follow_up"
    """A new report linked to this closed one is opened and routed like any new report."""


_BY_TAKER = (Party.ASSIGNED_OFFICER, Party.UNASSIGNED_OFFICER, Party.SUPERVISOR)
_BY_HANDLER = (Party.ASSIGNED_OFFICER, Party.SUPERVISOR)
_BY_ASSIGNER = (Party.ASSIGNED_OFFICER, Party.SUPERVISOR, Party.SCHEDULER)


@dataclass
class Case:
    """One case as the rules see it during one move: its status and the facts the conditions read."""

    state: str
    """The status's value (``transitions`` would read an enum member by its name)."""
    party: Party
    has_read: bool = False
    """The acting person has had the report's content in front of them."""
    content_kept: bool = True
    closed_at: datetime | None = None
    now: datetime | None = None
    emitted: list[Emission] = field(default_factory=list)

    # Conditions (named in the diagram).

    def by_taker(self, event: EventData) -> bool:
        return self.party in _BY_TAKER

    def by_handler(self, event: EventData) -> bool:
        return self.party in _BY_HANDLER

    def by_assigner(self, event: EventData) -> bool:
        return self.party in _BY_ASSIGNER

    def by_scheduler(self, event: EventData) -> bool:
        return self.party is Party.SCHEDULER

    def by_reporter(self, event: EventData) -> bool:
        return self.party is Party.REPORTER

    def after_reading(self, event: EventData) -> bool:
        return self.has_read

    def content_is_kept(self, event: EventData) -> bool:
        return self.content_kept

    def recently_resolved(self, event: EventData) -> bool:
        if not self.content_kept or self.closed_at is None or self.now is None:
            return False
        return self.now - self.closed_at < REOPEN_WINDOW


def _emit(*emissions: Emission) -> Any:
    def record(event: EventData) -> None:
        case = event.model
        assert isinstance(case, Case)
        case.emitted.extend(emissions)

    record.__name__ = "+".join(emissions)
    return record


_WORKING = [Status.ACCEPTED, Status.HANDLING, Status.REFERRED]
_CLOSING = (Emission.STATUS_EVENT, Emission.CLOSED, Emission.ERASE_REPLY_ADDRESS)


def _transitions() -> list[dict[str, Any]]:
    s = Status
    return [
        {
            "trigger": Move.ACKNOWLEDGE,
            "source": s.NEW,
            "dest": s.ACCEPTED,
            "conditions": "by_taker",
            "after": _emit(Emission.STATUS_EVENT, Emission.TAKEN, Emission.ACKNOWLEDGED),
        },
        {
            "trigger": Move.HANDLE,
            "source": s.ACCEPTED,
            "dest": s.HANDLING,
            "conditions": "by_handler",
            "after": _emit(Emission.STATUS_EVENT),
        },
        {
            "trigger": Move.REFER,
            "source": [s.ACCEPTED, s.HANDLING],
            "dest": s.REFERRED,
            "conditions": "by_handler",
            "after": _emit(Emission.STATUS_EVENT),
        },
        {"trigger": Move.REFER, "source": s.REFERRED, "dest": None, "conditions": "by_handler"},
        {
            "trigger": Move.RESOLVE,
            "source": _WORKING,
            "dest": s.RESOLVED,
            "conditions": "by_handler",
            "after": _emit(*_CLOSING),
        },
        {
            "trigger": Move.INVALIDATE,
            "source": list(OPEN),
            "dest": s.INVALID,
            "conditions": ["by_handler", "after_reading"],
            "after": _emit(*_CLOSING),
        },
        {
            "trigger": Move.REOPEN,
            "source": list(CLOSED),
            "dest": s.HANDLING,
            "conditions": ["by_handler", "content_is_kept"],
            "after": _emit(Emission.REOPENED),
        },
        {
            "trigger": Move.ASSIGN,
            "source": list(OPEN),
            "dest": None,
            "conditions": "by_assigner",
            "after": _emit(Emission.ASSIGNED_EVENT, Emission.ANNOUNCE),
        },
        {
            "trigger": Move.ESCALATE,
            "source": s.NEW,
            "dest": None,
            "conditions": "by_scheduler",
            "after": _emit(Emission.ESCALATED_EVENT, Emission.ANNOUNCE),
        },
        {
            "trigger": Move.REPORTER_WRITES,
            "source": list(OPEN),
            "dest": None,
            "conditions": "by_reporter",
            "after": _emit(Emission.REPORTER_MESSAGE, Emission.ANNOUNCE),
        },
        {
            "trigger": Move.REPORTER_WRITES,
            "source": s.RESOLVED,
            "dest": s.HANDLING,
            "conditions": ["by_reporter", "recently_resolved"],
            "after": _emit(Emission.REPORTER_MESSAGE, Emission.REOPENED, Emission.ANNOUNCE),
        },
        {
            "trigger": Move.REPORTER_WRITES,
            "source": list(CLOSED),
            "dest": None,
            "conditions": "by_reporter",
            "after": _emit(Emission.REPORTER_MESSAGE, Emission.FOLLOW_UP),
        },
    ]


def _plain(value: Any) -> Any:
    """Statuses by their value: ``transitions`` would name an enum member by its ``.name``."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.value if isinstance(value, Status) else value


def build_machine(machine_class: type[Machine] = Machine, **kwargs: Any) -> Machine:
    return machine_class(
        model=None,
        states=[status.value for status in Status],
        transitions=[
            {key: _plain(value) if key in ("source", "dest") else value for key, value in move.items()}
            for move in _transitions()
        ],
        initial=Status.NEW.value,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=True,
        **kwargs,
    )


MACHINE = build_machine()


@dataclass(frozen=True)
class Decision:
    move: Move
    allowed: bool
    source: Status
    dest: Status
    emits: tuple[Emission, ...] = ()

    @property
    def changes_status(self) -> bool:
        return self.allowed and self.source != self.dest


def decide(case: Case, move: Move) -> Decision:
    """Try one move on a copy of ``case``; the case itself is left as it was."""
    source = Status(case.state)
    trial = replace(case, state=source.value, emitted=[])  # transitions names Enum states by .name
    try:
        allowed = bool(MACHINE.events[move].trigger(trial))
    except MachineError:
        allowed = False
    if not allowed:
        return Decision(move, False, source, source)
    return Decision(move, True, source, Status(trial.state), tuple(trial.emitted))


def moves_open_to(case: Case) -> frozenset[Move]:
    """The moves this party may make on this case now (the console shows only these)."""
    return frozenset(m for m in Move if decide(case, m).allowed)
