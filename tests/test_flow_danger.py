"""Danger typed at any step: the numbers at once, an urgent report filed, the reporter kept where
they were (the same rule as the "Ya, dalam bahaya" button)."""

from __future__ import annotations

import pytest

from flows import inbound as ev
from flows.i18n import Catalogues
from flows.outbound import OpenUrgentReport, RaiseUrgency, RecordReporterMessage
from flows.report import triage
from tests.chat import Chat
from tests.test_flow_steps import QUESTION_STATES, reach

DANGER = "tolong saya dalam bahaya sekarang"
SELF_HARM = "aku pengen mati aja"
REFERENCE = "PKSAI-2026-000007"


def to_status(chat: Chat, state: str) -> Chat:
    chat.send(ev.Choice("status"))
    if state == "status_code":
        return chat
    chat.send("1234 5678 9012 3456")
    chat.feed(ev.ReceiptChecked(REFERENCE, "ditangani", ()))
    if state == "status_reply":
        chat.send(ev.Choice("reply"))
    assert chat.state == state
    return chat


def assert_numbers(chat: Chat) -> None:
    urgent = [r for r in chat.replies if r.urgent]
    assert urgent, "the emergency numbers come first, marked urgent"
    assert chat.replies[0].urgent
    for number in ("112", "110", "129", "08111129129"):
        assert number in urgent[0].text


@pytest.mark.parametrize("state", ["menu", *QUESTION_STATES, "emergency", "about", "language", "status_code"])
def test_danger_typed_at_any_step_brings_the_numbers_and_an_urgent_report(chat: Chat, state: str) -> None:
    if state == "menu":
        chat.send("halo")
    elif state in ("emergency", "about", "language"):
        chat.send(ev.Choice(state))
    elif state == "status_code":
        to_status(chat, state)
    else:
        reach(chat, state)
    chat.effects.clear()
    chat.send(DANGER)
    assert_numbers(chat)
    expected = "age" if state == "danger" else state
    assert chat.state == expected, "the reporter stays where they were (the danger question is answered)"
    assert chat.replies[-1].options or state == "story", "and is asked that question again"
    urgent = chat.take_effect(OpenUrgentReport)
    assert urgent.draft.urgency == "urgent"
    assert (urgent.reason, urgent.phrase) == ("danger", "bahaya")


@pytest.mark.parametrize("state", ["status_view", "status_reply"])
def test_danger_from_a_reporter_following_up_raises_their_report(chat: Chat, state: str) -> None:
    to_status(chat, state)
    chat.effects.clear()
    chat.send(DANGER)
    assert_numbers(chat)
    raised = chat.take_effect(RaiseUrgency)
    assert (raised.reference, raised.reason) == (REFERENCE, "danger")
    assert not [e for e in chat.effects if isinstance(e, OpenUrgentReport)]
    if state == "status_reply":
        assert chat.take_effect(RecordReporterMessage).text == DANGER, "the officer reads the words too"


def test_danger_in_the_story_is_kept_as_story(chat: Chat) -> None:
    reach(chat, "story")
    chat.send("Bapaknya sekarang lagi ngamuk bawa golok, anaknya dalam bahaya")
    assert_numbers(chat)
    assert chat.answers["story"] == ["Bapaknya sekarang lagi ngamuk bawa golok, anaknya dalam bahaya"]
    urgent = chat.take_effect(OpenUrgentReport)
    assert urgent.draft.story == ("Bapaknya sekarang lagi ngamuk bawa golok, anaknya dalam bahaya",)


def test_danger_at_the_danger_question_answers_it(chat: Chat) -> None:
    reach(chat, "danger")
    chat.send("iya dia lagi dipukulin sekarang, tolong cepat")
    assert chat.answers["danger"] == "yes"
    assert chat.state == "age"


def test_self_harm_gets_its_own_kind_words_and_the_same_urgency(chat: Chat, catalogues: Catalogues) -> None:
    chat.send("halo")
    chat.send(SELF_HARM)
    assert catalogues.text("id", "selfharm.heard") in chat.replies[0].text
    assert catalogues.text("id", "danger.heard") not in chat.text
    assert_numbers(chat)
    urgent = chat.take_effect(OpenUrgentReport)
    assert (urgent.reason, urgent.draft.urgency) == ("self_harm", "urgent")


def test_a_child_hears_the_childs_words(chat: Chat, catalogues: Catalogues) -> None:
    chat.reach("role")
    chat.send(ev.Choice("self"))
    chat.send(SELF_HARM)
    assert catalogues.text("id", "selfharm.heard.child") in chat.replies[0].text
    chat.send(DANGER)
    assert catalogues.text("id", "danger.heard.child") in chat.replies[0].text


def test_the_urgent_report_is_filed_once_and_the_draft_stays_urgent(chat: Chat) -> None:
    reach(chat, "role")
    chat.send(DANGER)
    urgent = chat.take_effect(OpenUrgentReport)
    chat.feed(ev.UrgentReportOpened(41, "PKSAI-2026-000041"))
    chat.send(ev.Choice("neighbour"))
    chat.send(ev.Choice("fisik"))
    chat.send(ev.Choice("no"))
    assert (chat.state, chat.answers["danger"]) == ("age", "no")
    chat.send("tolong!!")
    assert_numbers(chat)
    assert not [e for e in chat.effects if isinstance(e, OpenUrgentReport)], "filed once"
    assert urgent.draft.urgency == "urgent"
    assert triage(chat.answers, chat.flow.deployment) == "urgent", "words heard keep the report urgent"


@pytest.mark.parametrize("said", ["tidak dalam bahaya", "Nomor darurat", "bahasa", "3"])
def test_look_alikes_and_option_labels_are_answers_not_alarms(chat: Chat, said: str) -> None:
    chat.send("halo")
    chat.send(said)
    assert not any(r.urgent for r in chat.replies)
    assert not chat.effects
