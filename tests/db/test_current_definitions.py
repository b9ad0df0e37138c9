"""migrations/current/ holds every function, view, policy and trigger as the database has it.

The check compares catalog with catalog, never catalog with hand-written text (PostgreSQL's
deparsed output differs between versions): a clone of the migrated database is stripped of every
function, view, policy and trigger of the project, rebuilt from the folder's files alone, and
its catalog must read the same as the migrated database's. So a definition that differs, an
object without a file and a file without an object all fail, on any server version.
"""

from __future__ import annotations

import difflib
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import sql
from typer.testing import CliRunner

from preset.cli import app, migration_files
from preset.db import migrations, sqlfiles
from preset.db.sqlfiles import DefinitionFileError, current_definitions
from preset.settings import PROJECT_ROOT
from tests.support.database import Database, TestServer, server_migration_lock

#: The project's own objects: everything of public that no extension owns, and in the other
#: schemas (auth's Supabase stand-ins) what 0001 marks as created by preset.
_OURS = """NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass
                                AND d.objid = {oid} AND d.deptype = 'e')
           AND (n.nspname = 'public'
                OR (n.nspname IN ('auth', 'extensions')
                    AND obj_description({oid}, '{catalog}') = 'created by preset'))"""

FUNCTIONS = f"""
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS args,
       format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
           AS signature,
       pg_get_functiondef(p.oid) AS definition, obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE {_OURS.format(catalog="pg_proc", oid="p.oid")}
"""
VIEWS = f"""
SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid) AS definition,
       c.reloptions::text AS options, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm') AND {_OURS.format(catalog="pg_class", oid="c.oid")}
"""
POLICIES = """
SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check
  FROM pg_policies WHERE schemaname = 'public'
"""
TRIGGERS = """
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition,
       t.tgenabled::text AS enabled
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND n.nspname = 'public'
"""


@dataclass(frozen=True)
class CatalogEntry:
    """One object as the catalog describes it, and the file of current/ that must define it."""

    file: str
    key: str
    definition: tuple[object, ...]


def catalog_entries(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, CatalogEntry]:
    entries: list[CatalogEntry] = []
    for schema, name, args, signature, definition, comment in conn.execute(FUNCTIONS):
        entries.append(
            CatalogEntry(
                f"functions/{schema}.{name}.sql",
                f"function {signature}",
                (definition, comment, args),
            )
        )
    for schema, name, kind, definition, options, comment in conn.execute(VIEWS):
        entries.append(
            CatalogEntry(
                f"views/{schema}.{name}.sql",
                f"view {schema}.{name}",
                (kind, definition, options, comment),
            )
        )
    for schema, table, name, *definition in conn.execute(POLICIES):
        entries.append(
            CatalogEntry(
                f"policies/{schema}.{table}.sql",
                f'policy "{name}" on {schema}.{table}',
                tuple(definition),
            )
        )
    for schema, table, name, definition, enabled in conn.execute(TRIGGERS):
        entries.append(
            CatalogEntry(
                f"triggers/{schema}.{table}.sql",
                f"trigger {name} on {schema}.{table}",
                (definition, enabled),
            )
        )
    found = {entry.key: entry for entry in entries}
    assert len(found) == len(entries), "two catalog entries share a key"
    return found


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    # The same session settings for every catalog read, so deparsed names qualify alike.
    return psycopg.connect(url, options="-c search_path=public,extensions")


