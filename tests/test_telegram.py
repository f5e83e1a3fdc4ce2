"""Telegram end to end: a real ``hotline serve``, Bot API updates posted to its webhook, and the
calls it makes checked at a local Bot API stand-in."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from tests.botapi import FakeBotAPI
from tests.telegram_harness import HOTLINE, Harness, backend, server_database

__all__ = ["backend"]  # the module's servers run once per database

pytestmark = pytest.mark.slow

BUTTON_PATH = [
    ("report", "Apakah Anda setuju?"),
    ("agree", "Siapa yang melapor?"),
    ("teacher", "Masalah apa yang dialami anak?"),
    ("putus-sekolah", "dalam bahaya sekarang"),
    ("no", "Berapa umur anak"),
    ("13-17", "Jenis kelamin anak"),
    ("male", "Di kecamatan mana"),
    ("33.75.01", "Kelurahan/desa mana"),
    ("k2", "Ada patokan"),
]


@pytest.fixture(scope="module")
async def api(backend: str | None) -> AsyncIterator[FakeBotAPI]:
    """A stand-in per database, so what one server sent never mixes with the other's."""
    stand_in = await FakeBotAPI().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="module")
async def server(
    api: FakeBotAPI, backend: str | None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Harness]:
    harness = await Harness(api, tmp_path_factory.mktemp("telegram"), database_url=backend).start()
    yield harness
    harness.stop()


async def press(server: Harness, chat: int, option: str, expect: str) -> None:
    """Press the button of ``option`` on the newest keyboard, as Telegram reports it."""
    api = server.api
    await api.wait_for(lambda: api.last_keyboard(chat), what="a keyboard")
    message_id, buttons = api.keyboard_message(chat)
    data = next(b["callback_data"] for b in buttons if b["callback_data"].endswith("|" + option))
    assert len(data.encode()) <= 64
    before = len(api.texts(chat))
    await server.send(server.updates.callback(chat, data, message_id=message_id))
    await api.wait_for(lambda: any(expect in t for t in api.texts(chat)[before:]), what=expect)


async def say(server: Harness, chat: int, text: str, expect: str) -> None:
    before = len(server.api.texts(chat))
    await server.send(server.updates.text(chat, text))
    await server.api.wait_for(lambda: any(expect in t for t in server.api.texts(chat)[before:]), what=expect)


async def test_startup_registers_commands_and_the_webhook(server: Harness) -> None:
    api = server.api
    await api.wait_for(lambda: [c for c in api.calls if c.method == "setWebhook"])
    commands = [c for c in api.calls if c.method == "setMyCommands"]
    names = {cmd["command"] for cmd in commands[0].params["commands"]}
    assert names == {"start", "menu", "batal", "bantuan", "status", "bahasa", "hapus"}
    assert {c.params.get("language_code") for c in commands} == {None, "en"}
    webhook = next(c for c in api.calls if c.method == "setWebhook")
    assert webhook.params["url"] == "https://hotline.example.test/webhook/telegram"
    assert webhook.params["secret_token"] == "webhook-secret_for-tests-123"


async def test_a_whole_report_by_pressing_buttons(server: Harness) -> None:
    chat = 5001
    await say(server, chat, "/start", "Apa yang ingin Anda lakukan?")
    for option, expect in BUTTON_PATH:
        await press(server, chat, option, expect)
    await say(server, chat, "dekat SD <Negeri> 2 & pasar", "Ceritakan apa yang terjadi")
    await say(server, chat, "Sudah 3 bulan tidak sekolah, <b>disuruh</b> jaga warung & adik.", "Tersimpan")
    await press(server, chat, "done", "tetap anonim")
    await press(server, chat, "anonymous", "Periksa laporan Anda")
    review = server.api.texts(chat)[-1]
    assert "&lt;b&gt;disuruh&lt;/b&gt; jaga warung &amp; adik" in review, "reporter text is escaped"
    assert "dekat SD &lt;Negeri&gt; 2 &amp; pasar" in review
    await press(server, chat, "submit", "Nomor laporan")
    rows = server.query("SELECT category, age_band, sex, region_code, channel FROM reports")
    assert ("putus-sekolah", "13-17", "male", "33.75.01", "telegram") in rows
    api = server.api
    answered = [c for c in api.calls if c.method == "answerCallbackQuery"]
    removed = api.to_chat(chat, "editMessageReplyMarkup")
    assert len(answered) >= len(BUTTON_PATH) + 3 and len(removed) >= len(BUTTON_PATH) + 3
    assert all(c.params["reply_markup"] == {"inline_keyboard": []} for c in removed)


