"""WhatsApp Cloud API: signed webhooks into the inbox, Graph API messages through the outbox."""

CHANNEL = "whatsapp"
