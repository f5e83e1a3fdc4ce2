"""WhatsApp Cloud API: signed webhooks into the inbox, Graph API messages through the outbox."""

from flows.vocabulary import Channel

CHANNEL = Channel.WHATSAPP
