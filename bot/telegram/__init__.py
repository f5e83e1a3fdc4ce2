"""Telegram: aiogram 3 as the transport only. The conversation stays in ``flows``, state in our
database; updates go through the inbox, everything sent through the outbox."""

CHANNEL = "telegram"
