"""The questions of a report, one handler each: read the answer, store it, move on.

A handler either stores an answer and advances, or re-asks with a kind explanation; it never drops
what the reporter already gave.
"""

from __future__ import annotations

from collections.abc import Callable

from flows import inbound as ev
from flows.alarm import BUTTON, file_urgent, show_numbers
from flows.hints import closest_name
from flows.i18n import N_
from flows.keys import MEDIA_SAVED
from flows.outbound import SubmitReport
from flows.report import age_band
from flows.story import STORY_ATTACHMENT_LIMIT, STORY_MESSAGE_LIMIT, fits, is_sentence, keep_story
from flows.turn import SHORT_TEXT_LIMIT, Turn
from flows.understanding import has_words, parse_age, parse_phone

KELURAHAN_LIMIT = 80

COORD_DECIMALS = 4
"""About 11 m: enough to find a house, and every channel stores no more than that."""

Handler = Callable[[Turn, ev.Event], None]


def rounded(location: ev.Location) -> list[float]:
    return [round(location.lat, COORD_DECIMALS), round(location.lon, COORD_DECIMALS)]


def typed(turn: Turn, event: ev.Event) -> str | None:
    """Free text that is not one of the current options, or None."""
    if isinstance(event, ev.Text) and not turn.is_option(event.text):
        return event.text.strip()
    return None


