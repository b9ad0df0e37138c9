"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        """
        -- SQL for this change
        SELECT 1;
        """
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        """
        -- SQL that undoes upgrade() exactly
        SELECT 1;
        """
    )