def strip_project_definitions(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Drop every trigger, policy, view and function of the project (never with CASCADE: a
    dependency this does not know about fails here instead of taking other objects with it)."""
    for schema, table, name, _definition, _enabled in conn.execute(TRIGGERS).fetchall():
        conn.execute(
            sql.SQL("DROP TRIGGER {} ON {}.{}").format(
                sql.Identifier(str(name)), sql.Identifier(str(schema)), sql.Identifier(str(table))
            )
        )
    for schema, table, name, *_rest in conn.execute(POLICIES).fetchall():
        conn.execute(
            sql.SQL("DROP POLICY {} ON {}.{}").format(
                sql.Identifier(str(name)), sql.Identifier(str(schema)), sql.Identifier(str(table))
            )
        )
    for schema, name, kind, *_rest in conn.execute(VIEWS).fetchall():
        what = "MATERIALIZED VIEW" if kind == "m" else "VIEW"
        conn.execute(
            sql.SQL("DROP {} {}.{}").format(
                sql.SQL(what), sql.Identifier(str(schema)), sql.Identifier(str(name))
            )
        )
    for _schema, _name, _args, signature, *_rest in conn.execute(FUNCTIONS).fetchall():
        conn.execute(sql.SQL("DROP FUNCTION {}").format(sql.SQL(str(signature))))


@pytest.fixture()
def scratch(test_server: TestServer, template_db: str) -> Iterator[str]:
    """A second clone of the migrated template, to strip and rebuild."""
    name = test_server.clone(template_db)
    try:
        yield test_server.url(name)
    finally:
        test_server.drop(name)


def rebuild_from_current(url: str) -> dict[str, set[str]]:
    """Strip the project's definitions, apply every current file; what each file created."""
    created: dict[str, set[str]] = {}
    with connect(url) as conn:
        strip_project_definitions(conn)
        assert catalog_entries(conn) == {}, "stripping left project definitions behind"
        # A function body may name a view applied after it; the bodies were checked when the
        # migrations created them.
        conn.execute("SET LOCAL check_function_bodies = off")
        for definition in current_definitions():
            before = set(catalog_entries(conn))
            conn.execute(definition.applying_sql().encode())
            relative = definition.path.relative_to(sqlfiles.CURRENT_DIR).as_posix()
            created[relative] = set(catalog_entries(conn)) - before
        conn.commit()
    return created


def _lines(definition: tuple[object, ...]) -> list[str]:
    return [line for part in definition for line in str(part).splitlines() or [repr(part)]]


def test_the_migrated_database_matches_the_current_definitions(db: Database, scratch: str) -> None:
    with connect(db.url) as conn:
        migrated = catalog_entries(conn)
    created = rebuild_from_current(scratch)
    with connect(scratch) as conn:
        rebuilt = catalog_entries(conn)

    # Enough objects that an empty or half-read catalog cannot pass.
    kinds = {key.split(" ")[0] for key in migrated}
    assert {"function", "policy", "trigger"} <= kinds
    assert any(key.startswith("function public.discover_gig_page(") for key in migrated)

    without_file = sorted(
        f"{key} (expected in {migrated[key].file})" for key in migrated.keys() - rebuilt.keys()
    )
    without_object = sorted(
        f"{key} (from {rebuilt[key].file})" for key in rebuilt.keys() - migrated.keys()
    )
    different = sorted(
        f"{key} (migrations/current/{migrated[key].file}):\n"
        + "\n".join(
            difflib.unified_diff(
                _lines(migrated[key].definition),
                _lines(rebuilt[key].definition),
                "migrated",
                "from the file",
                lineterm="",
            )
        )
        for key in migrated.keys() & rebuilt.keys()
        if migrated[key].definition != rebuilt[key].definition
    )
    problems = (
        [f"in the database but in no current file: {item}" for item in without_file]
        + [
            f"created by a current file, not in the migrated database: {item}"
            for item in without_object
        ]
        + [f"differs: {item}" for item in different]
    )
    assert problems == [], "\n".join(problems)

    # Each file defines its own entity and nothing else, and every file defines something.
    misplaced = sorted(
        f"{relative} created {key}, which belongs in {rebuilt[key].file}"
        for relative, keys in created.items()
        for key in keys
        if rebuilt[key].file != relative
    )
    assert misplaced == []
    assert sorted(relative for relative, keys in created.items() if not keys) == []


def test_every_object_has_a_file_and_every_file_an_object(db: Database) -> None:
    with connect(db.url) as conn:
        expected = {entry.file for entry in catalog_entries(conn).values()}
    files = {
        definition.path.relative_to(sqlfiles.CURRENT_DIR).as_posix()
        for definition in current_definitions()
    }
    assert sorted(expected - files) == [], "objects of the database without a current file"
    assert sorted(files - expected) == [], "current files without an object in the database"


#: Created by 0001 inside its conditional block (only where the server has none), which keeps
#: its own copy: no migration applies these files.
AUTH_STAND_INS = {f"current/functions/auth.{name}.sql" for name in ("uid", "role", "email", "jwt")}


def migration_apply_lines() -> list[sqlfiles.ApplyLine]:
    found = []
    for path in sorted(sqlfiles.SQL_DIR.glob("*.sql")):
        found.extend(sqlfiles.apply_lines(path.read_text(encoding="utf-8"), path.name))
    return found


def test_every_current_file_is_applied_by_exactly_one_migration_at_its_pin() -> None:
    lines = migration_apply_lines()
    assert len(lines) > 50
    for line in lines:
        sqlfiles.check_pin(line)  # raises, naming the migration, when a file moved on
    applied: dict[str, list[str]] = {}
    for line in lines:
        applied.setdefault(line.target, []).append(line.origin)
    current = {definition.relative for definition in current_definitions()}
    assert {target: origins for target, origins in applied.items() if len(origins) > 1} == {}
    assert sorted(current - applied.keys()) == sorted(AUTH_STAND_INS)
    assert all(target in current or target.startswith("sql/") for target in applied), (
        "an \\apply line names a file outside current/ and the frozen copies"
    )


def test_a_migration_refuses_a_file_that_changed_since_its_pin() -> None:
    target = "current/functions/public.is_admin.sql"
    real = sqlfiles.file_pin(sqlfiles.MIGRATIONS_DIR / target)
    stale = "0" * sqlfiles.PIN_LENGTH if real != "0" * sqlfiles.PIN_LENGTH else "1" * 16
    assert "CREATE OR REPLACE FUNCTION public.is_admin()" in sqlfiles.expand(
        f"SELECT 1;\n\\apply {target} sha256={real}\n", "0099_example.up.sql"
    )
    with pytest.raises(DefinitionFileError, match=r"0099_example.up.sql:2 applies .* pinned at"):
        sqlfiles.expand(f"SELECT 1;\n\\apply {target} sha256={stale}\n", "0099_example.up.sql")
    with pytest.raises(DefinitionFileError, match="expected `"):
        sqlfiles.expand(f"\\i {target}\n", "0099_example.up.sql")


# ------------------------------------------------------------------- every revision, both ways
#: The rest of the schema, read the same way (Alembic's own version table left out: a rollback
#: to base empties it, where base had none). A revoke writes out an owner's default privileges
#: where they were NULL, which grants the same: both read as acldefault().
SCHEMA_QUERIES = {
    "relations": """SELECT c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
                           coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'
                                                         ELSE 'r' END::"char", c.relowner))::text
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relname NOT LIKE 'alembic%'""",
    "columns": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid)
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE n.nspname = 'public' AND c.relname NOT LIKE 'alembic%'
                     AND a.attnum > 0 AND NOT a.attisdropped""",
    "indexes": """SELECT indexname, indexdef FROM pg_indexes
                   WHERE schemaname = 'public' AND tablename NOT LIKE 'alembic%'""",
    "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                         AND conrelid::regclass::text NOT LIKE 'alembic%'""",
    "function privileges": """SELECT p.oid::regprocedure::text,
                                     coalesce(p.proacl, acldefault('f'::"char", p.proowner))::text
                                FROM pg_proc p
                               WHERE p.pronamespace = 'public'::regnamespace""",
}