def on_consent(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    conv = turn.conv
    if choice == "agree":
        conv.answers["consent"] = True
        pending = conv.answers.pop("pending_story", None)
        if pending:
            keep_story(conv.answers, pending)
        turn.advance()
    elif choice == "decline":
        conv.clear_draft()
        turn.move("decline", before=turn.t("consent.declined"))


def on_role(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    if choice is not None:
        turn.conv.answers["role"] = choice
        turn.advance()


def on_category(turn: Turn, event: ev.Event) -> None:
    text = typed(turn, event)
    if text is not None:
        category_from_text(turn, text)
        return
    choice = turn.chosen(event)
    if choice is not None:
        turn.conv.answers["category"] = choice
        turn.conv.answers.pop("hint", None)
        turn.advance()


def category_from_text(turn: Turn, text: str) -> None:
    """ "dipukul ayahnya" suggests kekerasan fisik; a longer story is kept for later."""
    answers = turn.conv.answers
    suggestion = turn.reading.categories.suggest(text)
    if suggestion is not None:
        if fits(answers, text):
            keep_story(answers, text)
        answers["suggested"] = suggestion.category.code
        answers["suggested_words"] = list(suggestion.words)
        turn.move("suggest")
    elif is_sentence(text) and fits(answers, text):
        keep_story(answers, text)
        turn.reprompt("category.noted")
    else:
        turn.not_understood(text)


def on_category_confirm(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    answers = turn.conv.answers
    if choice == "yes":
        answers["category"] = answers.pop("suggested")
        answers["hint"] = {"category": answers["category"], "words": answers.pop("suggested_words", [])}
        turn.advance()
    elif choice == "other":
        answers.pop("suggested", None)
        answers.pop("suggested_words", None)
        turn.move("reject")


def on_danger(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    if choice is None:
        return
    conv = turn.conv
    conv.answers["danger"] = choice
    if choice == "yes":
        show_numbers(turn, N_("danger.now"))
        file_urgent(turn, BUTTON)
    turn.advance()


def on_age(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    text = typed(turn, event)
    if text is not None:
        age = parse_age(text)
        if not text:
            turn.reprompt("input.empty")
        elif age is None and turn.keep_for_story(text):
            turn.reprompt("input.kept_for_story")
        elif age is None:
            turn.reprompt("age.not_understood")
        elif age >= 18:
            turn.reprompt("age.adult")
        else:
            answers["age"], answers["age_band"] = age, age_band(age)
            turn.advance()
        return
    choice = turn.chosen(event)
    if choice is not None:
        answers["age"], answers["age_band"] = None, choice
        turn.advance()


def on_sex(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    if choice is not None:
        turn.conv.answers["sex"] = choice
        turn.advance()


def set_region(turn: Turn, code: str) -> None:
    answers = turn.conv.answers
    if answers.get("region") != code:
        answers.pop("kelurahan", None)
        answers.pop("kelurahan_answered", None)
    answers["region"] = code


def on_kecamatan(turn: Turn, event: ev.Event) -> None:
    if isinstance(event, ev.Location):
        region = turn.deployment.nearest_region(event.lat, event.lon)
        turn.conv.answers["coords"] = rounded(event)
        set_region(turn, region.code)
        turn.say("location.matched", kecamatan=region.name)
        turn.advance()
        return
    text = typed(turn, event)
    regions = {r.name: r.code for r in turn.deployment.regions.values()}
    guess = closest_name(text, list(regions)) if text else None
    if guess is not None:
        turn.conv.answers["region_guess"] = regions[guess]
        turn.move("guess_kecamatan")
        return
    choice = turn.chosen(event)
    if choice is not None:
        set_region(turn, choice)
        turn.advance()


def on_kecamatan_confirm(turn: Turn, event: ev.Event) -> None:
    """ "pekalongan timr": "Maksud Anda Kecamatan Pekalongan Timur?" """
    choice = turn.chosen(event)
    answers = turn.conv.answers
    if choice == "yes":
        set_region(turn, answers.pop("region_guess"))
        turn.advance()
    elif choice == "no":
        answers.pop("region_guess", None)
        turn.move("reject")


def on_kelurahan(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    if isinstance(event, ev.Location):
        answers["coords"] = rounded(event)
        turn.reprompt("location.saved")
        return
    text = typed(turn, event)
    if text is not None and has_words(text) and not text.isdigit():
        if len(text) > KELURAHAN_LIMIT:
            turn.reprompt("input.too_long", limit=KELURAHAN_LIMIT)
            return
        region = turn.deployment.regions.get(answers.get("region") or "")
        guess = closest_name(text, region.kelurahan) if region else None
        if guess is not None:
            answers["kelurahan_guess"], answers["kelurahan_typed"] = guess, text
            turn.move("guess_kelurahan")
            return
        answers["kelurahan"], answers["kelurahan_answered"] = text, True
        turn.advance()
        return
    choice = turn.chosen(event)
    if choice is None:
        return
    labels = {o.id: o.label for o in turn.options()}
    answers["kelurahan"] = None if choice == "skip" else labels[choice]
    answers["kelurahan_answered"] = True
    turn.advance()


def on_kelurahan_confirm(turn: Turn, event: ev.Event) -> None:
    """ "krapyk": "Maksud Anda Krapyak?"; "Bukan" keeps the name as it was typed."""
    choice = turn.chosen(event)
    answers = turn.conv.answers
    if choice is None:
        return
    guess, typed_name = answers.pop("kelurahan_guess", None), answers.pop("kelurahan_typed", None)
    answers["kelurahan"] = guess if choice == "yes" else typed_name
    answers["kelurahan_answered"] = True
    turn.advance()


def on_landmark(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    if isinstance(event, ev.Location):
        answers["coords"] = rounded(event)
        answers["landmark_answered"] = True
        turn.say("location.saved")
        turn.advance()
        return
    text = typed(turn, event)
    if text is None:
        if turn.chosen(event) == "skip":
            answers["landmark"], answers["landmark_answered"] = None, True
            turn.advance()
    elif not text:
        turn.reprompt("input.empty")
    elif not any(ch.isalpha() for ch in text):
        turn.reprompt("landmark.words")
    elif len(text) > SHORT_TEXT_LIMIT:
        turn.reprompt("input.too_long", limit=SHORT_TEXT_LIMIT)
    else:
        answers["landmark"], answers["landmark_answered"] = text, True
        turn.advance()


def on_story(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    if isinstance(event, ev.Media):
        files = answers.setdefault("attachments", [])
        if len(files) >= STORY_ATTACHMENT_LIMIT:
            turn.reprompt("story.too_many_files", limit=STORY_ATTACHMENT_LIMIT)
            return
        files.append({"kind": event.kind, "ref": event.ref})
        answers.pop("story_done", None)
        answers["story_started"] = True
        turn.reprompt(MEDIA_SAVED.get(event.kind, MEDIA_SAVED["document"]))
        return
    if isinstance(event, ev.Location):
        answers["coords"] = rounded(event)
        turn.reprompt("location.saved")
        return
    text = typed(turn, event)
    if text is not None:
        story_text(turn, text)
        return
    choice = turn.chosen(event)
    if choice == "done":
        if not answers.get("story") and not answers.get("attachments"):
            turn.reprompt("story.empty")
            return
        answers["story_done"] = answers["story_started"] = True
        turn.advance()
    elif choice == "clear":
        answers["story"], answers["attachments"] = [], []
        answers.pop("story_done", None)
        turn.reprompt("story.cleared")


def story_text(turn: Turn, text: str) -> None:
    answers = turn.conv.answers
    story = answers.get("story", [])
    if turn.refused(text, STORY_MESSAGE_LIMIT, N_("story.message_too_long")):
        return
    if not fits(answers, text):
        turn.reprompt("story.full")
    else:
        answers["story"] = [*story, text]
        answers.pop("story_done", None)
        answers["story_started"] = True
        turn.reprompt("story.saved")


def on_contact(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    text = typed(turn, event)
    phone = parse_phone(text, turn.deployment.hotline.phone_region) if text else None
    if phone is not None:
        answers["contact"], answers["phone"] = "phone", phone
        answers.pop("phone_pending_edit", None)
        turn.advance()
        return
    choice = turn.chosen(event)
    if choice is None:
        return
    answers["contact"] = choice
    if choice == "anonymous" or answers.pop("phone_pending_edit", None):
        answers.pop("phone", None)
    turn.advance()


def on_phone(turn: Turn, event: ev.Event) -> None:
    answers = turn.conv.answers
    text = typed(turn, event)
    if text is not None:
        phone = parse_phone(text, turn.deployment.hotline.phone_region)
        if not text:
            turn.reprompt("input.empty")
        elif phone is None:
            turn.reprompt("phone.invalid")
        else:
            answers["phone"] = phone
            turn.advance()
        return
    if turn.chosen(event) == "anonymous":
        answers["contact"] = "anonymous"
        answers.pop("phone", None)
        turn.advance()


def on_review(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    conv = turn.conv
    if choice == "submit":
        draft = turn.draft(complete=True)
        turn.out.effects.append(SubmitReport(draft, conv.urgent_report_id))
    elif choice == "edit":
        turn.move("edit")
    elif choice == "cancel":
        conv.cancel_from = conv.state
        turn.move("ask_cancel")


def on_edit_menu(turn: Turn, event: ev.Event) -> None:
    choice = turn.chosen(event)
    conv = turn.conv
    if choice is None:
        return
    if choice == "review":
        turn.move("back")
        return
    conv.editing = True
    if choice == "contact":
        conv.answers["phone_pending_edit"] = True
    turn.move(f"edit_{choice}")


STEP_HANDLERS: dict[str, Handler] = {
    "consent": on_consent,
    "role": on_role,
    "category": on_category,
    "category_confirm": on_category_confirm,
    "danger": on_danger,
    "age": on_age,
    "sex": on_sex,
    "kecamatan": on_kecamatan,
    "kecamatan_confirm": on_kecamatan_confirm,
    "kelurahan": on_kelurahan,
    "kelurahan_confirm": on_kelurahan_confirm,
    "landmark": on_landmark,
    "story": on_story,
    "contact": on_contact,
    "phone": on_phone,
    "review": on_review,
    "edit_menu": on_edit_menu,
}
