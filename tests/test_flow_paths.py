"""Whole conversations through the pure flow: the report, danger, a child, editing, expiry, status."""

from __future__ import annotations

import pytest

from flows import inbound as ev
from flows.i18n import Catalogues
from flows.outbound import (
    CheckReceipt,
    OpenUrgentReport,
    RecordReporterMessage,
    SubmitReport,
    WipeConversation,
)
from tests.chat import PHONE_E164, STANDARD_PATH, STORY, Chat
from tests.conftest import FakeClock


def test_a_whole_report_hands_over_every_answer(chat: Chat) -> None:
    effect = chat.submit()
    draft = effect.draft
    assert effect.urgent_report_id is None and not effect.abandoned
    assert (draft.role, draft.category, draft.simfoni, draft.danger) == (
        "neighbour",
        "fisik",
        "fisik",
        "no",
    )
    assert (draft.age, draft.age_band, draft.sex) == (7, "6-12", "female")
    assert (draft.unit, draft.region, draft.kelurahan) == ("kota-pekalongan", "33.75.02", "Kauman")
    assert draft.landmark == "dekat masjid Al-Ikhlas"
    assert draft.story == (STORY,)
    assert draft.phone == PHONE_E164
    assert draft.urgency == "high", "kekerasan fisik is a high-priority category"
    assert draft.complete
    assert chat.state == "review", "the flow waits for the runtime to file it"


def test_the_receipt_is_shown_once_after_filing(chat: Chat, catalogues: Catalogues) -> None:
    chat.submit()
    chat.feed(ev.ReportSubmitted("PKSAI-2026-000007", "1234567890123456"))
    assert chat.state == "menu"
    assert "PKSAI-2026-000007" in chat.text
    assert "1234-5678-9012-3456" in chat.text
    assert not chat.conv.has_draft
    chat.send("menu")
    assert "1234-5678-9012-3456" not in chat.text


def test_danger_now_shows_emergency_numbers_and_opens_an_urgent_report(chat: Chat) -> None:
    chat.reach("danger")
    chat.send(ev.Choice("yes"))
    urgent = [r for r in chat.replies if r.urgent]
    assert urgent, "the emergency numbers come first, marked urgent"
    for number in ("112", "110", "129", "08111129129"):
        assert number in urgent[0].text
    effect = chat.take_effect(OpenUrgentReport)
    assert effect.draft.urgency == "urgent" and not effect.draft.complete
    assert effect.draft.category == "fisik"
    assert chat.state == "age", "the report goes on after the numbers"
    chat.feed(ev.UrgentReportOpened(41, "PKSAI-2026-000041"))
    assert chat.conv.urgent_report_id == 41


def test_the_urgent_report_is_completed_not_duplicated(chat: Chat) -> None:
    path = [(s, ev.Choice("yes") if s == "danger" else e) for s, e in STANDARD_PATH]
    chat.reach("danger", path)
    chat.send(ev.Choice("yes"))
    chat.take_effect(OpenUrgentReport)
    chat.feed(ev.UrgentReportOpened(41, "PKSAI-2026-000041"))
    chat.reach("review", path)
    chat.send(ev.Choice("edit"))
    chat.send(ev.Choice("danger"))
    chat.send(ev.Choice("no"))
    assert not [e for e in chat.effects if isinstance(e, OpenUrgentReport)]
    chat.send(ev.Choice("submit"))
    effect = chat.take_effect(SubmitReport)
    assert effect.urgent_report_id == 41


def test_an_abandoned_urgent_draft_is_filed_when_it_expires(chat: Chat, clock: FakeClock) -> None:
    chat.reach("danger")
    chat.send(ev.Choice("yes"))
    chat.take_effect(OpenUrgentReport)
    chat.feed(ev.UrgentReportOpened(41, "PKSAI-2026-000041"))
    chat.send("9")
    clock.advance(hours=25)
    chat.send(ev.Expire())
    effect = chat.take_effect(SubmitReport)
    assert effect.abandoned and effect.urgent_report_id == 41
    assert effect.draft.age == 9 and effect.draft.urgency == "urgent"
    assert chat.state == "menu" and not chat.conv.has_draft


def test_an_idle_draft_expires_with_a_kind_word(chat: Chat, clock: FakeClock, catalogues: Catalogues) -> None:
    chat.reach("kecamatan")
    clock.advance(hours=23)
    chat.send(ev.Choice("33.75.01"))
    assert chat.state == "kelurahan", "23 hours is not idle yet"
    clock.advance(hours=24, minutes=1)
    chat.send(ev.Choice("k0"))
    assert chat.state == "menu"
    assert not chat.conv.has_draft
    assert catalogues.text("id", "draft.expired") in chat.text
    assert not chat.effects, "a draft without danger is simply dropped"


