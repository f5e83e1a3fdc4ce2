"""Web Push alerts for officers' phones: the VAPID key, and what an alert says.

An alert says which case (reference, category, urgency) and links to it — never the report's
content, which stays behind the console's sign-in. Alerts are written to the outbox in the same
transaction as the routing decision, one row per device, and leave through ``bot.push_sender``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from flows.deployment import Deployment
from flows.i18n import N_, Catalogues
from flows.keys import URGENCY_LABELS
from flows.vocabulary import Announcement, Channel, OutboxPurpose
from storage.models import Officer, Report
from storage.outbox import Outbox, Outgoing
from storage.push_subscriptions import PushSubscriptions
from storage.secret import decode_secret, load_or_create_secret

CHANNEL = Channel.WEBPUSH
METHOD = "push"
TITLES = {
    Announcement.NEW: N_("push.title.new"),
    Announcement.ASSIGNED: N_("push.title.new"),
    Announcement.URGENT: N_("push.title.urgent"),
    Announcement.UNASSIGNED: N_("push.title.unassigned"),
    Announcement.ESCALATED_TO_SUPERVISORS: N_("push.title.escalated"),
    Announcement.ESCALATED_TO_ADMINS: N_("push.title.escalated"),
    Announcement.MESSAGE: N_("push.title.message"),
}


def load_vapid(private_key: str | None, key_file: Path) -> Vapid02:
    """The deployment's VAPID key: from the setting, or a 0600 file made on first run (32 random
    bytes are a P-256 private key). Browsers keep the public half with each subscription, so the
    key must not change once officers have subscribed."""
    raw = decode_secret(private_key) if private_key else load_or_create_secret(key_file)
    return Vapid02.from_raw(base64.urlsafe_b64encode(raw[:32]).rstrip(b"="))


def settings_vapid(settings: Settings) -> Vapid02:
    secret = settings.vapid_private_key
    return load_vapid(secret.get_secret_value() if secret else None, settings.vapid_file)


def application_server_key(vapid: Vapid02) -> str:
    """The public key as browsers' ``pushManager.subscribe`` wants it (uncompressed point)."""
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def destination(subscription_id: int) -> str:
    return f"push:{subscription_id}"


class PushAlerts:
    """The router's announcer for browsers: one outbox row per subscribed device of each officer."""

    def __init__(self, deployment: Deployment, catalogues: Catalogues, keyring: Any):
        self.deployment = deployment
        self.catalogues = catalogues
        self.keyring = keyring

    async def announce(
        self,
        session: AsyncSession,
        report: Report,
        officers: Sequence[Officer],
        kind: Announcement,
        now: datetime,
    ) -> None:
        devices = await PushSubscriptions(session, self.keyring).of_officers(o.id for o in officers)
        if not devices:
            return
        locales = {o.id: o.locale for o in officers}
        outbox = Outbox(session, self.keyring)
        for device in devices:
            payload = self.payload(report, kind, locales.get(device.officer_id, "id"))
            params = {"subscription": device.id, "payload": payload}
            message = Outgoing(
                CHANNEL, destination(device.id), METHOD, params, report.id, purpose=OutboxPurpose.TO_OFFICER
            )
            await outbox.put(message, now)

    async def message_arrived(
        self, session: AsyncSession, report: Report, officers: Sequence[Officer], now: datetime
    ) -> None:
        await self.announce(session, report, officers, Announcement.MESSAGE, now)

    def payload(self, report: Report, kind: Announcement, locale: str) -> dict[str, Any]:
        category = self.deployment.category_by_code.get(report.category or "")
        label = (
            category.label.get(locale) or category.label.get("id")
            if category
            else self.catalogues.text(locale, N_("officer.category_pending"))
        )
        urgency = self.catalogues.text(locale, URGENCY_LABELS[report.urgency])
        title = self.catalogues.text(locale, TITLES[kind], reference=report.reference)
        return {
            "kind": kind,
            "reference": report.reference,
            "category": label,
            "urgency": report.urgency,
            "title": title,
            "body": f"{report.reference} · {label} · {urgency}",
            "url": f"/admin/cases/{report.reference}",
        }
