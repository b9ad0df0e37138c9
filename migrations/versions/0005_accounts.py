"""accounts: credentials, refresh tokens, e-mail tokens, login attempts.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0005_accounts.up.sql")


def downgrade() -> None:
    run_sql_file("0005_accounts.down.sql")
