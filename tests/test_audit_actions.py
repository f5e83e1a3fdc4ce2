"""Every audit row names its action with a member of ``AuditAction``, and the console has words for
each: a move refused, a case routed by the scheduler or a failed sign-in shows as a sentence on the
audit page, never as an internal name."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from admin import labels as L
from flows.i18n import Catalogues
from flows.lifecycle import Case, Emission, Move, Party, decide
from flows.vocabulary import AuditAction, RouteReason, Status
from storage.cases import DONE, REFUSED, ROUTED

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def every_decision() -> list[tuple[Move, tuple[Emission, ...]]]:
    found = []
    for status, party, move, has_read, kept, days in itertools.product(
        Status, Party, Move, (False, True), (False, True), (1, 60)
    ):
        case = Case(status.value, party, has_read, kept, NOW - timedelta(days=days), NOW)
        decision = decide(case, move)
        if decision.allowed:
            found.append((move, decision.emits))
    return found


def test_every_action_has_its_words_in_every_locale(catalogues: Catalogues) -> None:
    assert set(L.AUDIT) == set(AuditAction)
    for locale in ("id", "en"):
        words = {action: catalogues.text(locale, key) for action, key in L.AUDIT.items()}
        untranslated = [action for action, text in words.items() if text == L.AUDIT[action]]
        assert untranslated == [], locale
        assert len(set(words.values())) == len(words), f"two actions read the same in {locale}"


def test_each_refused_move_has_its_own_action() -> None:
    assert set(REFUSED) == set(Move)
    assert all(action.value.endswith("_refused") for action in REFUSED.values())


def test_each_move_that_changes_the_status_has_its_action() -> None:
    decisions = every_decision()
    assert decisions, "the rules allow some moves"
    changing = {move for move, emits in decisions if Emission.STATUS_EVENT in emits}
    assert changing and changing <= set(DONE)


def test_each_way_the_scheduler_assigns_has_its_action() -> None:
    assert set(ROUTED) == {*RouteReason, None}
    assert all(action in L.AUDIT for action in ROUTED.values())
