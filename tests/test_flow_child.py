"""A child reporting about themself: their own receipt, choices that fit, asked before deleting."""

from __future__ import annotations

import pytest

from flows import inbound as ev
from flows.i18n import Catalogues
from flows.outbound import SubmitReport
from tests.chat import STANDARD_PATH, Chat

CHILD_PATH = [(s, ev.Choice("self") if s == "role" else e) for s, e in STANDARD_PATH]


def test_a_child_gets_the_childs_receipt(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("review", [*CHILD_PATH, ("review", ev.Choice("submit"))])
    chat.send(ev.Choice("submit"))
    chat.take_effect(SubmitReport)
    chat.feed(ev.ReportSubmitted("PKSAI-2026-000008", "1234567890123456"))
    child = catalogues.text(
        "id", "receipt.done.child", reference="PKSAI-2026-000008", receipt="1234-5678-9012-3456"
    )
    adult = catalogues.text(
        "id", "receipt.done", reference="PKSAI-2026-000008", receipt="1234-5678-9012-3456"
    )
    assert child in chat.text and adult not in chat.text
    receipt = next(r for r in chat.replies if r.receipt)
    assert receipt.receipt == "1234-5678-9012-3456", "channels can show the code apart, to copy it"


def test_an_adult_gets_the_adult_receipt(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("review", [*STANDARD_PATH, ("review", ev.Choice("submit"))])
    chat.send(ev.Choice("submit"))
    chat.feed(ev.ReportSubmitted("PKSAI-2026-000009", "1234567890123456"))
    assert "Terima kasih sudah peduli" in chat.text


def test_a_child_is_not_offered_balita_or_tidak_tahu_about_themself(chat: Chat) -> None:
    chat.reach("age", CHILD_PATH)
    assert "0-5" not in chat.option_ids
    assert not any("Balita" in label or "Tidak tahu" in label for label in chat.option_labels)
    assert "Tidak mau menjawab" in chat.option_labels
    chat.send("12")
    assert chat.state == "sex"
    assert not any("Tidak tahu" in label for label in chat.option_labels)
    assert chat.option_labels == ["Laki-laki", "Perempuan", "Tidak mau menjawab"]


def test_an_adult_is_still_offered_every_band(chat: Chat) -> None:
    chat.reach("age")
    assert chat.option_ids == ["0-5", "6-12", "13-17", "unknown"]


@pytest.mark.parametrize("state", ["role", "age", "story", "review"])
def test_batal_asks_before_deleting_a_draft(chat: Chat, state: str, catalogues: Catalogues) -> None:
    if state == "review":
        chat.reach("review", [*STANDARD_PATH, ("review", ev.Choice("submit"))])
    else:
        chat.reach(state)
    before = chat.snapshot()["answers"]
    chat.send("batal")
    assert chat.state == "cancel_confirm"
    assert chat.answers == before, "nothing is deleted yet"
    chat.send(ev.Choice("no"))
    assert chat.state == state and chat.answers == before
    assert catalogues.text("id", "cancel.kept") in chat.text
    chat.send("batal")
    chat.send("ya")
    assert chat.state == "menu" and not chat.conv.has_draft
    assert catalogues.text("id", "cancel.done") in chat.text


def test_the_reviews_cancel_button_asks_too(chat: Chat) -> None:
    chat.reach("review", [*STANDARD_PATH, ("review", ev.Choice("submit"))])
    chat.send(ev.Choice("cancel"))
    assert chat.state == "cancel_confirm" and chat.conv.has_draft
    chat.send("kembali")
    assert chat.state == "review"


def test_a_kept_draft_at_the_menu_is_only_deleted_when_confirmed(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send("menu")
    chat.send("batal")
    assert chat.state == "cancel_confirm"
    chat.send("2")
    assert chat.state == "menu" and chat.conv.has_draft
    chat.send("1")
    assert chat.state == "kecamatan", "the draft resumes where it stopped"


def test_a_child_is_asked_more_gently(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("age", CHILD_PATH)
    chat.send("batal")
    assert catalogues.text("id", "prompt.cancel_confirm.child") in chat.text


def test_a_child_is_asked_about_a_guessed_place_in_the_childs_words(chat: Chat) -> None:
    chat.reach("kecamatan", CHILD_PATH)
    chat.send("pekalongan timr")
    assert "Maksudmu Kecamatan Pekalongan Timur?" in chat.text


@pytest.mark.parametrize("typed", ["tidak tau", "gak tau", "gatau"])
def test_tidak_tau_is_understood(chat: Chat, typed: str) -> None:
    chat.reach("danger")
    chat.send(typed)
    assert chat.answers["danger"] == "unknown"