async def test_a_whole_report_by_typing(server: Harness) -> None:
    chat = 5002
    steps = [
        ("/start", "Apa yang ingin Anda lakukan?"),
        ("1", "Apakah Anda setuju?"),
        ("setuju, lanjut", "Siapa yang melapor?"),
        ("orang tua", "Masalah apa"),
        ("anak saya dipukul ayah tirinya", "Apakah masalahnya: Kekerasan fisik?"),
        ("ya", "dalam bahaya sekarang"),
        ("tidak", "Berapa umur"),
        ("8", "Jenis kelamin"),
        ("perempuan", "Di kecamatan mana"),
        ("timur", "Kelurahan/desa mana di Kecamatan Pekalongan Timur?"),
        ("Setono", "Ada patokan"),
        ("lewati", "Yang sudah Anda tulis tadi juga tersimpan"),
        ("Sering dipukul pakai gagang sapu.", "Tersimpan"),
        ("selesai", "tetap anonim"),
        ("0812 1111 2222", "Periksa laporan"),
        ("kirim laporan", "Nomor laporan"),
    ]
    for text, expect in steps:
        await say(server, chat, text, expect)
    rows = server.query("SELECT category, urgency FROM reports WHERE category = 'fisik'")
    assert rows == [("fisik", "high")]


async def test_a_shared_location_answers_the_kecamatan(server: Harness) -> None:
    chat = 5003
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in BUTTON_PATH[:7]:
        await press(server, chat, option, expect)
    before = len(server.api.texts(chat))
    await server.send(server.updates.location(chat, -6.8660, 109.6890))
    await server.api.wait_for(lambda: len(server.api.texts(chat)) >= before + 2)
    assert "Lokasi diterima: Kecamatan Pekalongan Utara." in server.api.texts(chat)[before]
    assert "Kelurahan/desa mana di Kecamatan Pekalongan Utara?" in server.api.texts(chat)[-1]


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraMerekRahasia"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


async def test_a_photo_and_a_voice_note_are_kept_encrypted(server: Harness) -> None:
    chat = 5004
    photo, voice = jpeg_with_gps(), b"OggS" + b"\x00" * 400
    server.api.files.update({"photo-5004": photo, "voice-5004": voice})
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in BUTTON_PATH:
        await press(server, chat, option, expect)
    await press(server, chat, "skip", "Ceritakan")
    await server.send(server.updates.photo(chat, "photo-5004", len(photo)))
    await server.api.wait_for(lambda: any("Foto diterima" in t for t in server.api.texts(chat)))
    await server.send(server.updates.voice(chat, "voice-5004", len(voice)))
    await server.api.wait_for(lambda: any("Pesan suara diterima" in t for t in server.api.texts(chat)))
    downloads = [c.params["file_id"] for c in server.api.calls if c.method == "getFile"]
    assert "photo-5004" in downloads and "voice-5004" in downloads
    rows = server.query("SELECT kind, size, original, display FROM attachments ORDER BY id")
    kinds = {r[0]: r for r in rows}
    assert kinds["photo"][1] == len(photo) and kinds["voice"][1] == len(voice)
    assert b"KameraMerekRahasia" not in kinds["photo"][2] and photo[:100] not in kinds["photo"][2]
    assert kinds["photo"][3] is not None, "a display copy exists (sealed)"
    assert kinds["voice"][3] is None


