"""Telegram end to end, the reporter's side: a real ``hotline serve``, Bot API updates posted to its
webhook, and the calls it makes checked at a local Bot API stand-in."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.telegram_harness import BUTTON_PATH, Harness, api, backend, press, say, server

__all__ = ["api", "backend", "server"]  # the module's servers run once per database

pytestmark = pytest.mark.slow


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
    answered = [a for a in server.answers if a["method"] == "answerCallbackQuery"]
    removed = api.to_chat(chat, "editMessageReplyMarkup")
    assert len(answered) >= len(BUTTON_PATH) + 3 and len(removed) >= len(BUTTON_PATH) + 3
    assert all(set(a) == {"method", "callback_query_id"} for a in answered), "answered in the response"
    assert not [c for c in api.calls if c.method == "answerCallbackQuery"], "not with a call of its own"
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


async def test_a_photo_over_the_size_limit_is_refused_kindly(server: Harness) -> None:
    chat = 7004
    await say(server, chat, "/start", "Apa yang ingin")
    for option, expect in [*BUTTON_PATH, ("skip", "Ceritakan")]:
        await press(server, chat, option, expect)
    await server.send(server.updates.photo(chat, "huge-7004", 30 * 1024 * 1024))
    await server.api.wait_for(lambda: any("terlalu besar" in t for t in server.api.texts(chat)))
    assert not [c for c in server.api.calls if c.params.get("file_id") == "huge-7004"]


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
