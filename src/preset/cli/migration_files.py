"""Create a new SQL-first migration: the Alembic revision and its two SQL files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from preset.db.sqlfiles import (
    PIN_LENGTH,
    DefinitionFileError,
    apply_lines,
    definition_file,
    file_pin,
)
from preset.settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{1,60}$")

_UP_TEMPLATE = """\
-- {message}: the change. Runs in one transaction with the owner's privileges.
-- Every new table: ENABLE and FORCE ROW LEVEL SECURITY, grants to anon/authenticated/service_role
-- as needed, and its policies and triggers (audit ones included) in
-- migrations/current/policies/ and triggers/. A new or changed function, view, policy or trigger
-- is written in its file of migrations/current/ and applied from here by a line of its own,
-- `\\apply current/<kind>/<schema>.<name>.sql sha256=<pin>` (`preset db migration pin <file>`
-- prints it; docs/schema.md, "How to change a function, view, policy or trigger").
SET LOCAL search_path = public, extensions;
"""
_DOWN_TEMPLATE = """\
-- {message}: undoes the .up.sql exactly (drop what it created, in reverse order; a replaced
-- definition comes back from the frozen copy `preset db migration freeze` made).
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


def _relative_target(file: str, migrations_dir: Path) -> str:
    """`current/<kind>/<name>.sql` from that path, or from one that starts at the repository or
    at current/."""
    target = file.removeprefix("./").removeprefix("migrations/")
    if not target.startswith(("current/", "sql/")):
        target = f"current/{target}"
    try:
        definition_file(migrations_dir / target)
    except DefinitionFileError as exc:
        raise ValueError(str(exc)) from exc
    if not (migrations_dir / target).is_file():
        raise ValueError(f"{migrations_dir / target} does not exist")
    return target


def apply_line(file: str, *, migrations_dir: Path | None = None) -> str:
    """The line a migration's SQL applies a definition file with, pinned at its content now."""
    migrations_dir = migrations_dir or MIGRATIONS_DIR
    target = _relative_target(file, migrations_dir)
    return f"\\apply {target} sha256={file_pin(migrations_dir / target)}"


@dataclass(frozen=True)
class FrozenCopy:
    migration: Path
    copy: Path
    line: str


def freeze_definition(file: str, *, migrations_dir: Path | None = None) -> FrozenCopy:
    """Before a current file changes: the migration that applies it gets a copy of its own.

    The copy goes to migrations/sql/<revision>/<kind>/<schema>.<name>.sql and the migration's
    `\\apply` line names it instead, with the same pin, so the migration keeps producing exactly
    what it did; the current file is then free to change, for a new migration to apply.
    """
    migrations_dir = migrations_dir or MIGRATIONS_DIR
    target = _relative_target(file, migrations_dir)
    if not target.startswith("current/"):
        raise ValueError(f"{target} is not a current definition: only current/ files are frozen")
    users = [
        (path, line)
        for path in sorted((migrations_dir / "sql").glob("*.sql"))
        for line in apply_lines(path.read_text(encoding="utf-8"), path.name)
        if line.target == target
    ]
    if len(users) != 1:
        where = ", ".join(f"{path.name}:{line.line_number}" for path, line in users) or "none"
        raise ValueError(f"exactly one migration must apply {target} to freeze it (found: {where})")
    path, line = users[0]
    source = migrations_dir / target
    if file_pin(source) != line.pin:
        raise ValueError(
            f"{target} changed since {path.name} pinned it (sha256={line.pin}): restore it "
            "(git checkout -- the file), freeze, then edit it"
        )
    relative_copy = f"sql/{path.name.split('.')[0]}/{target.removeprefix('current/')}"
    copy = migrations_dir / relative_copy
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(source.read_bytes())
    new_line = f"\\apply {relative_copy} sha256={line.pin}"
    assert len(line.pin) == PIN_LENGTH
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    ending = "\n" if lines[line.line_number - 1].endswith("\n") else ""
    lines[line.line_number - 1] = new_line + ending
    path.write_text("".join(lines), encoding="utf-8")
    return FrozenCopy(migration=path, copy=copy, line=new_line)
