"""The Telegram channel assembled: bot, inbox processor, outbox sender, officer desk.

``hotline serve`` runs it behind the webhook; ``hotline telegram-poll`` feeds it by long polling.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand
from telegram.error import NetworkError, TelegramError

from bot.hotline import Hotline
from bot.telegram.client import make_bot, webhook_secret
from bot.telegram.officers import OfficerDesk
from bot.telegram.processor import TelegramProcessor
from bot.telegram.sender import TelegramSender
from bot.worker import cancelled
from flows.i18n import N_

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/webhook/telegram"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "channel_post"]
COMMANDS = {
    "start": N_("telegram.cmd.start"),
    "menu": N_("telegram.cmd.menu"),
    "batal": N_("telegram.cmd.batal"),
    "bantuan": N_("telegram.cmd.bantuan"),
    "status": N_("telegram.cmd.status"),
    "bahasa": N_("telegram.cmd.bahasa"),
    "hapus": N_("telegram.cmd.hapus"),
}
POLL_TIMEOUT = 25


class TelegramService:
    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        self.bot = make_bot(hotline.settings)
        self.desk = hotline.officer_desk or OfficerDesk(hotline.settings, hotline.catalogues)
        self.sender = TelegramSender(hotline, self.bot)
        self.processor = TelegramProcessor(hotline, self.bot, self.desk)
        self.processor.sends = self.sender
        self.secret = webhook_secret(hotline.settings)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Work starts at once; talking to Telegram (getMe, commands, webhook) happens beside it."""
        self._tasks = [
            asyncio.create_task(self._introduce(), name="telegram-setup"),
            asyncio.create_task(self.processor.run(), name="telegram-inbox"),
            asyncio.create_task(self.sender.run(), name="telegram-outbox"),
        ]

    async def stop(self) -> None:
        await cancelled(self._tasks)
        await self.processor.stop()
        await self.sender.stop()
        await self.bot.shutdown()

    async def _introduce(self) -> None:
        try:
            await self.bot.initialize()
        except TelegramError as exc:
            log.error("telegram: getMe failed (%s); sending is retried by the outbox", type(exc).__name__)
        await self._register()

    async def _register(self) -> None:
        """Commands in both languages, and the webhook when there is a public URL."""
        catalogues = self.hotline.catalogues
        try:
            for locale in ("id", "en"):
                commands = [
                    BotCommand(command=name, description=catalogues.text(locale, key))
                    for name, key in COMMANDS.items()
                ]
                language = None if locale == "id" else locale
                await self.bot.set_my_commands(commands, language_code=language)
            public_url = self.hotline.settings.public_url
            if public_url:
                await self.bot.set_webhook(
                    public_url.rstrip("/") + WEBHOOK_PATH,
                    secret_token=self.secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
                log.info("telegram webhook registered")
        except TelegramError as exc:
            log.error("telegram setup failed (%s); the bot keeps retrying sends", type(exc).__name__)

    async def poll(self) -> None:
        """Long polling for a bot without a public URL; each update goes through the inbox."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                )
            except NetworkError:
                await asyncio.sleep(2)
                continue
            for update in updates:
                await self.processor.record(update.to_dict())
                offset = update.update_id + 1
