"""cancelled drafts: a draft may be cancelled without a schedule or roles (PRODUCT_RULES §3).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_cancelled_drafts.up.sql")


def downgrade() -> None:
    run_sql_file("0009_cancelled_drafts.down.sql")
