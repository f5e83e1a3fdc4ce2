"""`hotline keys rotate`: after it, the previous secret can be dropped and nothing is lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import LargeBinary, func, select

from bot.hotline import Hotline
from flows import inbound as ev
from flows.vocabulary import CaseEventKind, Channel
from storage.attachments import AttachmentStore
from storage.crypto import Keyring
from storage.inbox import Inbox
from storage.key_rotation import NOT_SEALED, SEALED, rotate
from storage.models import Attachment, DeliveryAddress, Officer, Referral, Report
from storage.models_base import Base
from storage.models_delivery import OutboxMessage
from storage.officer_links import issue_code, linked_officer, links_of_unit, redeem
from storage.officers import add_officer, totp_context
from storage.outbox import Outbox, Outgoing
from storage.push_subscriptions import PushSubscriptions, Subscription
from storage.reports import ReportStore, referral_context
from storage.secret import SecretKeyError
from storage.units import unit_ids
from tests.chat import STANDARD_PATH, STORY
from tests.conftest import TEST_SECRET, FakeClock, make_settings
from tests.test_runtime import file_report, say

NEW_SECRET = "a-brand-new-secret-key-after-rotation-000000"
USER = "telegram-user-5550123"
WAITING = "telegram-user-5550999"
"""A reporter halfway through a draft when the key changes."""


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


async def fill(hotline: Hotline) -> tuple[str, str]:
    """A report with every kind of sealed value; returns (receipt code, attachment ref)."""
    code = await file_report(hotline, user=USER)
    for _state, event in STANDARD_PATH[:6]:
        await say(hotline, event, user=WAITING)
    keyring, now = hotline.keyring, hotline.clock()
    async with hotline.sessions() as session, session.begin():
        report = await session.scalar(select(Report))
        assert report is not None
        store = ReportStore(session, keyring, await unit_ids(session))
        await store.add_event(report, CaseEventKind.OFFICER_REPLY, now, text="Kami sudah ke rumahnya.")
        attachment = await AttachmentStore(session, keyring).add(
            source_key="terminal:photo-1",
            conversation_key=keyring.pseudonym("terminal", USER),
            kind="photo",
            mime="image/png",
            data=photo(),
            now=now,
        )
        await AttachmentStore(session, keyring).attach_to_report([attachment.ref], report.id)
        officer = await add_officer(
            session, "sari", "Sari", "kota-pekalongan", "supervisor", "a long password 1"
        )
        officer.totp_sealed = keyring.seal(b"JBSWY3DPEHPK3PXP", totp_context(officer))
        await Outbox(session, keyring).put(
            Outgoing(Channel.TELEGRAM, keyring.pseudonym("telegram", "77"), "sendMessage", {"text": "x"}),
            now,
        )
        await redeem(session, keyring, await issue_code(session, keyring, officer, now), 4242, now)
        await Inbox(session, keyring).record(
            "telegram", "9001", keyring.pseudonym("telegram", "77"), {"x": 1}, now
        )
        session.add(
            Referral(
                report_id=report.id,
                service="uptd-ppa",
                status="sent",
                created_at=now,
                updated_at=now,
                sealed=keyring.seal_json({"note": "rujuk", "contact": "Bu Ani"}, referral_context(report.id)),
            )
        )
        subscription = Subscription("https://push.example/abc", "p" * 87, "a" * 22)
        await PushSubscriptions(session, keyring).save(officer.id, subscription, now)
        return code, attachment.ref


async def sealed_key_ids(hotline: Hotline) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    async with hotline.sessions() as session:
        for spec in SEALED:
            column = getattr(spec.model, spec.column)
            values = (await session.scalars(select(column).where(column.is_not(None)))).all()
            found[spec.name] = {Keyring.key_id_of(v) for v in values}
    return found


async def started(database_url: str, tmp_path: Path, clock: FakeClock, **keys: object) -> Hotline:
    service = Hotline.build(make_settings(database_url, tmp_path, **keys), clock=clock)
    await service.start()
    return service


def test_every_binary_column_is_either_rotated_or_a_keyed_hash() -> None:
    binary = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, LargeBinary)
    }
    assert binary == {spec.name for spec in SEALED} | NOT_SEALED


async def test_after_rotation_the_old_key_can_be_dropped(
    hotline: Hotline, database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    code, ref = await fill(hotline)
    old_id = hotline.keyring.current_key_id
    token_mac = hotline.keyring.mac("webchat-client", "nonce")
    await hotline.close()

    both = await started(
        database_url, tmp_path, clock, secret_key=NEW_SECRET, previous_secret_keys=TEST_SECRET
    )
    try:
        new_id = both.keyring.current_key_id
        before = await sealed_key_ids(both)
        assert {name for name, ids in before.items() if old_id in ids} == {spec.name for spec in SEALED}
        result = await rotate(both.sessions, both.keyring)
        assert result.complete and sum(result.resealed.values()) >= len(SEALED)
        assert all(ids <= {new_id} for ids in (await sealed_key_ids(both)).values())
        again = await rotate(both.sessions, both.keyring)
        assert again.complete and not again.resealed, "a second rotation has nothing left to do"
    finally:
        await both.close()

    dropped = await started(database_url, tmp_path, clock, secret_key=NEW_SECRET)
    try:
        keyring = dropped.keyring
        assert keyring.key_ids == [new_id]
        assert keyring.mac("webchat-client", "nonce") == token_mac, "web chat tokens stay valid"
        async with dropped.sessions() as session:
            report = await session.scalar(select(Report))
            assert report is not None
            store = ReportStore(session, keyring, await unit_ids(session))
            content = await store.content(report)
            assert content is not None and content["story"] == [STORY]
            assert await store.address(report, "terminal") == USER
            assert [m.text for m in await store.timeline(report)][-1] == "Kami sudah ke rumahnya."
            attachment = await session.scalar(select(Attachment).where(Attachment.ref == ref))
            assert attachment is not None
            assert AttachmentStore(session, keyring).original(attachment) == photo()
            assert AttachmentStore(session, keyring).display(attachment) is not None
            found = await store.by_receipt(code.replace("-", ""))
            assert found is not None and found.id == report.id
            officer = await session.scalar(select(Officer))
            assert officer is not None and officer.totp_sealed is not None
            assert keyring.open(officer.totp_sealed, totp_context(officer)) == b"JBSWY3DPEHPK3PXP"
            assert await linked_officer(session, keyring, 4242) == officer
            [(_, _, chat)] = await links_of_unit(session, keyring, officer.unit_id)
            assert chat == "4242"
            inbox = Inbox(session, keyring)
            [waiting] = await inbox.waiting("telegram")
            update = await inbox.claim("telegram", waiting.id)
            assert update is not None and inbox.payload(update) == {"x": 1}
            outbox = Outbox(session, keyring)
            to_77 = OutboxMessage.destination == keyring.pseudonym("telegram", "77")
            [message] = (await session.scalars(select(OutboxMessage).where(to_77))).all()
            assert outbox.params(message) == {"text": "x"}
            [device] = await PushSubscriptions(session, keyring).of_officers([officer.id])
            assert PushSubscriptions(session, keyring).open(device).endpoint == "https://push.example/abc"
        # The reporters are still recognised by their (unchanged) pseudonyms.
        text = await say(dropped, "menu", user=WAITING)
        assert "Lanjutkan laporan" in text
        assert "sudah dihapus" in await say(dropped, "/hapus", user=USER)
        async with dropped.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(DeliveryAddress)) == 0
        await say(dropped, ev.Choice("status"), user="someone-else")
        assert "PKSAI-2026-000001" in await say(dropped, code, user="someone-else")
    finally:
        await dropped.close()


async def test_dropping_a_key_before_rotating_is_refused_at_start(
    hotline: Hotline, database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    await file_report(hotline)
    await hotline.close()
    service = Hotline.build(make_settings(database_url, tmp_path, secret_key=NEW_SECRET), clock=clock)
    try:
        with pytest.raises(SecretKeyError, match="HOTLINE_PREVIOUS_SECRET_KEYS"):
            await service.start()
    finally:
        await service.close()
