"""The case lifecycle's rules, pure: who may make which move from which status, and what it
leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.lifecycle import REOPEN_WINDOW, Case, Emission, Move, Party, decide, moves_open_to
from flows.vocabulary import CLOSED, OPEN, Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = (Party.ASSIGNED_OFFICER, Party.UNASSIGNED_OFFICER, Party.OTHER_OFFICER, Party.SUPERVISOR)


def case(status: Status, party: Party, **facts: object) -> Case:
    return Case(status, party, now=NOW, **facts)  # type: ignore[arg-type]


def test_the_happy_path_from_arrival_to_an_outcome() -> None:
    steps = [
        (Status.NEW, Move.ACKNOWLEDGE, Status.ACCEPTED),
        (Status.ACCEPTED, Move.HANDLE, Status.HANDLING),
        (Status.HANDLING, Move.REFER, Status.REFERRED),
        (Status.REFERRED, Move.RESOLVE, Status.RESOLVED),
    ]
    for source, move, dest in steps:
        decision = decide(case(source, Party.ASSIGNED_OFFICER), move)
        assert (decision.allowed, decision.dest) == (True, dest), move


def test_taking_a_case_nobody_holds_makes_the_officer_its_assignee() -> None:
    decision = decide(case(Status.NEW, Party.UNASSIGNED_OFFICER), Move.ACKNOWLEDGE)
    assert decision.allowed and Emission.TAKEN in decision.emits and Emission.ACKNOWLEDGED in decision.emits
    assert not decide(case(Status.NEW, Party.OTHER_OFFICER), Move.ACKNOWLEDGE).allowed
    assert not decide(case(Status.ACCEPTED, Party.SUPERVISOR), Move.ACKNOWLEDGE).allowed, "once only"


def test_an_unassigned_officer_may_take_a_case_but_not_work_or_close_it() -> None:
    assert moves_open_to(case(Status.NEW, Party.UNASSIGNED_OFFICER, has_read=True)) == {Move.ACKNOWLEDGE}


@pytest.mark.parametrize("party", [Party.ADMIN, Party.OUTSIDER, Party.OTHER_OFFICER])
@pytest.mark.parametrize("status", list(Status))
def test_admins_outsiders_and_colleagues_make_no_move(party: Party, status: Status) -> None:
    assert moves_open_to(case(status, party, has_read=True)) == frozenset()


def test_closing_as_invalid_needs_the_assigned_officer_or_a_supervisor_who_read_the_report() -> None:
    for party in (Party.ASSIGNED_OFFICER, Party.SUPERVISOR):
        assert not decide(case(Status.NEW, party, has_read=False), Move.INVALIDATE).allowed
        decision = decide(case(Status.NEW, party, has_read=True), Move.INVALIDATE)
        assert decision.allowed and decision.dest is Status.INVALID
    assert not decide(case(Status.NEW, Party.UNASSIGNED_OFFICER, has_read=True), Move.INVALIDATE).allowed


@pytest.mark.parametrize("move", [Move.RESOLVE, Move.INVALIDATE])
def test_every_closing_erases_the_reply_address_and_starts_the_retention_clock(move: Move) -> None:
    decision = decide(case(Status.HANDLING, Party.SUPERVISOR, has_read=True), move)
    assert decision.dest in CLOSED
    assert {Emission.ERASE_REPLY_ADDRESS, Emission.CLOSED, Emission.STATUS_EVENT} <= set(decision.emits)


def test_reopening_needs_the_content_still_kept() -> None:
    decision = decide(case(Status.RESOLVED, Party.SUPERVISOR), Move.REOPEN)
    assert (decision.allowed, decision.dest, decision.emits) == (True, Status.HANDLING, (Emission.REOPENED,))
    assert not decide(case(Status.RESOLVED, Party.SUPERVISOR, content_kept=False), Move.REOPEN).allowed
    assert not decide(case(Status.HANDLING, Party.SUPERVISOR), Move.REOPEN).allowed


def test_a_reporter_writing_on_an_open_case_tells_the_officers_and_changes_nothing() -> None:
    decision = decide(case(Status.HANDLING, Party.REPORTER), Move.REPORTER_WRITES)
    assert (decision.dest, decision.emits) == (
        Status.HANDLING,
        (Emission.REPORTER_MESSAGE, Emission.ANNOUNCE),
    )


def test_a_reporter_writing_soon_after_a_resolution_reopens_the_case() -> None:
    closed = NOW - REOPEN_WINDOW + timedelta(hours=1)
    decision = decide(case(Status.RESOLVED, Party.REPORTER, closed_at=closed), Move.REPORTER_WRITES)
    assert decision.dest is Status.HANDLING and Emission.REOPENED in decision.emits


@pytest.mark.parametrize(
    ("status", "closed_ago", "kept"),
    [
        (Status.RESOLVED, REOPEN_WINDOW + timedelta(hours=1), True),
        (Status.RESOLVED, timedelta(days=1), False),
        (Status.INVALID, timedelta(days=1), True),
    ],
)
def test_otherwise_a_reporter_writing_after_closure_gets_a_linked_follow_up(
    status: Status, closed_ago: timedelta, kept: bool
) -> None:
    facts = {"closed_at": NOW - closed_ago, "content_kept": kept}
    decision = decide(case(status, Party.REPORTER, **facts), Move.REPORTER_WRITES)
    assert decision.dest is status, "the closed case stays closed"
    assert Emission.FOLLOW_UP in decision.emits and Emission.REOPENED not in decision.emits


def test_only_the_scheduler_escalates_and_only_an_unacknowledged_case() -> None:
    assert decide(case(Status.NEW, Party.SCHEDULER), Move.ESCALATE).allowed
    assert not decide(case(Status.ACCEPTED, Party.SCHEDULER), Move.ESCALATE).allowed
    assert not decide(case(Status.NEW, Party.SUPERVISOR), Move.ESCALATE).allowed


@given(
    status=st.sampled_from(list(Status)),
    party=st.sampled_from(list(Party)),
    move=st.sampled_from(list(Move)),
    has_read=st.booleans(),
    kept=st.booleans(),
)
def test_no_move_reaches_a_closed_status_without_erasing_the_address(
    status: Status, party: Party, move: Move, has_read: bool, kept: bool
) -> None:
    trial = case(status, party, has_read=has_read, content_kept=kept, closed_at=NOW - timedelta(days=1))
    decision = decide(trial, move)
    assert trial.state == status and trial.emitted == [], "the case given is left as it was"
    if decision.changes_status and decision.dest in CLOSED:
        assert Emission.ERASE_REPLY_ADDRESS in decision.emits
    if decision.allowed and status in CLOSED and decision.dest in OPEN:
        assert Emission.REOPENED in decision.emits
    if party in (Party.ADMIN, Party.OUTSIDER, Party.OTHER_OFFICER):
        assert not decision.allowed
