"""Settings from ``HOTLINE_*`` environment variables (and an optional ``.env``).

Secrets are ``SecretStr`` so that a stray ``repr`` or log line shows ``**********``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.deployment_file import load_deployment
from flows.deployment import Deployment
from storage.crypto import Keyring
from storage.secret import decode_secret, load_or_create_secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", env_file=".env", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str = "sqlite+aiosqlite:///./hotline.db"
    config: Path | None = None
    secret_key: SecretStr | None = None
    secret_key_file: Path = Path("hotline.secret")
    previous_secret_keys: SecretStr | None = None
    """Comma-separated retired keys, still used to open old data after a rotation."""
    log_level: str = "INFO"
    public_url: str | None = None
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    telegram_timeout: float = Field(default=15.0, gt=0)
    """Seconds before a Bot API call counts as failed (and is retried)."""
    telegram_rate: float = Field(default=30.0, ge=0)
    """Messages a second the bot sends at most (Telegram allows about 30); 0: unpaced."""
    telegram_chat_rate: float = Field(default=1.0, ge=0)
    """Messages a second into one chat (Telegram allows about one); 0: unpaced."""
    telegram_chat_burst: int = Field(default=3, ge=1)
    """How many messages one chat may get at once before the per-chat rate applies."""
    whatsapp_rate: float = Field(default=80.0, ge=0)
    """Messages a second per business number (the Cloud API's default throughput); 0: unpaced."""
    inbox_workers: int = Field(default=8, ge=1, le=256)
    """Conversations handled at the same time in one process (each still strictly in order)."""
    outbox_backoff_base: float = Field(default=2.0, gt=0)
    """Seconds of the first retry delay; it doubles per attempt (with jitter), up to 30 minutes."""
    max_attachment_mb: float = Field(default=20.0, gt=0, le=50)
    console_poll_seconds: float = Field(default=15.0, gt=0)
    quick_exit_url: str = "https://www.google.co.id/search?q=resep+masakan"
    """Where the web chat's quick-exit button goes: somewhere that looks like nothing."""
    whatsapp_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_reply_template: str | None = None
    """An approved message template (one body parameter: the report number) that tells a reporter
    outside the 24-hour window that an officer has replied; the reply itself waits for them."""
    whatsapp_template_language: str = "id"
    vapid_private_key: SecretStr | None = None
    """The Web Push (VAPID) private key, url-safe base64 of 32 bytes; unset: a 0600 file."""
    vapid_key_file: Path | None = None
    """Where the generated VAPID key lives; by default next to the secret key file."""
    vapid_subject: str | None = None
    """A contact for push services (``mailto:`` or an https URL); by default the public URL."""
    metrics_token: SecretStr | None = None
    """``/metrics`` answers only requests with ``Authorization: Bearer <token>``; unset, it is off."""
    trusted_proxies: str = ""
    """Comma-separated addresses of the TLS proxies whose ``X-Forwarded-For`` is believed; from
    anyone else the header is ignored (by default: from everyone)."""
    csv_delimiter: str = Field(default=";", pattern="^[;,]$")
    """Statistics CSV separator: ``;`` for Excel with Indonesian regional settings, or ``,``."""

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def vapid_file(self) -> Path:
        return self.vapid_key_file or self.secret_key_file.with_name("hotline.vapid")

    @property
    def vapid_contact(self) -> str:
        if self.vapid_subject:
            return self.vapid_subject
        if self.public_url and self.public_url.startswith("https://"):
            return self.public_url
        return "mailto:pksai-hotline@localhost"

    @cached_property
    def deployment(self) -> Deployment:
        return load_deployment(self.config)

    @cached_property
    def keyring(self) -> Keyring:
        if self.secret_key is not None:
            current = decode_secret(self.secret_key.get_secret_value())
        else:
            current = load_or_create_secret(self.secret_key_file)
        previous: tuple[bytes, ...] = ()
        if self.previous_secret_keys is not None:
            raw = self.previous_secret_keys.get_secret_value().split(",")
            previous = tuple(decode_secret(value) for value in raw if value.strip())
        return Keyring(current, previous)
