"""migrate → seed → rollback to base → migrate, and nothing of ours left at base.

"Nothing left" is checked against a fresh empty database of the same server: every
database-local catalog (relations, functions, types, schemas and their privileges, policies,
triggers, extensions, operators, casts, default privileges, comments, shared dependencies such
as grants to roles) must read the same by name. Roles, and settings made with ``ALTER ROLE …
SET`` without ``IN DATABASE``, are cluster-wide objects that other databases of the cluster may
use, so the downgrade intentionally keeps them; they are not compared.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from preset.cli import app
from preset.db import migrations
from tests.support import database

#: One query per catalog; each returns rows that name objects independently of their oids.
CATALOG_QUERIES: dict[str, str] = {
    "pg_namespace": "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace",
    "pg_class": """SELECT n.nspname, c.relname, c.relkind, c.relacl::text FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace""",
    "pg_proc": """SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                         p.proacl::text
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace""",
    "pg_type": """SELECT n.nspname, t.typname FROM pg_type t
                   JOIN pg_namespace n ON n.oid = t.typnamespace""",
    "pg_policy": "SELECT polrelid::regclass::text, polname FROM pg_policy",
    "pg_trigger": "SELECT tgrelid::regclass::text, tgname FROM pg_trigger",
    "pg_event_trigger": "SELECT evtname FROM pg_event_trigger",
    "pg_extension": "SELECT extname, extversion FROM pg_extension",
    "pg_operator": """SELECT n.nspname, o.oprname, o.oprleft::regtype::text,
                             o.oprright::regtype::text
                        FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace""",
    "pg_opclass": """SELECT n.nspname, c.opcname FROM pg_opclass c
                      JOIN pg_namespace n ON n.oid = c.opcnamespace""",
    "pg_opfamily": """SELECT n.nspname, f.opfname FROM pg_opfamily f
                       JOIN pg_namespace n ON n.oid = f.opfnamespace""",
    "pg_cast": "SELECT castsource::regtype::text, casttarget::regtype::text FROM pg_cast",
    "pg_constraint": """SELECT n.nspname, c.conname, c.contype FROM pg_constraint c
                         JOIN pg_namespace n ON n.oid = c.connamespace""",
    "pg_default_acl": "SELECT defaclrole::regrole::text, defaclobjtype, defaclacl::text "
    "FROM pg_default_acl",
    "pg_publication": "SELECT pubname FROM pg_publication",
    "pg_collation": "SELECT collname FROM pg_collation",
    "pg_ts_config": "SELECT cfgname FROM pg_ts_config",
    "pg_language": "SELECT lanname FROM pg_language",
    "pg_foreign_data_wrapper": "SELECT fdwname FROM pg_foreign_data_wrapper",
    "pg_description": "SELECT classoid::regclass::text, objoid, objsubid, description "
    "FROM pg_description WHERE objoid < 16384",
    "pg_description (user objects)": "SELECT count(*) FROM pg_description WHERE objoid >= 16384",
    "pg_init_privs": "SELECT count(*) FROM pg_init_privs",
    "pg_largeobject_metadata": "SELECT count(*) FROM pg_largeobject_metadata",
    "pg_db_role_setting (this database)": """SELECT setrole::regrole::text, setconfig::text
        FROM pg_db_role_setting
        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())""",
    "pg_shdepend (this database)": """SELECT classid::regclass::text, refclassid::regclass::text,
        deptype, count(*) FROM pg_shdepend
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        GROUP BY 1, 2, 3""",
    "database acl": "SELECT datacl::text FROM pg_database WHERE datname = current_database()",
}


def catalog_snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(url) as conn:
        return {
            name: sorted(conn.execute(query).fetchall(), key=repr)
            for name, query in CATALOG_QUERIES.items()
        }


def differences(
    expected: dict[str, list[tuple[object, ...]]], actual: dict[str, list[tuple[object, ...]]]
) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    found = {}
    for name in expected:
        extra = [row for row in actual[name] if row not in expected[name]]
        missing = [row for row in expected[name] if row not in actual[name]]
        if extra or missing:
            found[name] = {"left over": extra, "missing": missing}
    return found


@pytest.fixture()
def fresh_databases(test_server: database.TestServer) -> Iterator[tuple[str, str, str]]:
    """Two new, empty databases made the same way: a reference and one to migrate."""
    names = [f"preset_rt_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("empty", "work")]
    with psycopg.connect(test_server.maintenance_url, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield test_server.url(names[0]), test_server.url(names[1]), test_server.maintenance_url
    finally:
        for name in names:
            test_server.drop(name)


def test_migrate_rollback_to_base_migrate_leaves_nothing_behind(
    fresh_databases: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_url, url, maintenance_url = fresh_databases
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRESET_ENV", "test")
    runner = CliRunner()
    reference = catalog_snapshot(empty_url)
    assert differences(reference, catalog_snapshot(url)) == {}

    for round_number in (1, 2):
        with database.server_migration_lock(maintenance_url):
            migrated = runner.invoke(app, ["db", "migrate"])
        assert migrated.exit_code == 0, migrated.output
        assert migrations.current_revision(url) == migrations.head_revision()
        seeded = runner.invoke(app, ["db", "seed", "--demo", "--users", "60"])
        assert seeded.exit_code == 0, seeded.output
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM users").fetchone()
        assert row == (63,), f"round {round_number}"
        # The snapshot does see our objects while they exist.
        assert {"pg_class", "pg_proc", "pg_policy", "pg_trigger", "pg_extension"} <= set(
            differences(reference, catalog_snapshot(url))
        )

        rolled = runner.invoke(app, ["db", "rollback", "--base"])
        assert rolled.exit_code == 0, rolled.output
        assert migrations.current_revision(url) is None
        assert differences(reference, catalog_snapshot(url)) == {}, f"round {round_number}"
