"""Telegram pieces without a network: rendering, callback data, updates, photos, case rules."""

from __future__ import annotations

import html
import io
from types import SimpleNamespace

import pytest
from PIL import Image

from bot.telegram.render import TEXT_LIMIT, send_message_calls, split_text
from bot.telegram.updates import interpret, parse, question_data
from flows import inbound as ev
from flows.access import may_handle
from flows.complaint import ComplaintFlow
from flows.conversation import Conversation
from flows.machine import STATES
from flows.outbound import Option, Reply
from storage.images import ImageRejected, display_copy
from tests.botupdates import Updates
from tests.chat import Chat
from tests.conftest import FakeClock


def test_long_replies_are_split_under_the_limit_after_escaping() -> None:
    story = "Dia bilang <jangan lapor> & diam.\n" * 400
    calls = send_message_calls(42, [Reply(story, (Option("submit", "Kirim"),), question="review")])
    assert len(calls) > 1
    assert all(len(c["text"]) <= TEXT_LIMIT for c in calls)
    assert "".join(html.unescape(c["text"]) for c in calls).replace("\n", "") == story.replace("\n", "")
    assert "reply_markup" in calls[-1] and all("reply_markup" not in c for c in calls[:-1])
    assert split_text("kort") == ["kort"]


def test_every_button_of_every_question_fits_in_64_bytes(flow: ComplaintFlow, clock: FakeClock) -> None:
    for state in STATES:
        chat = Chat(
            flow,
            clock,
            Conversation(
                state=state,
                answers={
                    "region": "33.75.01",
                    "suggested": "fisik",
                    "region_guess": "33.75.02",
                    "kelurahan_guess": "Pringrejo",
                    "kelurahan_typed": "pringrej",
                },
            ),
        )
        chat.conv.verified_reference = "PKSAI-2026-000001"
        chat.send("bantuan")
        for reply in chat.replies:
            for option in reply.options:
                assert len(question_data(reply.question, option.id).encode()) <= 64


def test_a_button_of_an_earlier_question_is_refused(flow: ComplaintFlow, clock: FakeClock) -> None:
    chat = Chat(flow, clock)
    chat.reach("danger")
    chat.send(ev.Choice("yes", asked_in="category_confirm"))
    assert chat.state == "danger" and "danger" not in chat.answers
    assert "sudah tidak berlaku" in chat.text


def test_updates_are_interpreted() -> None:
    updates = Updates()
    text = interpret(parse(updates.text(9, "halo")))
    assert (text.action, text.chat_id, text.events) == ("reporter", 9, [ev.Text("halo")])
    link = interpret(parse(updates.text(9, "/petugas ABCD-1234")))
    assert (link.action, link.argument) == ("officer_link", "ABCD-1234")
    press = interpret(parse(updates.callback(9, "q|danger|yes")))
    assert press.events == [ev.Choice("yes", asked_in="danger")] and press.callback_id
    photo = interpret(parse(updates.photo(9, "big", 5000)))
    assert photo.media is not None and (photo.media.kind, photo.media.file_id) == ("photo", "big")
    assert interpret(parse(updates.sticker(9))).events == [ev.Unsupported("sticker")]
    assert interpret(parse(updates.group_message(-5, 9, "x"))).action == "leave_group"
    assert interpret(parse(updates.channel_post(-6))).action == "leave_channel"
    kicked = updates.my_chat_member({"id": 9, "type": "private", "first_name": "P"}, 9, "member", "kicked")
    assert interpret(parse(kicked)).action == "blocked"


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PabrikKamera"
    exif[0x8825] = {1: "S", 2: (6.0, 53.0, 0.0), 3: "E", 4: (109.0, 40.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_display_copies_carry_no_metadata() -> None:
    original = jpeg()
    assert b"PabrikKamera" in original
    copy = display_copy(original)
    assert b"PabrikKamera" not in copy
    with Image.open(io.BytesIO(copy)) as image:
        assert not image.getexif() and image.size == (40, 30)


def test_undecodable_or_huge_images_are_refused() -> None:
    with pytest.raises(ImageRejected):
        display_copy(b"\xff\xd8 bukan gambar")
    buffer = io.BytesIO()
    Image.new("L", (8000, 6000)).save(buffer, format="PNG")
    with pytest.raises(ImageRejected, match="pixel limit"):
        display_copy(buffer.getvalue())


@pytest.mark.parametrize(
    ("role", "unit", "assignee", "allowed"),
    [
        ("officer", 1, None, True),
        ("officer", 1, 7, True),
        ("officer", 1, 8, False),
        ("officer", 2, None, False),
        ("supervisor", 1, 8, True),
        ("supervisor", 2, None, False),
        ("admin", 1, None, False),
    ],
)
def test_who_may_handle_a_case(role: str, unit: int, assignee: int | None, allowed: bool) -> None:
    officer = SimpleNamespace(id=7, unit_id=unit, role=role, active=True)
    report = SimpleNamespace(unit_id=1, assignee_id=assignee)
    assert may_handle(officer, report) is allowed