def test_a_child_reporting_about_themself_gets_warmer_words(chat: Chat, catalogues: Catalogues) -> None:
    path = [(s, ev.Choice("self") if s == "role" else e) for s, e in STANDARD_PATH]
    chat.reach("category", path)
    assert catalogues.text("id", "prompt.category.child") in chat.text
    assert "Aku dipukul atau disakiti" in chat.option_labels
    chat.send(ev.Choice("fisik"))
    assert catalogues.text("id", "prompt.danger.child") in chat.text
    chat.send(ev.Choice("yes"))
    assert catalogues.text("id", "danger.now.child") in chat.text
    chat.send("13")
    assert catalogues.text("id", "prompt.sex.child") in chat.text


def test_typed_words_suggest_a_category_and_are_kept_as_story(chat: Chat) -> None:
    chat.reach("category")
    chat.send("anak itu dinikahkan paksa oleh orang tuanya")
    assert chat.state == "category_confirm"
    assert "Perkawinan anak" in chat.text
    chat.send("1")
    assert chat.answers["category"] == "perkawinan-anak"
    assert chat.answers["story"] == ["anak itu dinikahkan paksa oleh orang tuanya"]


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("dipukul ayahnya", "fisik"),
        ("sudah tidak sekolah setahun", "putus-sekolah"),
        ("dinikahkan umur 14", "perkawinan-anak"),
        ("dia tidur di jalan dekat terminal", "anak-jalanan"),
    ],
)
def test_keywords_map_to_categories(chat: Chat, typed: str, category: str) -> None:
    chat.reach("category")
    chat.send(typed)
    assert chat.answers["suggested"] == category


def test_rejecting_a_suggestion_asks_the_list_again(chat: Chat) -> None:
    chat.reach("category")
    chat.send("dipukul")
    chat.send(ev.Choice("other"))
    assert chat.state == "category"
    assert "suggested" not in chat.answers


def test_a_shared_location_picks_the_nearest_kecamatan(chat: Chat) -> None:
    chat.reach("kecamatan")
    chat.send(ev.Location(-6.925, 109.680))
    assert chat.answers["region"] == "33.75.04"
    assert chat.answers["coords"] == [-6.925, 109.680]
    assert chat.state == "kelurahan"
    assert "Pekalongan Selatan" in chat.text


def test_the_story_takes_several_messages_photos_and_voice(chat: Chat) -> None:
    chat.reach("story")
    chat.send("Pertama.")
    chat.send(ev.Media("photo", "att-1"))
    chat.send(ev.Media("voice", "att-2"))
    chat.send("Kedua.")
    chat.send(ev.Choice("done"))
    assert chat.answers["story"] == ["Pertama.", "Kedua."]
    assert [a["kind"] for a in chat.answers["attachments"]] == ["photo", "voice"]


