"""The deployment's root secret: from ``HOTLINE_SECRET_KEY`` or a 0600 file made on first run.

Everything private hangs on it (pseudonyms, content encryption, receipt hashing), so it is never
logged, never printed, and never written anywhere but its own file.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

MIN_SECRET_BYTES = 32


class SecretKeyError(RuntimeError):
    pass


def decode_secret(value: str) -> bytes:
    """Accept url-safe base64 of >= 32 bytes, or any passphrase of >= 32 characters."""
    value = value.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        if len(raw) >= MIN_SECRET_BYTES:
            return raw
    except ValueError:
        pass
    if len(value) >= MIN_SECRET_BYTES:
        return value.encode()
    raise SecretKeyError(
        f"the secret key must be at least {MIN_SECRET_BYTES} bytes "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    )


def load_or_create_secret(path: Path) -> bytes:
    """Read the key file, or create it (owner-only) the first time; racing creators agree."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(MIN_SECRET_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(token + "\n")
    if path.stat().st_mode & 0o077:
        raise SecretKeyError(f"{path} is readable by others; run: chmod 600 {path}")
    return decode_secret(path.read_text())
