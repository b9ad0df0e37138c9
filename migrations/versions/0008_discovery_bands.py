"""discovery bands: the sparse radius search on a B-tree of latitude bands.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from preset.db.sqlfiles import run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0008_discovery_bands.up.sql")


def downgrade() -> None:
    run_sql_file("0008_discovery_bands.down.sql")