def test_a_long_story_message_is_accepted_up_to_the_limit(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("story")
    chat.send("a" * 10_000)
    assert len(chat.answers["story"]) == 1
    chat.send("b" * 10_001)
    assert catalogues.text("id", "story.message_too_long", limit=10_000) in chat.text
    assert len(chat.answers["story"]) == 1


def test_the_age_understands_words_and_refuses_adults(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("age")
    chat.send("19")
    assert chat.state == "age"
    assert catalogues.text("id", "age.adult") in chat.text
    chat.send("tujuh belas tahun")
    assert (chat.answers["age"], chat.answers["age_band"]) == (17, "13-17")


def test_menu_keeps_the_draft_and_resumes_at_the_same_question(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("landmark")
    chat.send("menu")
    assert chat.state == "menu"
    assert catalogues.text("id", "menu.draft_kept") in chat.text
    assert chat.option_labels[0] == catalogues.text("id", "menu.resume")
    chat.send("1")
    assert chat.state == "landmark"
    assert chat.answers["region"] == "33.75.02"


def test_opening_with_a_story_starts_a_report_and_keeps_it(chat: Chat) -> None:
    chat.send("tolong, anak tetangga saya dipukul terus setiap malam")
    assert chat.state == "consent"
    chat.send(ev.Choice("agree"))
    assert chat.answers["story"] == ["tolong, anak tetangga saya dipukul terus setiap malam"]


def test_declining_consent_stores_nothing(chat: Chat) -> None:
    chat.send("saya mau lapor anak tetangga ditelantarkan orang tuanya")
    chat.send(ev.Choice("decline"))
    assert chat.state == "menu" and not chat.conv.has_draft


def test_english_is_a_menu_choice_away(chat: Chat) -> None:
    chat.send("halo")
    chat.send(ev.Choice("language"))
    chat.send("English")
    assert chat.conv.locale == "en"
    assert "What would you like to do?" in chat.text
    chat.send("1")
    assert "Before we start" in chat.text


class TestStatus:
    def test_a_right_code_shows_the_status_and_replies(self, chat: Chat, catalogues: Catalogues) -> None:
        chat.send(ev.Choice("status"))
        chat.send("1234 5678 9012 3456")
        assert chat.take_effect(CheckReceipt).code == "1234567890123456"
        messages = (ev.StatusMessage(True, "Kami sudah mengunjungi rumahnya.", "24-11-2026 10:00"),)
        chat.feed(ev.ReceiptChecked("PKSAI-2026-000007", "ditangani", messages))
        assert chat.state == "status_view"
        assert catalogues.text("id", "status.ditangani") in chat.text
        assert "Kami sudah mengunjungi rumahnya." in chat.text
        chat.send(ev.Choice("reply"))
        chat.send("Terima kasih, anaknya sekarang di rumah neneknya.")
        effect = chat.take_effect(RecordReporterMessage)
        assert effect.reference == "PKSAI-2026-000007"
        assert effect.text == "Terima kasih, anaknya sekarang di rumah neneknya."
        assert chat.state == "status_view"

    def test_a_wrong_code_is_refused_and_counted(self, chat: Chat, catalogues: Catalogues) -> None:
        chat.send(ev.Choice("status"))
        chat.send("1111-2222-3333-4444")
        chat.take_effect(CheckReceipt)
        chat.feed(ev.ReceiptChecked(None))
        assert chat.state == "status_code"
        assert catalogues.text("id", "status.wrong_code", left=4) in chat.text
        assert chat.conv.verified_reference is None

    def test_repeated_wrong_codes_lock_the_conversation(
        self, chat: Chat, clock: FakeClock, catalogues: Catalogues
    ) -> None:
        chat.send(ev.Choice("status"))
        for _ in range(5):
            chat.send("1111222233334444")
            chat.take_effect(CheckReceipt)
            chat.feed(ev.ReceiptChecked(None))
        assert catalogues.text("id", "status.locked", minutes=15) in chat.text
        chat.send("1234567890123456")
        assert not chat.effects, "no lookup while locked"
        chat.send("batal")
        chat.send(ev.Choice("status"))
        chat.send("1234567890123456")
        assert not chat.effects, "leaving and coming back does not lift the lock"
        clock.advance(minutes=16)
        chat.send("1234567890123456")
        assert chat.take_effect(CheckReceipt).code == "1234567890123456"

    def test_a_malformed_code_is_explained(self, chat: Chat, catalogues: Catalogues) -> None:
        chat.send(ev.Choice("status"))
        chat.send("12345")
        assert catalogues.text("id", "status.code_format") in chat.text
        assert not chat.effects


def test_hapus_wipes_the_conversation(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("story")
    chat.send("/hapus")
    chat.take_effect(WipeConversation)
    assert chat.state == "menu" and chat.answers == {}
    assert catalogues.text("id", "wipe.done") in chat.text


@pytest.mark.parametrize(
    ("state", "typed", "answer_key", "expected"),
    [
        ("danger", "ya", "danger", "yes"),
        ("danger", "tidak", "danger", "no"),
        ("danger", "tidak tahu", "danger", "unknown"),
        ("sex", "cewek", "sex", "female"),
        ("contact", "anonim", "contact", "anonymous"),
        ("contact", "lewati", "contact", "anonymous"),
        ("contact", "nggak usah", "contact", "anonymous"),
    ],
)
def test_everyday_words_answer_the_options(
    chat: Chat, state: str, typed: str, answer_key: str, expected: str
) -> None:
    chat.reach(state)
    chat.send(typed)
    assert chat.answers[answer_key] == expected


def test_ya_confirms_a_suggested_category(chat: Chat) -> None:
    chat.reach("category")
    chat.send("anak saya dipukul ayah tirinya")
    chat.send("ya")
    assert chat.answers["category"] == "fisik" and chat.state == "danger"