async def test_a_sticker_gets_a_please_type(server: Harness) -> None:
    chat = 5005
    await say(server, chat, "/start", "Apa yang ingin")
    before = len(server.api.texts(chat))
    await server.send(server.updates.sticker(chat))
    await server.api.wait_for(lambda: len(server.api.texts(chat)) > before)
    assert "belum bisa saya baca" in server.api.texts(chat)[-1]


async def test_an_edited_message_is_answered_kindly(server: Harness) -> None:
    chat = 5006
    await server.send(server.updates.edited(chat, "ralat"))
    texts = await server.api.wait_texts(chat, 1)
    assert "Pesan yang diubah tidak kami baca ulang" in texts[0]


async def test_a_group_gets_a_notice_and_the_bot_leaves(server: Harness) -> None:
    group = -100777
    response = await server.post(server.updates.group_message(group, 5007, "halo bot"))
    assert response.status_code == 200
    await server.api.wait_for(lambda: server.api.to_chat(group, "leaveChat"))
    assert "hanya bekerja di obrolan pribadi" in server.api.texts(group)[0]
    assert not server.query("SELECT 1 FROM conversations WHERE channel = 'telegram-group'")


async def test_a_channel_post_and_being_added_to_a_group_make_the_bot_leave(server: Harness) -> None:
    channel, group = -100888, -100999
    assert (await server.post(server.updates.channel_post(channel))).status_code == 200
    added = server.updates.my_chat_member(
        {"id": group, "type": "supergroup", "title": "G"}, 5008, "left", "member"
    )
    assert (await server.post(added)).status_code == 200
    await server.api.wait_for(lambda: server.api.to_chat(channel, "leaveChat"))
    await server.api.wait_for(lambda: server.api.to_chat(group, "leaveChat"))


async def test_an_old_keyboard_does_nothing_harmful(server: Harness) -> None:
    chat = 5009
    await say(server, chat, "/start", "Apa yang ingin")
    await press(server, chat, "report", "Apakah Anda setuju?")
    await press(server, chat, "agree", "Siapa yang melapor?")
    before = len(server.api.texts(chat))
    await server.send(server.updates.callback(chat, "q|consent|decline"))
    await server.api.wait_for(lambda: len(server.api.texts(chat)) > before)
    assert "sudah tidak berlaku" in server.api.texts(chat)[-1]
    conversation_state = server.query("SELECT state FROM conversations ORDER BY updated_at DESC LIMIT 1")
    assert conversation_state == [("role",)]


async def test_the_webhook_refuses_a_wrong_or_missing_secret(server: Harness) -> None:
    before = server.query("SELECT count(*) FROM inbox_updates")
    update = server.updates.text(5010, "/start")
    assert (await server.post(update, secret=None)).status_code == 401
    assert (await server.post(update, secret="wrong")).status_code == 401
    assert server.query("SELECT count(*) FROM inbox_updates") == before
    assert (await server.post({"not": "an update"})).status_code == 400


async def test_the_same_update_twice_has_one_effect(server: Harness) -> None:
    chat = 5011
    update = server.updates.text(chat, "/start")
    for _ in range(3):
        assert (await server.post(update)).status_code == 200
    await server.api.wait_texts(chat, 1)
    await server.idle()
    assert len(server.api.texts(chat)) == 1
    rows = server.query("SELECT count(*) FROM inbox_updates WHERE update_id = ?", str(update["update_id"]))
    assert rows == [(1,)]


async def test_every_kind_of_update_gets_a_2xx(server: Harness) -> None:
    chat = 5012
    kinds = [
        server.updates.text(chat, "halo"),
        server.updates.sticker(chat),
        server.updates.edited(chat, "x"),
        server.updates.location(chat, -6.9, 109.6),
        server.updates.callback(chat, "rubbish-data"),
        server.updates.callback(chat, "ack|999999"),
        server.updates.group_message(-100123, chat, "x"),
        server.updates.channel_post(-100124),
        server.updates.my_chat_member(
            {"id": chat, "type": "private", "first_name": "P"}, chat, "member", "kicked"
        ),
        {
            "update_id": 999_999_001,
            "poll": {
                "id": "p",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            },
        },
        {"update_id": 999_999_002, "something_new": {"field": 1}},
    ]
    for update in kinds:
        response = await server.post(update)
        assert response.status_code == 200, update


