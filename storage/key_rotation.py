"""Key rotation: every sealed value re-sealed under the current secret, so a previous one can go.

Each sealed column is listed here with the context its owner binds it to (a test checks that no
binary column of the schema is missing). Re-sealing is a compare-and-set per row, so a server
running beside the rotation never has a newer value overwritten by an older one; a row that
changed in between is taken again in the next pass.

Keyed hashes are not re-keyed (see storage/crypto.py): their keys are pinned in ``key_material``
the first time a deployment starts, and that row is re-sealed like the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.attachments import _context as attachment_context
from storage.conversations import _context as conversation_context
from storage.crypto import DecryptionError, Keyring, LookupKeys
from storage.inbox import _context as inbox_context
from storage.models import (
    Attachment,
    CaseEvent,
    Conversation,
    DeliveryAddress,
    KeyMaterial,
    Officer,
    OfficerLink,
    Referral,
    ReportContent,
)
from storage.models_delivery import InboxUpdate, OutboxMessage, PushSubscription
from storage.officer_links import officer_chat_context
from storage.officers import totp_context
from storage.outbox import _context as outbox_context
from storage.outbox import _legacy_context as outbox_legacy_context
from storage.push_subscriptions import PushSubscriptions
from storage.reports import address_context, content_context, event_context, referral_context
from storage.secret import SecretKeyError
from storage.upsert import insert_ignore

LOOKUP = "lookup"
PASSES = 5
"""Passes over rows that changed while being re-sealed; a quiet table needs one."""


def key_material_context(name: str) -> str:
    return f"key-material:{name}"


@dataclass(frozen=True)
class SealedColumn:
    model: type[Any]
    column: str
    contexts: Callable[[Any], tuple[str, ...]]
    """The context to seal under first, then older ones the value may still carry."""
    batch: int = 200

    @property
    def name(self) -> str:
        return f"{self.model.__tablename__}.{self.column}"


SEALED: tuple[SealedColumn, ...] = (
    SealedColumn(KeyMaterial, "sealed", lambda r: (key_material_context(r.name),)),
    SealedColumn(Conversation, "sealed", lambda r: (conversation_context(r.id),)),
    SealedColumn(ReportContent, "sealed", lambda r: (content_context(r.report_id),)),
    SealedColumn(DeliveryAddress, "sealed", lambda r: (address_context(r.report_id, r.channel),)),
    SealedColumn(CaseEvent, "sealed", lambda r: (event_context(r.report_id),)),
    SealedColumn(Referral, "sealed", lambda r: (referral_context(r.report_id),)),
    SealedColumn(Attachment, "original", lambda r: (attachment_context(r.ref, "original"),), batch=4),
    SealedColumn(Attachment, "display", lambda r: (attachment_context(r.ref, "display"),), batch=4),
    SealedColumn(InboxUpdate, "sealed", lambda r: (inbox_context(r.channel, r.update_id),)),
    SealedColumn(OutboxMessage, "sealed", lambda r: (outbox_context(r), outbox_legacy_context(r.id))),
    SealedColumn(Officer, "totp_sealed", lambda r: (totp_context(r),)),
    SealedColumn(OfficerLink, "sealed_chat", lambda r: (officer_chat_context(r.officer_id),)),
    SealedColumn(PushSubscription, "sealed", lambda r: (PushSubscriptions._context(r.endpoint_hash),)),
)

NOT_SEALED = frozenset({"reports.receipt_hash"})
"""Binary columns that hold keyed hashes, not ciphertexts."""


async def pin_lookup_keys(session: AsyncSession, keyring: Keyring, now: datetime) -> None:
    """Load the deployment's lookup keys into the keyring; the first start stores the ones its
    current secret has been using (racing starts agree on the first row written)."""
    context = key_material_context(LOOKUP)
    row = await session.get(KeyMaterial, LOOKUP)
    if row is None:
        sealed = keyring.seal(keyring.derived_lookup_keys().to_bytes(), context)
        values = {"name": LOOKUP, "sealed": sealed, "created_at": now}
        await insert_ignore(session, KeyMaterial, values, ["name"])
        row = await session.get(KeyMaterial, LOOKUP)
    assert row is not None
    try:
        keys = LookupKeys.from_bytes(keyring.open(row.sealed, context))
    except DecryptionError as exc:
        raise SecretKeyError(
            f"the database's keys are sealed with key {keyring.key_id_of(row.sealed)}, which is not "
            f"configured (configured: {', '.join(keyring.key_ids)}); put the secret it was sealed "
            "with back into HOTLINE_PREVIOUS_SECRET_KEYS"
        ) from exc
    keyring.pin_lookup_keys(keys)


@dataclass
class Rotation:
    key_id: str
    resealed: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)
    """Values sealed with a key that is not configured: already unreadable, nothing to re-seal."""
    changing: int = 0
    """Values still under an old key because they kept changing during every pass."""

    @property
    def complete(self) -> bool:
        return not self.unreadable and not self.changing


async def rotate(sessions: async_sessionmaker[AsyncSession], keyring: Keyring) -> Rotation:
    """Re-seal every sealed value that is not under the current key."""
    result = Rotation(keyring.current_key_id)
    for spec in SEALED:
        for _ in range(PASSES):
            raced, unreadable = await _reseal_column(sessions, keyring, spec, result)
            if unreadable:
                result.unreadable[spec.name] = unreadable
            if not raced:
                break
        else:
            result.changing += raced
    return result


async def _reseal_column(
    sessions: async_sessionmaker[AsyncSession], keyring: Keyring, spec: SealedColumn, result: Rotation
) -> tuple[int, int]:
    """One pass over a column: (rows that changed under us, rows no configured key opens)."""
    model = spec.model
    key = model.__mapper__.primary_key[0]
    column = getattr(model, spec.column)
    raced = unreadable = 0
    last: Any = None
    while True:
        async with sessions() as session, session.begin():
            query = select(model).where(column.is_not(None)).order_by(key).limit(spec.batch)
            if last is not None:
                query = query.where(key > last)
            rows = list((await session.scalars(query)).all())
            for row in rows:
                blob: bytes = getattr(row, spec.column)
                if not keyring.needs_reseal(blob):
                    continue
                resealed = _reseal(keyring, blob, spec.contexts(row))
                if resealed is None:
                    unreadable += 1
                    continue
                changed = await session.execute(
                    update(model)
                    .where(key == getattr(row, key.key), column == blob)
                    .values({spec.column: resealed})
                    .execution_options(synchronize_session=False)
                )
                if changed.rowcount == 1:  # type: ignore[attr-defined]
                    result.resealed[spec.name] = result.resealed.get(spec.name, 0) + 1
                else:
                    raced += 1
        if len(rows) < spec.batch:
            return raced, unreadable
        last = getattr(rows[-1], key.key)


def _reseal(keyring: Keyring, blob: bytes, contexts: tuple[str, ...]) -> bytes | None:
    for context in contexts:
        try:
            plaintext = keyring.open(blob, context)
        except DecryptionError:
            continue
        return keyring.seal(plaintext, contexts[0])
    return None
