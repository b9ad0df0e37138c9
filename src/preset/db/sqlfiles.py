"""Run the SQL files that hold each migration's up and down steps (SQL-first migrations)."""

from __future__ import annotations

from pathlib import Path

from alembic import op

from preset.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "migrations" / "sql"


def sql_path(name: str) -> Path:
    return SQL_DIR / name


def run_sql_file(name: str) -> None:
    """Execute one SQL file as a whole.

    Goes straight to the driver's cursor without parameters, so `%` (format()) and `:` (casts,
    JSON) in the SQL are never taken for bind-parameter markers.
    """
    dbapi_connection = op.get_bind().connection.dbapi_connection
    if dbapi_connection is None:
        raise RuntimeError("migration connection is closed")
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql_path(name).read_text(encoding="utf-8"))
    finally:
        cursor.close()