async def test_an_update_the_parser_cannot_read_is_set_aside_without_blocking_the_chat(
    server: Harness,
) -> None:
    chat = 5020
    broken = {"update_id": 999_999_010, "message": {"message_id": 1, "chat": {"id": chat, "type": "private"}}}
    assert (await server.post(broken)).status_code == 200
    await say(server, chat, "/start", "Apa yang ingin Anda lakukan?")
    rows = await server.api.wait_for(
        lambda: server.query(
            "SELECT last_error FROM inbox_updates WHERE update_id = '999999010' AND processed_at IS NOT NULL"
        ),
        what="the unreadable update set aside",
    )
    assert rows == [("unreadable",)]
    log = (server.folder / "serve.log").read_text()
    assert "set aside: the parser cannot read it" in log


async def test_deep_links_record_the_outreach_source(server: Harness) -> None:
    chat, stranger = 5013, 5014
    await say(server, chat, "/start sekolah", "Apa yang ingin")
    await say(server, stranger, "/start nama-orang-123", "Apa yang ingin")
    for who in (chat, stranger):
        for option, expect in [*BUTTON_PATH, ("skip", "Ceritakan")]:
            await press(server, who, option, expect)
        await say(server, who, "Tidak sekolah lagi sejak tahun lalu.", "Tersimpan")
        await press(server, who, "done", "tetap anonim")
        await press(server, who, "anonymous", "Periksa laporan")
        await press(server, who, "submit", "Nomor laporan")
    sources = server.query("SELECT source FROM reports WHERE source IS NOT NULL")
    assert sources == [("sekolah",)]
    assert not server.query("SELECT 1 FROM reports WHERE source = 'nama-orang-123'")


async def test_hapus_deletes_the_chat_and_the_address(server: Harness) -> None:
    chat = 5015
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in [*BUTTON_PATH, ("skip", "Ceritakan")]:
        await press(server, chat, option, expect)
    await say(server, chat, "Dia dipaksa kerja di pabrik.", "Tersimpan")
    await press(server, chat, "done", "tetap anonim")
    await press(server, chat, "anonymous", "Periksa laporan")
    await press(server, chat, "submit", "Nomor laporan")
    addresses_before = server.query("SELECT count(*) FROM delivery_addresses")[0][0]
    inbound = server.updates.text(chat, "/hapus")
    await server.send(inbound)
    await server.api.wait_for(lambda: any("sudah dihapus" in t for t in server.api.texts(chat)))
    deleted = {c.params["message_id"] for c in server.api.to_chat(chat, "deleteMessage")}
    bot_messages = {c.result["message_id"] for c in server.api.to_chat(chat, "sendMessage")[:-1]}
    assert inbound["message"]["message_id"] in deleted, "the reporter's own messages are deleted"
    assert bot_messages <= deleted, "and every message the bot sent before"
    assert server.query("SELECT count(*) FROM delivery_addresses")[0][0] == addresses_before - 1
    assert server.query("SELECT count(*) FROM reports WHERE channel = 'telegram'")[0][0] >= 1


