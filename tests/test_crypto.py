"""Sealing, pseudonyms and receipt hashes, including a key rotation."""

from __future__ import annotations

import hashlib

import pytest

from storage.crypto import DecryptionError, Keyring
from storage.secret import SecretKeyError, decode_secret

OLD, NEW = b"o" * 32, b"n" * 32


def test_sealed_values_open_only_in_their_own_context() -> None:
    ring = Keyring(NEW)
    blob = ring.seal_json({"story": "dipukul"}, "report-content:1")
    assert b"dipukul" not in blob
    assert ring.open_json(blob, "report-content:1") == {"story": "dipukul"}
    with pytest.raises(DecryptionError):
        ring.open(blob, "report-content:2")


def test_a_tampered_value_does_not_open() -> None:
    ring = Keyring(NEW)
    blob = bytearray(ring.seal(b"cerita", "ctx"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.open(bytes(blob), "ctx")


def test_old_data_opens_after_rotation_and_new_data_uses_the_new_key() -> None:
    old_blob = Keyring(OLD).seal(b"lama", "ctx")
    rotated = Keyring(NEW, (OLD,))
    assert rotated.open(old_blob, "ctx") == b"lama"
    assert rotated.needs_reseal(old_blob)
    assert not rotated.needs_reseal(rotated.seal(b"baru", "ctx"))
    with pytest.raises(DecryptionError):
        Keyring(NEW).open(old_blob, "ctx")


def test_pseudonyms_are_keyed_stable_and_found_after_rotation() -> None:
    old, rotated = Keyring(OLD), Keyring(NEW, (OLD,))
    assert old.pseudonym("telegram", "42") == old.pseudonym("telegram", "42")
    assert old.pseudonym("telegram", "42") != old.pseudonym("whatsapp", "42")
    assert old.pseudonym("telegram", "42") != hashlib.sha256(b"telegram:42").hexdigest(), "keyed"
    assert rotated.pseudonyms("telegram", "42")[1] == old.pseudonym("telegram", "42")
    assert rotated.pseudonym("telegram", "42") != old.pseudonym("telegram", "42")


def test_receipt_hashes_are_deterministic_keyed_and_not_the_code() -> None:
    ring = Keyring(NEW)
    code = "1234567890123456"
    assert ring.receipt_hash(code) == ring.receipt_hash(code)
    assert ring.receipt_hash(code) != Keyring(OLD).receipt_hash(code)
    assert ring.receipt_hash(code) != ring.receipt_hash("1234567890123457")
    assert code.encode() not in ring.receipt_hash(code)


@pytest.mark.parametrize("value", ["short", "", "c2hvcnQ="])
def test_a_weak_secret_key_is_refused_with_advice(value: str) -> None:
    with pytest.raises(SecretKeyError, match="at least 32 bytes"):
        decode_secret(value)


def test_pinned_lookup_keys_outlive_the_secret_they_came_from() -> None:
    old = Keyring(OLD)
    pinned = old.derived_lookup_keys()
    new = Keyring(NEW)
    new.pin_lookup_keys(pinned)
    assert new.pseudonyms("telegram", "42") == [
        old.pseudonym("telegram", "42"),
        Keyring(NEW).pseudonym("telegram", "42"),
    ]
    assert new.receipt_hash("1234567812345678") == old.receipt_hash("1234567812345678")
    assert new.mac("webchat-client", "n") == old.mac("webchat-client", "n")
    assert new.service_secret("console", "csrf") == Keyring(NEW).service_secret("console", "csrf")
    assert "pseudonym" not in repr(pinned) and repr(pinned.pseudonym)[2:10] not in repr(pinned)
    rotated = Keyring(NEW, (OLD,))
    rotated.pin_lookup_keys(pinned)
    assert len(rotated.receipt_hashes("1234567812345678")) == 2, "no key tried twice"
    assert len(old.receipt_hashes("1234567812345678")) == 1
