"""Free text understood: categories from stemmed keywords (shown to the officer), place names with
typos confirmed, the story question never skipped, and properties of the reading itself."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lexicon_files import indonesian, load_lexicons
from flows import inbound as ev
from flows.danger import DangerEar
from flows.hints import closest_name
from flows.i18n import Catalogues
from flows.outbound import SubmitReport
from tests.chat import STANDARD_PATH, Chat

CHILD_PATH = [(s, ev.Choice("self") if s == "role" else e) for s, e in STANDARD_PATH]


@pytest.mark.parametrize(
    ("typed", "category", "label"),
    [
        ("dipukuli", "fisik", "Kekerasan fisik"),
        ("digebukin bapaknya", "fisik", "Kekerasan fisik"),
        ("dihajar kakaknya", "fisik", "Kekerasan fisik"),
        ("tidak dikasih makan", "penelantaran", "Penelantaran"),
        ("gak dikasih makan sama ortunya", "penelantaran", "Penelantaran"),
        ("bapaknya mabuk lalu memukul anaknya", "fisik", "Kekerasan fisik"),
        ("kekersan fisk", "fisik", "Kekerasan fisik"),
    ],
)
def test_typed_words_suggest_the_right_category(chat: Chat, typed: str, category: str, label: str) -> None:
    chat.reach("category")
    chat.send(typed)
    assert chat.state == "category_confirm"
    assert chat.answers["suggested"] == category
    assert label in chat.text


def test_the_officer_sees_which_words_suggested_the_category(chat: Chat) -> None:
    path = [(s, ev.Text("anaknya dipukuli ayahnya") if s == "category" else e) for s, e in STANDARD_PATH]
    path.insert(4, ("category_confirm", ev.Choice("yes")))
    chat.reach("review", [*path, ("review", ev.Choice("submit"))])
    chat.send(ev.Choice("submit"))
    draft = chat.take_effect(SubmitReport).draft
    assert draft.category == "fisik"
    assert draft.hint == {"category": "fisik", "words": ["dipukul"]}, "the configured keyword, not the story"


def test_a_chosen_category_drops_an_earlier_hint(chat: Chat) -> None:
    chat.reach("category")
    chat.send("anaknya dipukuli ayahnya")
    chat.send(ev.Choice("other"))
    chat.send(ev.Choice("psikis"))
    assert "hint" not in chat.answers


def test_a_kecamatan_with_a_typo_is_confirmed(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send("pekalongan timr")
    assert chat.state == "kecamatan_confirm"
    assert "Maksud Anda Kecamatan Pekalongan Timur?" in chat.text
    chat.send("ya")
    assert chat.answers["region"] == "33.75.02"
    assert "Kelurahan/desa mana di Kecamatan Pekalongan Timur?" in chat.text


def test_a_wrong_guess_shows_the_list_again(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send("pekalongan utra")
    chat.send("bukan")
    assert chat.state == "kecamatan" and "region" not in chat.answers
    assert "Pekalongan Barat" in chat.option_labels


def test_an_ambiguous_name_is_not_guessed(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send("pekalongan")
    assert chat.state == "kecamatan"


def test_a_kelurahan_with_a_typo_is_confirmed_or_kept_as_typed(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send(ev.Choice("33.75.03"))
    chat.send("krapyk")
    assert chat.state == "kelurahan_confirm" and "Maksud Anda Kelurahan Krapyak?" in chat.text
    chat.send("ya")
    assert chat.answers["kelurahan"] == "Krapyak" and chat.state == "landmark"
    chat.send("kembali")
    chat.send("kandang panjng")
    chat.send("2")
    assert chat.answers["kelurahan"] == "kandang panjng", "'Bukan' keeps what was typed"


def test_free_text_at_the_category_step_does_not_skip_the_story_question(
    chat: Chat, catalogues: Catalogues
) -> None:
    path = [(s, ev.Text("aku dipukul bapak") if s == "category" else e) for s, e in CHILD_PATH]
    path.insert(4, ("category_confirm", ev.Choice("yes")))
    chat.reach("story", path)
    assert catalogues.text("id", "prompt.story.child") in chat.text
    assert catalogues.text("id", "story.kept_earlier.child") in chat.text
    assert chat.answers["story"] == ["aku dipukul bapak"]
    chat.send("dia mukul pakai sapu")
    assert "Tersimpan: 2 pesan" in chat.text


def test_the_story_prompt_promises_only_what_every_channel_takes(catalogues: Catalogues) -> None:
    for locale in ("id", "en"):
        text = catalogues.text(locale, "prompt.story")
        assert "suara" not in text and "voice" not in text


LEXICON = load_lexicons()[0]
EAR = DangerEar(load_lexicons(), indonesian())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    phrase=st.sampled_from([p for p in LEXICON.danger + LEXICON.self_harm if "=" not in p]),
    stretch=st.integers(min_value=3, max_value=6),
    shout=st.booleans(),
)
def test_stretched_or_shouted_danger_is_still_heard(phrase: str, stretch: int, shout: bool) -> None:
    assert EAR.hear(phrase) is not None
    last = phrase[-1]
    stretched = phrase + last * (stretch - 1)
    assert EAR.hear(stretched.upper() if shout else stretched) is not None, stretched


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text: str) -> None:
    EAR.hear(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_a_guessed_place_is_always_one_of_the_names(text: str) -> None:
    names = ["Pekalongan Barat", "Pekalongan Timur", "Pekalongan Utara", "Pekalongan Selatan"]
    guess = closest_name(text, names)
    assert guess is None or guess in names
