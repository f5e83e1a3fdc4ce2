"""outbox priority: urgent replies and messages to officers first when sends queue at a rate limit

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"))
    op.create_index("ix_outbox_pending", "outbox", ["channel", "sent_at", "dead_at", "id"])
    op.create_index("ix_inbox_updates_channel_pending", "inbox_updates", ["channel", "processed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_updates_channel_pending", table_name="inbox_updates")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
