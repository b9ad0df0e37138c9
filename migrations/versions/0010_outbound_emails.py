"""outbound emails: the delivery record of every e-mail, where a one-time token waits to be sent.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0010_outbound_emails.up.sql")


def downgrade() -> None:
    run_sql_file("0010_outbound_emails.down.sql")
