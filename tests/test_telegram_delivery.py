"""Telegram end to end, delivery: the webhook's guarantees, the outbox against a failing Bot API,
officers linking their chats, restarts and long polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.botapi import TOKEN, FakeBotAPI
from tests.telegram_harness import (
    BUTTON_PATH,
    HOTLINE,
    SECRET,
    Harness,
    api,
    backend,
    press,
    say,
    server,
    server_database,
)

__all__ = ["api", "backend", "server"]  # the module's servers run once per database

pytestmark = pytest.mark.slow


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
    replies = server.query("SELECT actor FROM audit_log WHERE report_id = ? AND action = 'reply'", report_id)
    assert replies == [("cli",)], "the audit trail says the reply came from the command line"


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


async def test_logs_hold_no_message_text_or_token(server: Harness) -> None:
    chat = 918273645
    await say(server, chat, "/start", "Apa yang ingin")
    before = len(server.api.texts(chat))
    await server.send(server.updates.text(chat, "anak tetangga dipukul ayah tirinya, telp 0812 1111 2222"))
    await server.api.wait_for(lambda: len(server.api.texts(chat)) > before, what="an answer")
    await server.idle()
    log = (server.folder / "serve.log").read_text()
    assert "PKSAI Kota Pekalongan" in log, "the log is the server's"
    for secret in (TOKEN, SECRET, "dipukul ayah tirinya", "0812 1111 2222", str(chat)):
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
            lambda: [c for c in api.calls if c.method == "deleteWebhook"], within=60, what="deleteWebhook"
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
