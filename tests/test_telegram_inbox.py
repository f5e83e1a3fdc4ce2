"""The Telegram inbox with two workers racing (SQLite and PostgreSQL): each chat in order, once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from bot.hotline import Hotline
from bot.telegram.officers import OfficerDesk
from bot.telegram.processor import TelegramProcessor
from storage.conversations import ConversationStore
from storage.models_delivery import InboxUpdate, OutboxMessage
from tests.botupdates import Updates
from tests.conftest import FakeClock, make_settings

ANSWERS = ["/start", "1", "1", "2", "1", "2"]
"""menu → report → agree → parent → fisik → no danger: ends at the age question only in order."""


async def worker(hotline: Hotline) -> TelegramProcessor:
    desk = OfficerDesk(hotline.settings, hotline.catalogues)
    return TelegramProcessor(hotline, bot=None, desk=desk)


async def drain(processor: TelegramProcessor) -> None:
    busy = True
    while busy:
        busy = await processor.run_once()


async def test_two_workers_keep_each_chat_in_order(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    first = Hotline.build(make_settings(database_url, tmp_path), clock=clock)
    second = Hotline.build(make_settings(database_url, tmp_path), clock=clock)
    await first.start()
    await second.start()
    try:
        workers = [await worker(first), await worker(second)]
        updates = Updates()
        chats = [8101, 8102, 8103, 8104]
        for chat in chats:  # one chat's updates back to back: the hardest case for ordering
            for answer in ANSWERS:
                assert await workers[0].record(updates.text(chat, answer))
        duplicate = updates.text(chats[0], "kembali")
        assert await workers[0].record(duplicate)
        assert not await workers[1].record(duplicate), "a redelivery is dropped by the unique key"
        await asyncio.gather(drain(workers[0]), drain(workers[1]))
        async with first.sessions() as session:
            pending = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.processed_at.is_(None))
            )
            assert pending == 0
            store = ConversationStore(session, first.settings.keyring)
            for chat in chats:
                _row, conv = await store.load("telegram", str(chat), clock())
                expected_state = "danger" if chat == chats[0] else "age"
                assert conv.state == expected_state, chat
                assert (conv.answers["role"], conv.answers["category"]) == ("parent", "fisik")
            replies = await session.scalar(select(func.count()).select_from(OutboxMessage))
            assert replies == len(chats) * len(ANSWERS) + 1, "one reply per update, none twice"
    finally:
        await first.close()
        await second.close()


async def test_a_press_is_answered_in_the_webhook_response_and_by_a_call_when_polling(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    hotline = Hotline.build(make_settings(database_url, tmp_path), clock=clock)
    await hotline.start()
    try:
        processor = await worker(hotline)
        updates = Updates()
        by_webhook, by_polling = 8201, 8202
        for chat in (by_webhook, by_polling):
            assert await processor.record(updates.text(chat, "/start"))
        press = updates.callback(by_webhook, "q||report")
        answer = await processor.record_webhook(press)
        assert answer == {
            "method": "answerCallbackQuery",
            "callback_query_id": press["callback_query"]["id"],
        }
        assert await processor.record(updates.callback(by_polling, "q||report"))
        assert await processor.record_webhook(updates.text(by_webhook, "halo")) is None, "only presses"
        await drain(processor)
        async with hotline.sessions() as session:
            rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        keys = {chat: processor.conversation_key(chat) for chat in (by_webhook, by_polling)}
        methods = {chat: [r.method for r in rows if r.destination == key] for chat, key in keys.items()}
        assert "answerCallbackQuery" not in methods[by_webhook]
        assert "editMessageReplyMarkup" in methods[by_webhook], "the keyboard is still removed"
        assert methods[by_polling].count("answerCallbackQuery") == 1
    finally:
        await hotline.close()
