"""outbound emails: the delivery record of every e-mail, where a one-time token waits to be sent.

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
    run_sql_file("0009_outbound_emails.up.sql")


def downgrade() -> None:
    run_sql_file("0009_outbound_emails.down.sql")
