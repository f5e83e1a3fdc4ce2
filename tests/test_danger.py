"""Danger heard in the reporter's own words: the lexicons measured on a corpus of phrases."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.lexicon_files import indonesian, load_lexicons
from flows.danger import Concern, DangerEar
from flows.lexicon import LOCALES

CORPUS = tomllib.loads((Path(__file__).parent / "data" / "danger_corpus.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ear() -> DangerEar:
    return DangerEar(load_lexicons(), indonesian())


def test_the_corpus_is_big_enough_to_measure() -> None:
    sizes = {kind: len(set(phrases)) for kind, phrases in CORPUS.items()}
    assert sum(sizes.values()) >= 150 and min(sizes.values()) >= 30, sizes


def test_precision_and_recall_on_the_corpus(ear: DangerEar, capsys: pytest.CaptureFixture[str]) -> None:
    urgent = CORPUS["danger"] + CORPUS["self_harm"]
    missed = [p for p in urgent if ear.hear(p) is None]
    false_alarms = [p for p in CORPUS["ordinary"] if ear.hear(p) is not None]
    self_harm_as_danger = [p for p in CORPUS["self_harm"] if (h := ear.hear(p)) and h.concern != "self_harm"]
    heard = len(urgent) - len(missed)
    recall = heard / len(urgent)
    precision = heard / (heard + len(false_alarms))
    false_alarm_rate = len(false_alarms) / len(CORPUS["ordinary"])
    with capsys.disabled():
        print(
            f"\ndanger corpus: {len(urgent)} urgent, {len(CORPUS['ordinary'])} ordinary; "
            f"recall {recall:.1%}, precision {precision:.1%}, false alarms {false_alarm_rate:.1%}, "
            f"self-harm worded as danger {len(self_harm_as_danger)}"
        )
        for phrase in missed:
            print(f"  missed: {phrase!r}")
        for phrase in false_alarms:
            print(f"  false alarm: {phrase!r} ({ear.hear(phrase)})")
    assert recall >= 0.95, missed
    assert false_alarm_rate <= 0.02, false_alarms
    assert len(self_harm_as_danger) <= len(CORPUS["self_harm"]) * 0.05, self_harm_as_danger


@pytest.mark.parametrize(
    ("phrase", "concern"),
    [
        ("saya dalam bahaya sekarang", Concern.DANGER),
        ("aku pengen mati aja", Concern.SELF_HARM),
        ("TOLOOONG", Concern.DANGER),
        ("sy dlm bahya", Concern.DANGER),
    ],
)
def test_a_match_names_its_concern_and_the_lexicon_phrase_not_the_words(
    ear: DangerEar, phrase: str, concern: Concern
) -> None:
    heard = ear.hear(phrase)
    assert heard is not None and heard.concern == concern
    assert heard.phrase != phrase


@pytest.mark.parametrize(
    "phrase", ["tidak dalam bahaya", "gak bahaya kok", "bukan darurat", "saya tidak ingin mati"]
)
def test_negation_is_not_danger(ear: DangerEar, phrase: str) -> None:
    assert ear.hear(phrase) is None


def test_a_negation_in_an_earlier_clause_does_not_hide_danger(ear: DangerEar) -> None:
    assert ear.hear("tidak, dia dalam bahaya") is not None
    assert ear.hear("aku nggak mau hidup lagi") is not None, "a phrase may itself start with the negation"


def test_a_real_word_is_never_a_typo_of_a_danger_word(ear: DangerEar) -> None:
    assert ear.hear("bahasa") is None
    assert ear.hear("bahya") is not None


def test_every_locale_has_a_lexicon_that_loads() -> None:
    lexicons = {lexicon.locale: lexicon for lexicon in load_lexicons()}
    assert set(lexicons) == set(LOCALES)
    assert all(lexicon.danger and lexicon.self_harm for lexicon in lexicons.values())


def test_a_whole_story_is_read_and_danger_at_its_end_is_heard(ear: DangerEar) -> None:
    story = "Anak itu sering dipukul ayahnya. " * 300 + "Sekarang dia dalam bahaya."
    assert ear.hear(story) is not None
