"""Telegram: python-telegram-bot 22 as the transport only (``telegram.Bot`` over httpx, its update
parser and error classes). The conversation stays in ``flows``, state in our database; updates go
through the inbox, everything sent through the outbox."""

from flows.vocabulary import Channel

CHANNEL = Channel.TELEGRAM
