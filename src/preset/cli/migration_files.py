"""Create a new SQL-first migration: the Alembic revision and its two SQL files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from preset.settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{1,60}$")

_UP_TEMPLATE = """\
-- {message}: the change. Runs in one transaction with the owner's privileges.
-- Every new table: ENABLE and FORCE ROW LEVEL SECURITY, a policy per operation
-- ("Users can view own …"), grants to anon/authenticated/service_role as needed, and
-- SELECT public.enable_audit('<table>');
SET LOCAL search_path = public, extensions;
"""
_DOWN_TEMPLATE = """\
-- {message}: undoes the .up.sql exactly (drop what it created, in reverse order).
SET LOCAL search_path = public, extensions;
"""


@dataclass(frozen=True)
class CreatedMigration:
    revision: str
    down_revision: str | None
    script: Path
    up_sql: Path
    down_sql: Path


def _config(migrations_dir: Path) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(migrations_dir))
    return config


def next_revision_id(script: ScriptDirectory) -> str:
    """Revisions are numbered 0001, 0002, …: the next number after the highest one."""
    numbers = [int(rev.revision) for rev in script.walk_revisions() if rev.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def create_migration(name: str, *, migrations_dir: Path | None = None) -> CreatedMigration:
    migrations_dir = migrations_dir or MIGRATIONS_DIR
    if not _NAME.match(name):
        raise ValueError(
            "a migration name is 2 to 61 characters: letters, digits, spaces, '-' or '_', "
            "starting with a letter"
        )
    config = _config(migrations_dir)
    script_dir = ScriptDirectory.from_config(config)
    heads = script_dir.get_heads()
    if len(heads) > 1:
        raise ValueError(f"the migrations have several heads ({', '.join(heads)}); merge first")
    revision_id = next_revision_id(script_dir)
    created = command.revision(config, message=name, rev_id=revision_id)
    if created is None or isinstance(created, list):
        raise RuntimeError("alembic did not create exactly one revision")
    script_path = Path(created.path)
    sql_dir = migrations_dir / "sql"
    sql_dir.mkdir(parents=True, exist_ok=True)
    up_sql = sql_dir / f"{script_path.stem}.up.sql"
    down_sql = sql_dir / f"{script_path.stem}.down.sql"
    up_sql.write_text(_UP_TEMPLATE.format(message=name), encoding="utf-8")
    down_sql.write_text(_DOWN_TEMPLATE.format(message=name), encoding="utf-8")
    down = created.down_revision
    return CreatedMigration(
        revision=revision_id,
        down_revision=down if isinstance(down, str) or down is None else ",".join(down),
        script=script_path,
        up_sql=up_sql,
        down_sql=down_sql,
    )