def schema_at(url: str) -> dict[str, object]:
    with connect(url) as conn:
        snapshot: dict[str, object] = {
            name: sorted(conn.execute(query).fetchall(), key=repr)
            for name, query in SCHEMA_QUERIES.items()
        }
        snapshot["definitions"] = {
            key: entry.definition for key, entry in catalog_entries(conn).items()
        }
    return snapshot


@pytest.fixture()
def empty_database(test_server: TestServer) -> Iterator[str]:
    name = f"preset_steps_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(test_server.maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield test_server.url(name)
    finally:
        test_server.drop(name)


def test_each_downgrade_restores_what_the_revision_below_built(
    test_server: TestServer, empty_database: str
) -> None:
    """Up one revision at a time, then down one at a time: every revision reads the same both
    ways, so each down step restores the definitions its migration replaced."""
    url = empty_database
    script = ScriptDirectory.from_config(migrations.alembic_config("postgresql://unused/unused"))
    revisions = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001" and revisions[-1] == migrations.head_revision()
    built: dict[str, dict[str, object]] = {"base": schema_at(url)}
    with server_migration_lock(test_server.maintenance_url):
        for revision in revisions:
            migrations.upgrade(url, revision)
            built[revision] = schema_at(url)
    assert built[revisions[-1]]["definitions"] != built["base"]["definitions"]

    for revision in [*reversed(revisions[:-1]), "base"]:
        migrations.downgrade(url, revision)
        assert migrations.current_revision(url) == (None if revision == "base" else revision)
        after = schema_at(url)
        changed = {name for name in after if after[name] != built[revision][name]}
        assert changed == set(), f"down to {revision}: {sorted(changed)} differ from the way up"


