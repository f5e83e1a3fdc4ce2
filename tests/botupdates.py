"""Real Bot API update JSON, as Telegram posts it to a webhook or returns it from ``getUpdates``:
what the tests and the benchmark feed the hotline."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.botapi import BOT_USER


class Updates:
    """Real Bot API update JSON, with increasing update ids."""

    def __init__(self, start: int = 700_000_000):
        self._ids = itertools.count(start)
        self._message_ids = itertools.count(1)

    def _user(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Pelapor", "language_code": "id"}

    def _private(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private", "first_name": "Pelapor"}

    def message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self._private(chat_id),
                "from": self._user(chat_id),
                **content,
            },
        }

    def text(self, chat_id: int, text: str) -> dict[str, Any]:
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else []
        )
        return self.message(chat_id, text=text, **({"entities": entities} if entities else {}))

    def callback(self, chat_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cb-{next(self._ids)}",
                "from": self._user(chat_id),
                "chat_instance": "ci-1",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": self._private(chat_id),
                    "from": BOT_USER,
                    "text": "...",
                },
            },
        }

    def location(self, chat_id: int, lat: float, lon: float) -> dict[str, Any]:
        return self.message(chat_id, location={"latitude": lat, "longitude": lon})

    def photo(self, chat_id: int, file_id: str, size: int) -> dict[str, Any]:
        sizes = [
            {
                "file_id": file_id + "-small",
                "file_unique_id": "s" + file_id,
                "width": 90,
                "height": 90,
                "file_size": 900,
            },
            {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "width": 800,
                "height": 600,
                "file_size": size,
            },
        ]
        return self.message(chat_id, photo=sizes)

    def voice(self, chat_id: int, file_id: str, size: int) -> dict[str, Any]:
        voice = {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "duration": 4,
            "mime_type": "audio/ogg",
            "file_size": size,
        }
        return self.message(chat_id, voice=voice)

    def sticker(self, chat_id: int) -> dict[str, Any]:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "ustk",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.message(chat_id, sticker=sticker)

    def edited(self, chat_id: int, text: str) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "edited_message": {
                "message_id": 1,
                "date": int(time.time()) - 60,
                "edit_date": int(time.time()),
                "chat": self._private(chat_id),
                "from": self._user(chat_id),
                "text": text,
            },
        }

    def group_message(self, group_id: int, user_id: int, text: str) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": group_id, "type": "group", "title": "Grup RT 05"},
                "from": self._user(user_id),
                "text": text,
            },
        }

    def channel_post(self, channel_id: int) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "channel_post": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": channel_id, "type": "channel", "title": "Kanal"},
                "text": "pengumuman",
            },
        }

    def my_chat_member(self, chat: dict[str, Any], user_id: int, old: str, new: str) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "my_chat_member": {
                "chat": chat,
                "from": self._user(user_id),
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": BOT_USER},
                "new_chat_member": {
                    "status": new,
                    "user": BOT_USER,
                    **({"until_date": 0} if new == "kicked" else {}),
                },
            },
        }
