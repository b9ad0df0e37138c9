"""grants model: revoke everything from the request roles, then grant the access matrix.

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
    run_sql_file("0009_grants_model.up.sql")


def downgrade() -> None:
    run_sql_file("0009_grants_model.down.sql")
