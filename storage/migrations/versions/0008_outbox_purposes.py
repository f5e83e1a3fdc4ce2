"""outbox purposes: a message to an officer and an officer's reply to a reporter told apart

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Until now "officer" meant an officer's reply on WhatsApp and a message to an officer elsewhere.
    op.execute(
        "UPDATE outbox SET purpose = 'officer_reply' WHERE purpose = 'officer' AND channel = 'whatsapp'"
    )
    op.execute("UPDATE outbox SET purpose = 'to_officer' WHERE purpose = 'officer'")


def downgrade() -> None:
    op.execute("UPDATE outbox SET purpose = 'officer' WHERE purpose IN ('officer_reply', 'to_officer')")
