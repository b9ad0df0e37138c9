"""row level security.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0003_row_level_security.up.sql")


def downgrade() -> None:
    run_sql_file("0003_row_level_security.down.sql")
