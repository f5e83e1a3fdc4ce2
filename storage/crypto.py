"""Pseudonyms, encryption at rest and receipt hashes, all derived from the root secret(s).

A ``Keyring`` holds the current secret and any previous ones (key rotation): new data is always
sealed with the current secret; old ciphertexts name their key id and still open until
``hotline keys rotate`` re-seals them, after which the previous secret can be dropped.

Keyed hashes (pseudonyms of messenger accounts, receipt hashes, attempt-counter names, web chat
tokens) cannot be recomputed without the original value, which is never kept. So they are not
re-keyed: their keys (``LookupKeys``) are fixed once per deployment, kept in the database sealed
under the current secret, and travel with every rotation like any other sealed value. Until a
deployment has pinned them, lookups try the keys derived from every secret in the keyring.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12

# Receipt codes have 53 bits of entropy; a keyed, memory-hard hash keeps a stolen database from
# turning into a list of codes even for someone who also guesses the pepper derivation.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19_456
ARGON2_PARALLELISM = 1


class DecryptionError(ValueError):
    pass


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret)


@dataclass(frozen=True, repr=False)
class LookupKeys:
    """The keys of everything found by a keyed hash; they outlive any one root secret."""

    pseudonym: bytes
    receipt_pepper: bytes
    counters: bytes

    SIZE = 96

    def to_bytes(self) -> bytes:
        return self.pseudonym + self.receipt_pepper + self.counters

    @classmethod
    def from_bytes(cls, raw: bytes) -> LookupKeys:
        if len(raw) != cls.SIZE:
            raise DecryptionError("lookup keys have the wrong length")
        return cls(raw[:32], raw[32:64], raw[64:])


@dataclass(frozen=True)
class _Key:
    secret: bytes

    @cached_property
    def content(self) -> bytes:
        return _derive(self.secret, "pksai-hotline/content/v1")

    @cached_property
    def key_id(self) -> bytes:
        return hashlib.sha256(b"key-id" + self.content).digest()[:KEY_ID_BYTES]

    @cached_property
    def pseudonym(self) -> bytes:
        return _derive(self.secret, "pksai-hotline/pseudonym/v1")

    @cached_property
    def receipt_pepper(self) -> bytes:
        return _derive(self.secret, "pksai-hotline/receipt/v1")

    @cached_property
    def counters(self) -> bytes:
        return _derive(self.secret, "pksai-hotline/counters/v1")

    @cached_property
    def lookup(self) -> LookupKeys:
        return LookupKeys(self.pseudonym, self.receipt_pepper, self.counters)


class Keyring:
    def __init__(self, current: bytes, previous: tuple[bytes, ...] = ()):
        self._keys = [_Key(current), *(_Key(p) for p in previous)]
        self._by_id = {k.key_id: k for k in self._keys}
        self._pinned: LookupKeys | None = None

    @property
    def current_key_id(self) -> str:
        return self._keys[0].key_id.hex()

    @property
    def key_ids(self) -> list[str]:
        return [k.key_id.hex() for k in self._keys]

    # Lookup keys: pinned per deployment (see the module docstring), else derived per secret.

    def derived_lookup_keys(self) -> LookupKeys:
        """What a deployment pins the first time: the keys its current secret has been using."""
        return self._keys[0].lookup

    def pin_lookup_keys(self, keys: LookupKeys) -> None:
        self._pinned = keys

    @property
    def _lookups(self) -> list[LookupKeys]:
        """Pinned keys first, then those of each secret (values keyed before the pin), no repeats:
        every extra entry costs an Argon2 run per receipt lookup."""
        found: list[LookupKeys] = []
        for keys in [self._pinned, *(k.lookup for k in self._keys)]:
            if keys is not None and keys not in found:
                found.append(keys)
        return found

    def service_secret(self, purpose: str, name: str) -> str:
        """A secret for the service's own use (CSRF signing, the Telegram webhook), from the
        current secret: it changes with a rotation, and each start re-registers it."""
        message = f"{purpose}:{name}".encode()
        return hmac.new(self._keys[0].pseudonym, message, hashlib.sha256).hexdigest()

    # Pseudonyms: the stable, keyed name of a messenger account; the account id itself is never kept.

    def pseudonyms(self, channel: str, user_id: str) -> list[str]:
        """Under the pinned lookup keys first, then under each secret's own (values keyed before
        the deployment pinned its keys)."""
        message = f"{channel}:{user_id}".encode()
        return [hmac.new(k.pseudonym, message, hashlib.sha256).hexdigest() for k in self._lookups]

    def pseudonym(self, channel: str, user_id: str) -> str:
        return self.pseudonyms(channel, user_id)[0]

    def counter_key(self, purpose: str, subject: str) -> str:
        """The name of an attempt counter: a keyed hash of what is counted (an address, an account
        name), so the database never holds the thing itself."""
        return self.mac(purpose, subject)

    def mac(self, purpose: str, message: str) -> str:
        """A keyed hash (hex) under the lookup keys, for counters and self-checking tokens."""
        data = f"{purpose}:{message}".encode()
        return hmac.new(self._lookups[0].counters, data, hashlib.sha256).hexdigest()

    # Encryption at rest (AES-256-GCM); ``context`` binds a ciphertext to its row and column.

    def seal(self, plaintext: bytes, context: str) -> bytes:
        key = self._keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key.content).encrypt(nonce, plaintext, context.encode())
        return FORMAT_VERSION + key.key_id + nonce + sealed

    def open(self, blob: bytes, context: str) -> bytes:
        if len(blob) < 1 + KEY_ID_BYTES + NONCE_BYTES + 16 or blob[:1] != FORMAT_VERSION:
            raise DecryptionError("not a sealed value")
        key = self._by_id.get(blob[1 : 1 + KEY_ID_BYTES])
        if key is None:
            raise DecryptionError("sealed with a key that is not in the keyring")
        nonce = blob[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
        try:
            return AESGCM(key.content).decrypt(
                nonce, blob[1 + KEY_ID_BYTES + NONCE_BYTES :], context.encode()
            )
        except Exception as exc:  # InvalidTag: tampered, or moved to another row
            raise DecryptionError("sealed value does not open in this context") from exc

    def seal_json(self, value: Any, context: str) -> bytes:
        return self.seal(json.dumps(value, separators=(",", ":")).encode(), context)

    def open_json(self, blob: bytes, context: str) -> dict[str, Any]:
        value = json.loads(self.open(blob, context))
        if not isinstance(value, dict):
            raise ValueError("sealed JSON is not an object")
        return value

    def needs_reseal(self, blob: bytes) -> bool:
        return blob[1 : 1 + KEY_ID_BYTES] != self._keys[0].key_id

    @staticmethod
    def key_id_of(blob: bytes) -> str:
        return blob[1 : 1 + KEY_ID_BYTES].hex()

    # Receipt codes: looked up by a deterministic keyed Argon2id hash, never stored or recoverable.

    def receipt_hashes(self, code: str) -> list[bytes]:
        return [self._receipt_hash(k, code) for k in self._lookups]

    def receipt_hash(self, code: str) -> bytes:
        return self._receipt_hash(self._lookups[0], code)

    @staticmethod
    def _receipt_hash(key: LookupKeys, code: str) -> bytes:
        keyed = hmac.new(key.receipt_pepper, code.encode(), hashlib.sha256).digest()
        salt = hmac.new(key.receipt_pepper, b"salt", hashlib.sha256).digest()[:16]
        return hash_secret_raw(
            secret=keyed,
            salt=salt,
            time_cost=ARGON2_TIME_COST,
            memory_cost=ARGON2_MEMORY_KIB,
            parallelism=ARGON2_PARALLELISM,
            hash_len=32,
            type=Type.ID,
        )
