"""Run the SQL files that hold each migration's up and down steps (SQL-first migrations)."""

from __future__ import annotations

from pathlib import Path

from alembic import op

from preset.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "migrations" / "sql"


def sql_path(name: str) -> Path:
    return SQL_DIR / name


def run_sql_file(name: str) -> None:
    """Execute one SQL file as a whole (no bind-parameter parsing, so `%` and `:` are literal)."""
    op.get_bind().exec_driver_sql(sql_path(name).read_text(encoding="utf-8"))
