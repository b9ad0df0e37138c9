"""discovery: content preferences on gigs and the indexes gig discovery needs.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0006_discovery.up.sql")


def downgrade() -> None:
    run_sql_file("0006_discovery.down.sql")
