"""Changing answers from the review, and the contact number's questions, through the pure flow."""

from __future__ import annotations

from flows import inbound as ev
from flows.i18n import Catalogues
from tests.chat import PHONE, PHONE_E164, STORY, Chat


def test_editing_the_kecamatan_asks_the_kelurahan_again(chat: Chat) -> None:
    chat.reach("review")
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("kecamatan"))
    assert chat.state == "kecamatan"
    chat.send("Pekalongan Selatan")
    assert chat.state == "kelurahan"
    assert "Banyurip" in chat.option_labels
    chat.send("Jenggot")
    assert chat.state == "review"
    assert "Pekalongan Selatan" in chat.text and "Jenggot" in chat.text
    assert chat.answers["landmark"] == "dekat masjid Al-Ikhlas", "other answers stay"


def test_editing_the_contact_to_anonymous_drops_the_number(chat: Chat) -> None:
    chat.reach("review")
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("contact"))
    chat.send(ev.Choice("anonymous"))
    assert chat.state == "review"
    assert "phone" not in chat.answers
    assert chat.submit().draft.phone is None


def test_editing_the_number_asks_for_a_new_one(chat: Chat) -> None:
    chat.reach("review")
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("contact"))
    chat.send(ev.Choice("phone"))
    assert chat.state == "phone"
    chat.send("+62 857-1234-5678")
    assert chat.state == "review"
    assert chat.answers["phone"] == "+6285712345678"


def test_editing_the_story_can_add_or_start_over(chat: Chat) -> None:
    chat.reach("review")
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("story"))
    chat.send("Kejadiannya di depan rumah, sore hari.")
    chat.send(ev.Choice("done"))
    assert chat.state == "review"
    assert chat.answers["story"] == [STORY, "Kejadiannya di depan rumah, sore hari."]
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("story"))
    chat.send(ev.Choice("clear"))
    chat.send(ev.Choice("done"))
    assert chat.state == "story", "an empty story is not accepted"
    chat.send("Cerita baru.")
    chat.send(ev.Choice("done"))
    assert chat.answers["story"] == ["Cerita baru."]


def test_every_answer_can_be_edited_from_the_review(chat: Chat) -> None:
    chat.reach("review")
    chat.send(ev.Choice("edit"))
    editable = [o for o in chat.option_ids if o != "review"]
    assert editable == [
        "role",
        "category",
        "danger",
        "age",
        "sex",
        "kecamatan",
        "kelurahan",
        "landmark",
        "story",
        "contact",
        "phone",
    ]
    for step in editable:
        chat.send(ev.Choice(step))
        assert chat.state == step
        chat.send("kembali")
        assert chat.state == "review"
        chat.send(ev.Choice("edit"))


def test_an_invalid_phone_number_is_explained(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("phone")
    chat.send("0812")
    assert chat.state == "phone"
    assert catalogues.text("id", "phone.invalid") in chat.text
    chat.send("nomor saya rahasia")
    assert chat.state == "phone"
    chat.send(PHONE)
    assert chat.answers["phone"] == PHONE_E164


def test_a_number_typed_at_the_contact_question_is_taken(chat: Chat) -> None:
    chat.reach("contact")
    chat.send(PHONE)
    assert chat.state == "review" and chat.answers["phone"] == PHONE_E164
