"""Every question of the report: `batal`, `kembali`, `bantuan` and bad input at each one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from flows import inbound as ev
from flows.complaint import ComplaintFlow
from flows.i18n import Catalogues
from flows.story import STORY_MESSAGE_LIMIT, STORY_TOTAL_LIMIT
from tests.chat import STANDARD_PATH, Chat
from tests.conftest import FakeClock

LOCALES = Path(__file__).resolve().parent.parent / "locales"
KEYS = {m.id for m in read_po((LOCALES / "messages.pot").open("rb")) if isinstance(m.id, str) and m.id}

CONFIRM_PATH = [*STANDARD_PATH[:3], ("category", ev.Text("anaknya dipukul ayahnya"))]
QUESTION_STATES = [
    "consent",
    "role",
    "category",
    "category_confirm",
    "danger",
    "age",
    "sex",
    "kecamatan",
    "kelurahan",
    "landmark",
    "story",
    "contact",
    "phone",
    "review",
    "edit_menu",
]
PREVIOUS = {
    "consent": "menu",
    "role": "consent",
    "category": "role",
    "category_confirm": "category",
    "danger": "category",
    "age": "danger",
    "sex": "age",
    "kecamatan": "sex",
    "kelurahan": "kecamatan",
    "landmark": "kelurahan",
    "story": "landmark",
    "contact": "story",
    "phone": "contact",
    "review": "contact",
    "edit_menu": "review",
}
LONG = "kata " * 2_500
BAD_INPUTS: dict[str, ev.Event] = {
    "empty": ev.Text(""),
    "spaces": ev.Text("   "),
    "emoji only": ev.Text("😢😢😢"),
    "10,000+ characters": ev.Text(LONG),
    "number out of range": ev.Text("99"),
    "unknown command": ev.Text("/entah"),
    "sticker": ev.Unsupported("sticker"),
    "old button": ev.Choice("tombol-lama"),
}
ACCEPTED = {("story", "number out of range")}
"""A story may well be "99"; everywhere else these inputs are not an answer."""


def reach(chat: Chat, state: str) -> Chat:
    if state == "category_confirm":
        return chat.reach(state, CONFIRM_PATH)
    if state == "edit_menu":
        chat.reach("review")
        chat.send(ev.Choice("edit"))
        assert chat.state == "edit_menu"
        return chat
    if state == "review":
        return chat.reach("review", [*STANDARD_PATH, ("review", ev.Choice("submit"))])
    return chat.reach(state)


def assert_no_raw_keys(text: str) -> None:
    leaked = {k for k in KEYS if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)}
    assert not leaked, f"untranslated keys shown to the reporter: {leaked}"


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_batal_cancels_and_forgets_the_draft(chat: Chat, state: str, catalogues: Catalogues) -> None:
    reach(chat, state)
    had_draft = chat.conv.has_draft
    chat.send("batal")
    if had_draft:
        assert chat.state == "cancel_confirm", "a draft is only deleted once confirmed"
        chat.send("ya")
    assert chat.state == "menu"
    assert not chat.conv.has_draft
    expected = "cancel.done" if had_draft else "cancel.left"
    assert catalogues.text("id", expected) in chat.text
    assert chat.option_ids[0] == "report"


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_kembali_goes_one_question_back_and_keeps_answers(chat: Chat, state: str) -> None:
    reach(chat, state)
    before = chat.snapshot()["answers"]
    chat.send("kembali")
    assert chat.state == PREVIOUS[state]
    assert chat.answers == before
    assert_no_raw_keys(chat.text)


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_bantuan_explains_and_asks_again(chat: Chat, state: str, catalogues: Catalogues) -> None:
    reach(chat, state)
    before = chat.snapshot()
    chat.send("bantuan")
    assert chat.snapshot() == {**before, "last_active": chat.snapshot()["last_active"]}
    assert catalogues.text("id", f"help.{state}") in chat.text
    assert catalogues.text("id", "help.general") in chat.text
    assert chat.replies[-1].options, "the question is asked again with its options"


@pytest.mark.parametrize(
    ("state", "bad"),
    [(s, b) for s in QUESTION_STATES for b in BAD_INPUTS if (s, b) not in ACCEPTED],
)
def test_bad_input_is_answered_kindly_and_loses_nothing(chat: Chat, state: str, bad: str) -> None:
    reach(chat, state)
    before = chat.snapshot()
    chat.send(BAD_INPUTS[bad])
    after = chat.snapshot()
    assert chat.state == state
    assert after["answers"] == before["answers"]
    assert chat.replies, "every message gets an answer"
    assert chat.replies[-1].options, "the question is asked again with its options"
    assert_no_raw_keys(chat.text)
    assert not chat.effects


def test_bad_input_is_answered_in_the_reporters_language(
    flow: ComplaintFlow, clock: FakeClock, catalogues: Catalogues
) -> None:
    chat = Chat(flow, clock)
    chat.send("menu")
    chat.send(ev.Choice("language"))
    chat.send(ev.Choice("en"))
    chat.reach("age")
    chat.send("😢")
    assert catalogues.text("en", "age.not_understood") in chat.text
    assert "How old is the child?" in chat.text
    chat.send("")
    assert catalogues.text("en", "input.empty") in chat.text


def test_media_outside_the_story_is_kept_for_it(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("age")
    chat.send(ev.Media("photo", "att-1"))
    assert chat.state == "age"
    assert chat.answers["attachments"] == [{"kind": "photo", "ref": "att-1"}]
    assert catalogues.text("id", "media.kept_for_story") in chat.text


SENTENCE = "tetangga saya anaknya sering dipukuli bapaknya"
CHOICE_STATES = [
    "role",
    "category_confirm",
    "danger",
    "age",
    "sex",
    "kecamatan",
    "kecamatan_confirm",
    "kelurahan_confirm",
    "review",
    "edit_menu",
]
"""Questions whose answer is a choice, a number or a name: a sentence there is no answer."""


def reach_any(chat: Chat, state: str) -> Chat:
    if state == "kecamatan_confirm":
        return chat.reach(state, [*STANDARD_PATH[:7], ("kecamatan", ev.Text("pekalongan timr"))])
    if state == "kelurahan_confirm":
        path = [*STANDARD_PATH[:7], ("kecamatan", ev.Choice("33.75.03")), ("kelurahan", ev.Text("krapyk"))]
        return chat.reach(state, path)
    return reach(chat, state)


@pytest.mark.parametrize("state", CHOICE_STATES)
def test_a_sentence_where_a_choice_was_expected_joins_the_story(
    chat: Chat, state: str, catalogues: Catalogues
) -> None:
    reach_any(chat, state)
    before = chat.snapshot()["answers"]
    chat.send(SENTENCE)
    assert chat.state == state, "the question is asked again"
    assert catalogues.text("id", "input.kept_for_story") in chat.text
    assert chat.replies[-1].options
    story = chat.answers["story"]
    assert SENTENCE in story
    assert {k: v for k, v in chat.answers.items() if k != "story"} == {
        k: v for k, v in before.items() if k != "story"
    }, "nothing else changes"
    assert not chat.effects


def test_who_is_reporting_keeps_a_sentence_through_to_the_report(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("role")
    chat.send(SENTENCE)
    chat.send(ev.Choice("neighbour"))
    chat.reach("story")
    assert catalogues.text("id", "story.kept_earlier") in chat.text
    chat.reach("review")
    assert SENTENCE in chat.text, "the review shows it as part of the story"
    assert SENTENCE in chat.submit().draft.story


def test_before_consent_a_sentence_is_not_kept(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("consent")
    chat.send(SENTENCE)
    assert "story" not in chat.answers
    assert catalogues.text("id", "input.choose_number", count=2) in chat.text


def test_a_stray_word_is_not_taken_for_a_story(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("role")
    chat.send("entahlah")
    assert "story" not in chat.answers
    assert catalogues.text("id", "input.choose_number", count=8) in chat.text


def test_danger_heard_at_a_choice_is_kept_too(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("sex")
    chat.send("tolong anak itu dalam bahaya sekarang")
    assert chat.state == "sex"
    assert chat.replies[0].urgent, "the numbers first"
    assert "tolong anak itu dalam bahaya sekarang" in chat.answers["story"]
    assert catalogues.text("id", "input.kept_for_story") in chat.text


def test_a_child_is_told_in_a_childs_words(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("sex", [(s, ev.Choice("self") if s == "role" else e) for s, e in STANDARD_PATH])
    chat.send("aku sering dipukul ibu tiriku")
    assert catalogues.text("id", "input.kept_for_story.child") in chat.text
    assert "aku sering dipukul ibu tiriku" in chat.answers["story"]


@pytest.mark.parametrize(
    ("state", "attempt"),
    [
        ("role", "saya ibunya sendiri"),
        ("role", "1 2 3"),
        ("sex", "anak laki laki"),
        ("sex", "dia perempuan kok"),
        ("age", "saya tidak tahu"),
        ("age", "sekitar 7 tahun"),
        ("kecamatan_confirm", "kecamatan pekalongan barat sana"),
    ],
)
def test_an_attempt_at_the_answer_is_asked_again_not_taken_for_a_story(
    chat: Chat, state: str, attempt: str
) -> None:
    reach_any(chat, state)
    chat.send(attempt)
    assert chat.state == state
    assert "story" not in chat.answers, "not what happened: the question is asked again"


def test_a_long_sentence_tells_what_happened_even_without_a_known_word(chat: Chat) -> None:
    chat.reach("sex")
    told = "anak itu sering sendirian di rumah sampai malam tanpa ada orang dewasa"
    chat.send(told)
    assert told in chat.answers["story"]


def test_what_is_typed_at_the_contact_questions_stays_out_of_the_story(chat: Chat) -> None:
    """A number typed in words there must not reach the officer after the reporter chose to
    stay anonymous."""
    chat.reach("contact")
    chat.send("tolong hubungi nomor saya nol delapan satu dua tiga empat lima enam ya")
    chat.send(ev.Choice("anonymous"))
    assert all("nomor saya" not in part for part in chat.answers.get("story", []))


def test_back_at_consent_a_sentence_is_not_kept(chat: Chat) -> None:
    chat.reach("role")
    chat.send("kembali")
    assert chat.state == "consent"
    chat.send(SENTENCE)
    assert "story" not in chat.answers


def test_a_story_typed_at_the_category_stays_within_the_limits(chat: Chat) -> None:
    chat.reach("category")
    for _ in range(3):
        chat.send("anaknya dipukul " + "lagi " * 3_000)
        if chat.state == "category_confirm":
            chat.send(ev.Choice("other"))
    story = chat.answers.get("story", [])
    assert all(len(part) <= STORY_MESSAGE_LIMIT for part in story)
    assert sum(map(len, story)) <= STORY_TOTAL_LIMIT
