"""Run the SQL files that hold each migration's up and down steps (SQL-first migrations).

A migration's SQL applies a file of definitions with a line of its own:

    \\apply current/functions/public.is_admin.sql sha256=0123456789abcdef

The path is relative to `migrations/`; `current/` holds the definition of every function, view,
policy and trigger as the database has it at head (migrations/current/README.md). The pin (the
first 16 hex digits of the file's SHA-256) keeps history fixed: a migration that applies a
current file produces what it produced when it was written, or refuses to run. When a later
migration changes the definition, the older one first gets a frozen copy of its own
(`preset db migration freeze`), and the new one applies the edited current file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from alembic import op

from preset.settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SQL_DIR = MIGRATIONS_DIR / "sql"
CURRENT_DIR = MIGRATIONS_DIR / "current"

#: The kinds of definition, in the order a database can be built from them: policies and
#: triggers call functions; views are created before the policies and triggers that may use them.
KINDS = ("functions", "views", "policies", "triggers")

_APPLY = re.compile(r"^\\apply[ \t]+(?P<path>\S+)[ \t]+sha256=(?P<pin>[0-9a-f]{16})[ \t]*$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
PIN_LENGTH = 16


class DefinitionFileError(RuntimeError):
    """A definition file, or a migration's line that applies one, is not what it should be."""


@dataclass(frozen=True)
class DefinitionFile:
    """One file of definitions: `<kind>/<schema>.<name>.sql`.

    functions/ and views/ are named after the function or view (every overload of a function
    name goes in its one file); policies/ and triggers/ after the table, and hold all of its
    policies or triggers.
    """

    path: Path
    kind: str
    schema: str
    name: str

    @property
    def relative(self) -> str:
        """The path a migration's `\\apply` line names (relative to migrations/)."""
        return self.path.relative_to(MIGRATIONS_DIR).as_posix()

    @property
    def entity(self) -> str:
        return f"{self.schema}.{self.name}"

    def pin(self) -> str:
        return file_pin(self.path)

    def applying_sql(self) -> str:
        """The SQL that applies the file.

        A policies or triggers file is the table's whole set: applying it first drops every
        policy (or every trigger but PostgreSQL's internal ones) the table has, so a later
        migration can apply an edited file whatever the earlier one created.
        """
        text = self.path.read_text(encoding="utf-8")
        if self.kind in _DROP_ALL:
            return _DROP_ALL[self.kind].format(table=self.entity) + text
        return text


# The table name comes from a checked file name (definition_file): an identifier, safe here.
_DROP_ALL = {
    "policies": """DO $apply$
DECLARE
    item name;
BEGIN
    FOR item IN SELECT polname FROM pg_catalog.pg_policy WHERE polrelid = '{table}'::regclass LOOP
        EXECUTE format('DROP POLICY %I ON {table}', item);
    END LOOP;
END
$apply$;
""",
    "triggers": """DO $apply$
DECLARE
    item name;
BEGIN
    FOR item IN SELECT tgname FROM pg_catalog.pg_trigger
                 WHERE tgrelid = '{table}'::regclass AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON {table}', item);
    END LOOP;
END
$apply$;
""",
}


def file_pin(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:PIN_LENGTH]


def definition_file(path: Path) -> DefinitionFile:
    """Read `<kind>/<schema>.<name>.sql` off a path (under current/ or a frozen copy)."""
    kind = path.parent.name
    parts = path.name.removesuffix(".sql").split(".")
    if (
        kind not in KINDS
        or not path.name.endswith(".sql")
        or len(parts) != 2
        or not all(_IDENTIFIER.match(part) for part in parts)
    ):
        raise DefinitionFileError(
            f"{path}: a definition file is <kind>/<schema>.<name>.sql, kind one of "
            f"{', '.join(KINDS)}, schema and name lower-case identifiers"
        )
    return DefinitionFile(path=path, kind=kind, schema=parts[0], name=parts[1])


def current_definitions(current_dir: Path | None = None) -> list[DefinitionFile]:
    """Every file of current/, kind by kind in KINDS order, then by name."""
    root = current_dir or CURRENT_DIR
    found = [definition_file(path) for kind in KINDS for path in sorted((root / kind).glob("*"))]
    stray = sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.parent != root and path.parent.name not in KINDS
    )
    if stray:
        raise DefinitionFileError(f"files outside {', '.join(KINDS)}: {stray}")
    return found


@dataclass(frozen=True)
class ApplyLine:
    """One `\\apply <path> sha256=<pin>` line of a migration's SQL file."""

    origin: str
    line_number: int
    target: str
    pin: str

    @property
    def path(self) -> Path:
        return MIGRATIONS_DIR / self.target


def apply_lines(text: str, origin: str) -> list[ApplyLine]:
    """The `\\apply` lines of a migration's SQL; any other line starting with `\\` is an error."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("\\"):
            continue
        match = _APPLY.match(line)
        if match is None:
            raise DefinitionFileError(
                f"{origin}:{number}: expected `\\apply <path under migrations/> "
                f"sha256=<{PIN_LENGTH} hex digits>`, got {line!r}"
            )
        found.append(ApplyLine(origin, number, match["path"], match["pin"]))
    return found


def check_pin(line: ApplyLine) -> DefinitionFile:
    definition = definition_file(line.path)
    if not line.path.is_file():
        raise DefinitionFileError(f"{line.origin}:{line.line_number}: {line.target} does not exist")
    actual = definition.pin()
    if actual != line.pin:
        raise DefinitionFileError(
            f"{line.origin}:{line.line_number} applies {line.target} pinned at sha256={line.pin}, "
            f"but the file is now sha256={actual}. A migration keeps producing what it produced "
            "when it was written: restore the file, give this migration a frozen copy "
            f"(`preset db migration freeze {line.target}`), then edit the file and apply it from "
            "a new migration (docs/schema.md, 'How to change a function, view, policy or "
            "trigger'). Only if this migration has never run anywhere, update its pin instead."
        )
    return definition


def expand(text: str, origin: str) -> str:
    """The SQL to run: every `\\apply` line replaced by the SQL that applies its file."""
    by_line = {line.line_number: line for line in apply_lines(text, origin)}
    out = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        apply = by_line.get(number)
        if apply is None:
            out.append(line)
            continue
        applied = check_pin(apply).applying_sql()
        out.append(f"-- {line.strip()}\n{applied}")
        if not applied.endswith("\n"):
            out.append("\n")
    return "".join(out)


def sql_path(name: str) -> Path:
    return SQL_DIR / name


def run_sql_file(name: str) -> None:
    """Execute one SQL file as a whole, with the definition files it applies.

    Goes straight to the driver's cursor without parameters, so `%` (format()) and `:` (casts,
    JSON) in the SQL are never taken for bind-parameter markers.
    """
    text = expand(sql_path(name).read_text(encoding="utf-8"), name)
    dbapi_connection = op.get_bind().connection.dbapi_connection
    if dbapi_connection is None:
        raise RuntimeError("migration connection is closed")
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(text)
    finally:
        cursor.close()
