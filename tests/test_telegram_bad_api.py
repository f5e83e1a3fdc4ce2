"""A Bot API that misbehaves for one chat — 429 with ``retry_after``, 5xx, a call that hangs past
the timeout, a connection closed mid-call — through a real ``hotline serve``: that chat gets each
reply once and in order in the end, and the other chats are answered meanwhile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.botapi import FakeBotAPI
from tests.telegram_harness import Harness, server_database

pytestmark = pytest.mark.slow

TROUBLE = ["429:1", "500", "timeout", "close", "502"]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    stand_in = await FakeBotAPI(hang_seconds=4).start()
    yield stand_in
    await stand_in.stop()


async def test_a_misbehaving_api_loses_nothing_sends_nothing_twice_and_holds_up_no_other_chat(
    api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    harness = await Harness(api, tmp_path, database_url=server_database(database_url)).start()
    unlucky, others = 7401, [7402, 7403, 7404, 7405, 7406]
    try:
        api.failures[str(unlucky)] = list(TROUBLE)
        await harness.send(harness.updates.text(unlucky, "/start"))
        await harness.send(harness.updates.text(unlucky, "1"))

        def tries() -> list[float]:
            return [c.at for c in api.attempts if str(c.params.get("chat_id")) == str(unlucky)]

        await api.wait_for(lambda: len(tries()) >= 2, what="the 429 waited out, the 500 answered")
        for chat in others:
            await harness.send(harness.updates.text(chat, "/start"))
            await harness.send(harness.updates.text(chat, "1"))
        await api.wait_for(lambda: all(len(api.texts(chat)) == 2 for chat in others), within=30)
        await api.wait_for(lambda: len(api.texts(unlucky)) == 2, within=60, what="the unlucky chat")
        await harness.idle()

        delivered = api.to_chat(unlucky, "sendMessage")
        assert len(tries()) == len(TROUBLE) + 2, "every failure retried, then each message once"
        assert "Apa yang ingin Anda lakukan?" in delivered[0].params["text"]
        assert "Apakah Anda setuju?" in delivered[1].params["text"], "in order"
        meanwhile = [c.at for chat in others for c in api.to_chat(chat, "sendMessage")]
        assert max(meanwhile) < delivered[0].at, "the other chats were answered while it failed"
        for chat in others:
            texts = api.texts(chat)
            assert len(texts) == 2 and "Apakah Anda setuju?" in texts[1], chat
        waits = [b - a for a, b in zip(tries(), tries()[1:], strict=False)]
        assert waits[0] >= 1.0, "retry_after honoured"
        failed = harness.query("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL")
        assert failed == [(0,)], "nothing given up"
    finally:
        harness.stop()


async def test_an_update_waiting_for_its_chats_earlier_reply_holds_no_worker(
    database_url: str, tmp_path: Path
) -> None:
    """One inbox worker: a chat's second update waits until its first reply, hanging at the API,
    is settled; meanwhile another chat is answered (the wait used to occupy the only worker)."""
    api = await FakeBotAPI(hang_seconds=12).start()
    extra = {"HOTLINE_INBOX_WORKERS": "1", "HOTLINE_TELEGRAM_TIMEOUT": "10"}
    harness = Harness(api, tmp_path, database_url=server_database(database_url), extra_env=extra)
    stuck, other = 7411, 7412
    try:
        await harness.start()
        api.failures[str(stuck)] = ["timeout"]
        await harness.send(harness.updates.text(stuck, "/start"))
        await api.wait_for(lambda: api.attempts and str(api.attempts[-1].params.get("chat_id")) == str(stuck))
        hung_at = api.attempts[-1].at
        await harness.send(harness.updates.text(stuck, "1"))
        await harness.send(harness.updates.text(other, "/start"))

        await api.wait_for(lambda: len(api.texts(other)) == 1, within=30, what="the other chat")
        assert api.to_chat(other, "sendMessage")[0].at < hung_at + 10, "answered while the call hung"
        await api.wait_for(lambda: len(api.texts(stuck)) == 2, within=60, what="the stuck chat, in the end")
        assert "Apakah Anda setuju?" in api.texts(stuck)[1], "in order"
    finally:
        harness.stop()
        await api.stop()