async def test_an_officer_links_gets_the_urgent_case_and_takes_it(server: Harness) -> None:
    officer_chat, stranger_chat, reporter = 6001, 6002, 5016
    server.hotline("user", "add", "--username", "siti", "--name", "Siti Rahma", "--role", "officer")
    server.hotline("roster", "add", "siti", "--days", "all", "--from", "00:00", "--to", "24:00")
    output = server.hotline("officer", "link-code", "siti")
    code = output.strip().rsplit(" ", 1)[1]
    await say(server, officer_chat, f"/petugas {code}", "terhubung dengan petugas Siti Rahma")
    await say(server, stranger_chat, "/petugas ABCD-EFGH", "Kode tidak berlaku")
    await say(server, reporter, "/start", "Apa yang ingin")
    for option, expect in BUTTON_PATH[:4]:
        await press(server, reporter, option, expect)
    await press(server, reporter, "yes", "Berapa umur")
    alert = await server.api.wait_for(
        lambda: [t for t in server.api.texts(officer_chat) if t.startswith("DARURAT")], within=5
    )
    assert "PKSAI-2026-" in alert[0] and "Putus sekolah" in alert[0]
    assert "tidak sekolah" not in alert[0].casefold()
    button = server.api.last_keyboard(officer_chat)[0]
    assert button["text"] == "Terima" and button["callback_data"].startswith("ack|")
    report_id = int(button["callback_data"].split("|")[1])

    await server.send(server.updates.callback(stranger_chat, button["callback_data"]))
    await server.api.wait_for(
        lambda: [
            c
            for c in server.api.calls
            if c.method == "answerCallbackQuery" and "tidak berwenang" in c.params.get("text", "")
        ]
    )
    officer_id = server.query("SELECT id FROM officers WHERE username = 'siti'")[0][0]
    routed = server.query("SELECT status, assignee_id, acknowledged_at FROM reports WHERE id = ?", report_id)
    assert routed == [("baru", officer_id, None)], "routed to siti on duty; the stranger changed nothing"

    await server.send(server.updates.callback(officer_chat, button["callback_data"]))
    await server.api.wait_for(
        lambda: any("diterima oleh Siti Rahma" in t for t in server.api.texts(officer_chat))
    )
    status, assignee, acknowledged = server.query(
        "SELECT status, assignee_id, acknowledged_at FROM reports WHERE id = ?", report_id
    )[0]
    assert (status, assignee) == ("diterima", officer_id) and acknowledged is not None
    audit = server.query(
        "SELECT action, officer_id FROM audit_log WHERE report_id = ? ORDER BY id", report_id
    )
    assert ("acknowledge", officer_id) in audit

    server.hotline(
        "officer",
        "reply",
        server.query("SELECT reference FROM reports WHERE id = ?", report_id)[0][0],
        "--as",
        "siti",
        "Kami segera ke lokasi. Tetap di tempat aman.",
    )
    await server.api.wait_for(lambda: any("Kami segera ke lokasi" in t for t in server.api.texts(reporter)))


async def test_429_then_5xx_then_timeouts_deliver_every_message_once(server: Harness) -> None:
    chat = 7001
    api = server.api
    api.failures[str(chat)] = ["429:1", "500", "502", "timeout", "timeout"]
    await server.send(server.updates.text(chat, "/start"))
    await server.send(server.updates.text(chat, "1"))
    await api.wait_for(lambda: len(api.texts(chat)) >= 2, within=30, what="both replies")
    await server.idle()
    texts = api.texts(chat)
    assert len(texts) == 2, "each message delivered exactly once"
    assert "Apa yang ingin Anda lakukan?" in texts[0] and "Apakah Anda setuju?" in texts[1]
    tries = [c for c in api.attempts if str(c.params.get("chat_id")) == str(chat)]
    assert len(tries) == 7, "5 failures, then the two messages"
    assert tries[1].at - tries[0].at >= 1.0, "429's retry_after is honoured"
    assert all(t.params["text"] == tries[0].params["text"] for t in tries[:6]), "in order"


async def test_a_blocked_bot_stops_delivery_and_the_case_says_so(server: Harness) -> None:
    chat = 7002
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in [*BUTTON_PATH, ("skip", "Ceritakan")]:
        await press(server, chat, option, expect)
    await say(server, chat, "Anak itu ditinggal sendirian berhari-hari.", "Tersimpan")
    await press(server, chat, "done", "tetap anonim")
    await press(server, chat, "anonymous", "Periksa laporan")
    await press(server, chat, "submit", "Nomor laporan")
    server.api.failures[str(chat)] = ["403"]
    await server.send(server.updates.text(chat, "menu"))
    blocked = await server.api.wait_for(
        lambda: server.query(
            "SELECT d.blocked_at, e.kind FROM delivery_addresses d JOIN case_events e "
            "ON e.report_id = d.report_id AND e.kind = 'reporter_blocked' WHERE d.blocked_at IS NOT NULL"
        ),
        what="the address marked blocked",
    )
    assert blocked[0][1] == "reporter_blocked"
    assert (
        server.query("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND last_error = '403'")[0][0]
        >= 1
    )


