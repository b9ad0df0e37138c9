"""The migrations on a Supabase-shaped database: migrate → rollback to base → migrate, as
Supabase's non-superuser owner, leaving every Supabase-owned object exactly as it was.

"Exactly" is a catalog comparison: the cluster-wide facts of Supabase's roles (attributes,
settings everywhere and in this database, memberships with their options, comments), the `auth`
schema and its functions (owner, ACL, body, comment), every extension (owner, schema, version,
comment), the schemas `public`, `auth` and `extensions` (owner, ACL, comment), every default
privilege and the database's owner and ACL; and after rollback also every database-local
catalog that test_migration_roundtrip compares with a fresh database.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors, sql
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from preset.cli import app
from preset.db import migrations
from preset.db.urls import render
from tests.db.test_migration_roundtrip import catalog_snapshot, differences
from tests.support import supabase
from tests.support.api import SmtpServer, api_client, app_settings_for, bearer, signup
from tests.support.database import Database, server_migration_lock
from tests.support.database import TestServer as Server

Snapshot = dict[str, list[tuple[object, ...]]]

_ROLE_OIDS = "(SELECT oid FROM pg_roles WHERE rolname = ANY(%(roles)s))"
SUPABASE_QUERIES: dict[str, str] = {
    "roles": """SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
                       rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil::text
                  FROM pg_roles WHERE rolname = ANY(%(roles)s)""",
    "role settings": f"""SELECT setrole::regrole::text, setdatabase = 0 AS everywhere,
                                setconfig::text
                           FROM pg_db_role_setting WHERE setrole IN {_ROLE_OIDS}
                            AND setdatabase IN (0, (SELECT oid FROM pg_database
                                                     WHERE datname = current_database()))""",
    "memberships": f"""SELECT roleid::regrole::text, member::regrole::text, grantor::regrole::text,
                              (to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor')::text
                         FROM pg_auth_members m
                        WHERE roleid IN {_ROLE_OIDS} AND member IN {_ROLE_OIDS}""",
    "role comments": f"""SELECT objoid::regrole::text, description FROM pg_shdescription
                          WHERE classoid = 'pg_authid'::regclass AND objoid IN {_ROLE_OIDS}""",
    "schemas": """SELECT nspname, nspowner::regrole::text, nspacl::text,
                         obj_description(oid, 'pg_namespace')
                    FROM pg_namespace WHERE nspname IN ('public', 'auth', 'extensions')""",
    "auth functions": """SELECT p.oid::regprocedure::text, p.proowner::regrole::text,
                                p.proacl::text, p.prosrc, p.proconfig::text, p.prosecdef,
                                obj_description(p.oid, 'pg_proc')
                           FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace""",
    "extensions": """SELECT extname, extversion, extowner::regrole::text,
                            extnamespace::regnamespace::text, obj_description(oid, 'pg_extension')
                       FROM pg_extension""",
    "default privileges": """SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text,
                                    defaclobjtype::text, defaclacl::text FROM pg_default_acl""",
    "database": """SELECT datdba::regrole::text, datacl::text FROM pg_database
                    WHERE datname = current_database()""",
}


def supabase_snapshot(url: str) -> Snapshot:
    with psycopg.connect(url) as conn:
        return {
            name: sorted(
                conn.execute(query, {"roles": list(supabase.SUPABASE_ROLES)}).fetchall(), key=repr
            )
            for name, query in SUPABASE_QUERIES.items()
        }


def full_snapshot(url: str) -> Snapshot:
    return supabase_snapshot(url) | catalog_snapshot(url)


def while_migrated(snapshot: Snapshot) -> Snapshot:
    """What must not change even while the schema is in place: everything but the extensions
    the migrations created (pg_trgm) and the migrating role's default privileges (0011)."""
    kept = {name: rows for name, rows in snapshot.items() if name in SUPABASE_QUERIES}
    kept["extensions"] = [row for row in snapshot["extensions"] if row[0] != "pg_trgm"]
    del kept["default privileges"]
    return kept


def cli(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRESET_ENV", "test")
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def server_version(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    assert row is not None
    return int(row[0])


def test_the_target_is_shaped_like_supabase(test_server: Server) -> None:
    """The facts the migrations have to live with, checked on the target itself."""
    with supabase.fresh_database(test_server) as url, psycopg.connect(url) as conn:
        (owner,) = conn.execute(
            "SELECT row(rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls)::text "
            "FROM pg_roles WHERE rolname = current_user"
        ).fetchall()
        assert owner == ("(f,t,t,t,t)",)
        admin_of = conn.execute(
            "SELECT roleid::regrole::text FROM pg_auth_members "
            "WHERE member = current_user::regrole AND admin_option "
            "AND roleid::regrole::text = ANY(%s) ORDER BY 1",
            (list(supabase.SUPABASE_ROLES),),
        ).fetchall()
        assert admin_of == [("anon",), ("authenticated",), ("service_role",)]
        inherit = conn.execute(
            "SELECT rolname, rolinherit FROM pg_roles "
            "WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator') ORDER BY 1"
        ).fetchall()
        assert inherit == [
            ("anon", True),
            ("authenticated", True),
            ("authenticator", False),
            ("service_role", True),
        ]
        # Other settings may exist (the first 0001 gave authenticator a search_path everywhere).
        timeouts = conn.execute(
            "SELECT setrole::regrole::text, c FROM pg_db_role_setting, unnest(setconfig) c "
            "WHERE setrole::regrole::text IN ('anon', 'authenticated', 'authenticator') "
            "AND setdatabase IN (0, (SELECT oid FROM pg_database "
            "WHERE datname = current_database())) AND c LIKE 'statement_timeout=%' ORDER BY 1"
        ).fetchall()
        assert timeouts == [
            ("anon", "statement_timeout=3s"),
            ("authenticated", "statement_timeout=8s"),
            ("authenticator", "statement_timeout=8s"),
        ]
        owners = conn.execute(
            "SELECT p.oid::regprocedure::text, p.proowner::regrole::text FROM pg_proc p "
            "WHERE p.pronamespace = 'auth'::regnamespace ORDER BY 1"
        ).fetchall()
        assert owners == [
            (f"auth.{name}()", supabase.AUTH_ADMIN) for name in ("email", "jwt", "role", "uid")
        ]
        statements = conn.execute(
            "SELECT extowner <> current_user::regrole, extnamespace::regnamespace::text "
            "FROM pg_extension WHERE extname = 'pg_stat_statements'"
        ).fetchall()
        assert statements == [(True, "extensions")]
        defaults = conn.execute(
            "SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a "
            "WHERE d.defaclrole = current_user::regrole AND a.grantee = 'anon'::regrole "
            "AND a.privilege_type = 'TRUNCATE'"
        ).fetchone()
        assert defaults == (1,)
        # PostgreSQL 16 refuses a non-superuser owner to alter a role it has no ADMIN on; 15's
        # CREATEROLE still may, which is why the round trip compares every role afterwards.
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("ALTER ROLE authenticator SET search_path = public")
            altered = True
        except errors.InsufficientPrivilege:
            altered = False
        assert altered is (server_version(url) < 160000)
        conn.rollback()
        # Untrusted: only Supabase's allow-list (the dashboard) creates it.
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("CREATE EXTENSION bloom")


@pytest.mark.parametrize("generation", supabase.GENERATIONS)
def test_migrate_rollback_to_base_migrate_leaves_supabase_as_it_was(
    test_server: Server, monkeypatch: pytest.MonkeyPatch, generation: str
) -> None:
    with supabase.fresh_database(test_server, generation) as url:
        before = full_snapshot(url)
        for round_number in (1, 2):
            with server_migration_lock(test_server.maintenance_url):
                cli(url, monkeypatch, "db", "migrate")
            assert migrations.current_revision(url) == migrations.head_revision()
            cli(url, monkeypatch, "db", "seed")
            with psycopg.connect(url) as conn:
                assert conn.execute("SELECT count(*) FROM users").fetchone() == (3,)
            migrated = full_snapshot(url)
            assert differences(while_migrated(before), while_migrated(migrated)) == {}, (
                f"round {round_number}: Supabase's objects changed by the migrations"
            )
            # The comparison sees the migrations' own objects while they exist.
            assert {"pg_class", "pg_proc", "pg_policy", "extensions", "default privileges"} <= set(
                differences(before, migrated)
            )
            cli(url, monkeypatch, "db", "rollback", "--base")
            assert migrations.current_revision(url) is None
            assert differences(before, full_snapshot(url)) == {}, f"round {round_number}"


def test_migrate_asks_for_earthdistance_where_it_may_not_create_it(
    test_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the dashboard step the first migration stops, says what to do, and changes
    nothing (each migration is one transaction)."""
    with supabase.fresh_database(test_server, dashboard_extensions=False) as url:
        before = full_snapshot(url)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PRESET_ENV", "test")
        with server_migration_lock(test_server.maintenance_url):
            result = CliRunner().invoke(app, ["db", "migrate"])
        assert result.exit_code != 0
        message = f"{result.output}\n{result.exception!r}"
        assert "extension earthdistance is not installed" in message, message
        assert "enable earthdistance in the dashboard" in message, message
        assert migrations.current_revision(url) is None
        assert differences(before, full_snapshot(url)) == {}


def test_a_database_built_by_the_first_0001_upgrades_and_still_rolls_back_to_nothing(
    test_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Databases migrated before 0001 kept its books (plain servers only: it could not run on
    Supabase) have no `preset_meta`, an explicit USAGE on `public` for the API roles and their
    auth objects marked 'created by preset'. 0011 writes down what that 0001 created, so that
    rolling back to base still removes exactly what it did (checked by hand against the first
    0001's own SQL too)."""
    names = [f"preset_legacy_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("empty", "work")]
    with psycopg.connect(test_server.maintenance_url, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    empty_url, url = (test_server.url(name) for name in names)
    try:
        reference = catalog_snapshot(empty_url)
        with server_migration_lock(test_server.maintenance_url):
            migrations.upgrade(url, "0008")
        with psycopg.connect(url) as conn:
            conn.execute("DROP SCHEMA preset_meta CASCADE")
            conn.execute("GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role")
        cli(url, monkeypatch, "db", "migrate")
        with psycopg.connect(url) as conn:
            books = conn.execute(
                "SELECT kind, name FROM preset_meta.provisioned WHERE step = '0001' ORDER BY 1, 2"
            ).fetchall()
        assert books == [
            ("extension", "cube"),
            ("extension", "earthdistance"),
            ("extension", "pg_stat_statements"),
            ("extension", "pg_trgm"),
            ("function", "auth.email()"),
            ("function", "auth.jwt()"),
            ("function", "auth.role()"),
            ("function", "auth.uid()"),
            ("grant", "usage on schema public"),
            ("schema", "auth"),
            ("schema", "extensions"),
        ]
        cli(url, monkeypatch, "db", "rollback", "--base")
        assert differences(reference, catalog_snapshot(url)) == {}
    finally:
        for name in names:
            test_server.drop(name)


def test_the_api_runs_on_the_target_through_a_login_role_of_the_projects_own(
    test_server: Server, supabase_template: str, smtp: SmtpServer
) -> None:
    """The documented deployment: Supabase's `authenticator` is PostgREST's (its password is
    Supabase's, and `postgres` may not alter it), so the API logs in as a role the owner
    creates, which it may make a member of the three API roles (ADMIN on them), and grants the
    two functions the API calls before its role switch (README, "Supabase")."""
    name = supabase.clone(test_server, supabase_template)
    login = f"preset_api_{uuid.uuid4().hex[:8]}"
    owner = supabase.owner_url(test_server, name)
    try:
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT").format(sql.Identifier(login)))
            conn.execute(
                sql.SQL("GRANT anon, authenticated, service_role TO {}").format(
                    sql.Identifier(login)
                )
            )
            # What the API calls as the login role, before its role switch takes effect.
            conn.execute(
                sql.SQL(
                    "GRANT EXECUTE ON FUNCTION public.current_account_state(), "
                    "public.current_schema_revision() TO {}"
                ).format(sql.Identifier(login))
            )
        settings = app_settings_for(Database(owner), smtp)
        settings.db.app_database_url = SecretStr(render(make_url(owner).set(username=login)))
        with api_client(settings) as client:
            assert client.get("/health").status_code == 200
            token = signup(client)["access_token"]
            me = client.get("/api/users/me", headers=bearer(token))
            assert me.status_code == 200, me.text
            assert client.get("/api/gigs").status_code == 200
    finally:
        test_server.drop(name)
        with psycopg.connect(test_server.maintenance_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
