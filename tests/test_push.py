"""Web Push alerts through the outbox to a local push service (SQLite and PostgreSQL): each kind
of alert arrives encrypted for the device and signed with our VAPID key, carries no content, and
an expired subscription is removed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC

import pytest
from sqlalchemy import func, select

from bot.hotline import Hotline
from bot.push import application_server_key, settings_vapid
from bot.push_sender import PushSender
from bot.scheduler import Scheduler
from flows.roster import parse_days, parse_span
from storage.models import Officer
from storage.models_delivery import OutboxMessage, PushSubscription
from storage.officers import add_officer
from storage.push_subscriptions import InvalidSubscription, PushSubscriptions, Subscription
from storage.roster import add_shifts
from tests.chat import STANDARD_PATH, STORY
from tests.conftest import FakeClock
from tests.pushservice import PushService
from tests.test_routing import WIB, at
from tests.test_runtime import say


@pytest.fixture
async def service() -> AsyncIterator[PushService]:
    stand_in = await PushService().start()
    yield stand_in
    await stand_in.stop()


async def staff_with_devices(hotline: Hotline, service: PushService) -> dict[str, Officer]:
    people = {}
    async with hotline.sessions() as session, session.begin():
        for username, role in (("ani", "officer"), ("sup", "supervisor"), ("adm", "admin")):
            people[username] = await add_officer(
                session, username, username.title(), "kota-pekalongan", role, "x" * 12
            )
        await add_shifts(session, people["ani"], parse_days("all"), *parse_span("07:00", "15:00"))
        store = PushSubscriptions(session, hotline.settings.keyring)
        for username in ("ani", "sup"):
            device = Subscription.parse(service.device(username).subscription(service.url))
            await store.save(people[username].id, device, hotline.runtime.clock())
    return people


async def file(hotline: Hotline, user: str, *, danger: str = "no") -> str:
    from flows import inbound as ev

    path = [(s, ev.Choice(danger) if s == "danger" else e) for s, e in STANDARD_PATH]
    for _state, event in path:
        await say(hotline, event, user)
    text = await say(hotline, ev.Choice("submit"), user)
    return next(line for line in text.splitlines() if "Kode tanda terima" in line).split(":", 1)[1].strip()


async def drain(sender: PushSender, hotline: Hotline) -> None:
    """Run the sender until no alert waits any more (sent, or given up)."""
    task = asyncio.create_task(sender.run())
    try:
        for _ in range(400):
            async with hotline.sessions() as session:
                waiting = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.channel == "webpush")
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
                )
            if not waiting:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{waiting} alerts still waiting")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await sender.stop()


async def test_every_kind_of_alert_reaches_the_phone_encrypted_and_signed(
    hotline: Hotline, clock: FakeClock, service: PushService
) -> None:
    from flows import inbound as ev

    clock.now = at(WIB, "2026-11-23 09:00").astimezone(UTC)
    await staff_with_devices(hotline, service)
    sender = PushSender(hotline)
    code = await file(hotline, "reporter-1")
    await file(hotline, "reporter-2", danger="yes")
    await say(hotline, ev.Choice("status"), "reporter-1")
    await say(hotline, code, "reporter-1")
    await say(hotline, ev.Choice("reply"), "reporter-1")
    await say(hotline, "Anaknya dipukul lagi tadi malam.", "reporter-1")
    clock.advance(minutes=16)  # the urgent case was not taken: escalated to the supervisor
    scheduler = Scheduler(hotline.sessions, hotline.clock, hotline.router, hotline.deployment)
    while await scheduler.run_once():
        pass
    await drain(sender, hotline)

    delivered = service.delivered
    kinds = [(d.token, d.payload["kind"], d.payload["reference"]) for d in delivered]
    assert [k for k in kinds if k[0] == "ani"] == [
        ("ani", "new", "PKSAI-2026-000001"),
        ("ani", "urgent", "PKSAI-2026-000002"),
        ("ani", "message", "PKSAI-2026-000001"),
    ], "each device gets its alerts in order"
    assert [k for k in kinds if k[0] == "sup"] == [("sup", "escalated1", "PKSAI-2026-000002")]
    delivered = sorted(delivered, key=lambda d: d.token)
    first = delivered[0].payload
    assert first["category"] == "Kekerasan fisik"
    assert first["urgency"] == "high"
    assert first["body"] == "PKSAI-2026-000001 · Kekerasan fisik · Tinggi"
    assert first["url"] == "/admin/cases/PKSAI-2026-000001"
    assert first["title"] == "Kasus baru untuk Anda: PKSAI-2026-000001"
    assert delivered[1].payload["title"] == "DARURAT: PKSAI-2026-000002"
    assert delivered[1].headers["urgency"] == "high" and delivered[0].headers["urgency"] == "normal"
    assert delivered[2].payload["title"] == "Pesan baru dari pelapor: PKSAI-2026-000001"
    everything = repr([d.payload for d in delivered])
    for secret in (STORY, "dipukul lagi", "0812", "Al-Ikhlas"):
        assert secret not in everything, "an alert never carries the report's words"
    our_key = application_server_key(settings_vapid(hotline.settings))
    assert {d.vapid_key for d in delivered} == {our_key}
    assert service.refused == []
    async with hotline.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webpush"))).all()
        assert len(rows) == 4 and all(r.sent_at is not None for r in rows), "each sent once"
        devices = (await session.scalars(select(PushSubscription))).all()
        assert all(d.last_sent_at is not None for d in devices)


async def test_an_expired_subscription_is_removed(
    hotline: Hotline, clock: FakeClock, service: PushService
) -> None:
    clock.now = at(WIB, "2026-11-23 09:00").astimezone(UTC)
    people = await staff_with_devices(hotline, service)
    service.gone.add("ani")
    await file(hotline, "reporter-1")
    await file(hotline, "reporter-2")
    await drain(PushSender(hotline), hotline)
    assert service.delivered == []
    async with hotline.sessions() as session:
        owners = (await session.scalars(select(PushSubscription.officer_id))).all()
        assert owners == [people["sup"].id], "ani's dead subscription is gone, sup's stays"
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webpush"))).all()
        assert rows and all(r.dead_at is not None and r.sent_at is None for r in rows), "not retried"


async def test_the_vapid_key_is_made_once_and_kept_private(hotline: Hotline) -> None:
    first = application_server_key(settings_vapid(hotline.settings))
    assert application_server_key(settings_vapid(hotline.settings)) == first
    assert hotline.settings.vapid_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"endpoint": "http://push.example.com/x", "keys": {"p256dh": "A" * 87, "auth": "A" * 22}},
        {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "short", "auth": "A" * 22}},
        {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "A" * 87}},
    ],
)
def test_what_is_not_a_subscription_is_refused(data: object) -> None:
    with pytest.raises(InvalidSubscription):
        Subscription.parse(data)