def test_the_function_files_use_create_or_replace() -> None:
    """A later migration applies an edited file over the function it replaces."""
    plain = [
        definition.relative
        for definition in current_definitions()
        if definition.kind in ("functions", "views")
        and re.search(r"^CREATE (FUNCTION|VIEW)", definition.path.read_text(), re.M)
    ]
    assert plain == []


def test_changing_a_function_freeze_edit_apply_and_roll_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflow of docs/schema.md, on a copy of migrations/ (never the repository's)."""
    copy = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migration_files, "MIGRATIONS_DIR", copy)
    for name, path in (
        ("MIGRATIONS_DIR", copy),
        ("SQL_DIR", copy / "sql"),
        ("CURRENT_DIR", copy / "current"),
    ):
        monkeypatch.setattr(sqlfiles, name, path)
    runner = CliRunner()
    name = "functions/public.gig_transition_allowed.sql"
    current = copy / "current" / name
    frozen = copy / "sql" / "0003_row_level_security" / name
    original = current.read_bytes()

    # 1. Freeze: 0003 applies a copy of its own, byte for byte what it applied.
    result = runner.invoke(app, ["db", "migration", "freeze", name])
    assert result.exit_code == 0, result.output
    assert frozen.read_bytes() == original
    up_0003 = (copy / "sql" / "0003_row_level_security.up.sql").read_text()
    assert f"\\apply current/{name} " not in up_0003
    assert f"\\apply sql/0003_row_level_security/{name} sha256=" in up_0003
    again = runner.invoke(app, ["db", "migration", "freeze", name])
    assert again.exit_code == 1 and "exactly one migration must apply" in again.output

    # 2. Edit the current file; 3. a new migration applies it, its down step the old text.
    current.write_text(
        current.read_text().replace(
            "('closed', 'cancelled'))", "('closed', 'cancelled'), ('closed', 'draft'))"
        )
    )
    created = runner.invoke(app, ["db", "migration", "new", "closed gigs reopen as drafts"])
    assert created.exit_code == 0, created.output
    (up,) = (copy / "sql").glob("*_closed_gigs_reopen_as_drafts.up.sql")
    down = up.with_name(up.name.replace(".up.sql", ".down.sql"))
    for sql_file, file in ((up, name), (down, frozen.relative_to(copy).as_posix())):
        line = runner.invoke(app, ["db", "migration", "pin", file])
        assert line.exit_code == 0, line.output
        sql_file.write_text(sql_file.read_text() + line.output)
    for path in sorted((copy / "sql").glob("*.sql")):
        for apply in sqlfiles.apply_lines(path.read_text(), path.name):
            sqlfiles.check_pin(apply)

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(copy))
    config.attributes["url"] = db.url
    allowed = "SELECT public.gig_transition_allowed('closed', 'draft') AS ok"
    assert db.execute(allowed) == [{"ok": False}]
    command.upgrade(config, "head")
    assert db.execute(allowed) == [{"ok": True}]
    command.downgrade(config, "-1")
    assert db.execute(allowed) == [{"ok": False}]