@pytest.fixture
async def own_api() -> AsyncIterator[FakeBotAPI]:
    """A stand-in for one test that runs its own server."""
    stand_in = await FakeBotAPI().start()
    yield stand_in
    await stand_in.stop()


async def test_killing_the_server_between_updates_loses_nothing(
    own_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    api = own_api
    harness = await Harness(api, tmp_path, database_url=server_database(database_url)).start()
    chat = 7003
    try:
        await say(harness, chat, "/start", "Apa yang ingin")
        for option, expect in BUTTON_PATH[:3]:
            await press(harness, chat, option, expect)
        harness.kill()
        harness = await Harness(
            api, tmp_path, port=harness.port, updates=harness.updates, database_url=harness.database_url
        ).start()
        await press(harness, chat, "putus-sekolah", "dalam bahaya sekarang")
        await press(harness, chat, "no", "Berapa umur")
        state = harness.query("SELECT state FROM conversations")
        assert state == [("age",)]
    finally:
        harness.stop()


async def test_a_photo_over_the_size_limit_is_refused_kindly(server: Harness) -> None:
    chat = 7004
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in [*BUTTON_PATH, ("skip", "Ceritakan")]:
        await press(server, chat, option, expect)
    await server.send(server.updates.photo(chat, "huge-7004", 30 * 1024 * 1024))
    await server.api.wait_for(lambda: any("terlalu besar" in t for t in server.api.texts(chat)))
    assert not [c for c in server.api.calls if c.params.get("file_id") == "huge-7004"]


async def test_logs_hold_no_message_text_or_token(server: Harness) -> None:
    log = (server.folder / "serve.log").read_text()
    assert "PKSAI Kota Pekalongan" in log, "the log is the server's"
    for secret in ("123456:TEST-token", "webhook-secret_for-tests", "dipukul ayah tirinya", "0812 1111 2222"):
        assert secret not in log


async def test_long_polling_feeds_the_same_inbox(
    own_api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    api = own_api
    harness = Harness(api, tmp_path, database_url=server_database(database_url))
    harness.port = 1
    env = harness.env()
    process = await asyncio.create_subprocess_exec(
        HOTLINE,
        "telegram-poll",
        env=env,
        cwd=str(tmp_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    chat = 7005
    try:
        await api.wait_for(
            lambda: [c for c in api.calls if c.method == "deleteWebhook"], what="deleteWebhook"
        )
        api.pending_updates.append(harness.updates.text(chat, "/start"))
        await api.wait_for(lambda: api.texts(chat), within=20, what="a reply by polling")
        assert "Apa yang ingin Anda lakukan?" in api.texts(chat)[0]
        api.pending_updates.append(harness.updates.text(chat, "1"))
        await api.wait_for(lambda: len(api.texts(chat)) >= 2, within=20)
        assert "Apakah Anda setuju?" in api.texts(chat)[1]
    finally:
        process.terminate()
        await process.wait()


async def test_danger_typed_in_telegram_brings_the_numbers_and_an_urgent_report(server: Harness) -> None:
    chat = 5090
    await say(server, chat, "/start", "Apa yang ingin Anda lakukan?")
    before = len(server.api.texts(chat))
    await say(server, chat, "tlg aku dlm bahaya skrg", "112")
    alarm = server.api.texts(chat)[before]
    assert "129" in alarm and "08111129129" in alarm, "the numbers come first"
    await server.api.wait_for(lambda: "Apa yang ingin Anda lakukan?" in server.api.texts(chat)[-1])
    rows = server.query("SELECT urgency, complete, channel FROM reports WHERE channel = 'telegram'")
    assert ("urgent", 0, "telegram") in rows
