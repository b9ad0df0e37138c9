"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

from pathlib import Path

from preset.db.sqlfiles import run_sql_file

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

# The SQL lives beside the other migrations' SQL, named after this file:
# migrations/sql/<this file's name>.up.sql and .down.sql (`preset db migration new` creates both).
_SQL = Path(__file__).stem


def upgrade() -> None:
    run_sql_file(f"{_SQL}.up.sql")


def downgrade() -> None:
    run_sql_file(f"{_SQL}.down.sql")
