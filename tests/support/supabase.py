"""A Supabase-shaped database, built on the test server from what a Supabase project is.

There is no Supabase here, so the target is made of the facts that decide whether the migrations
run there (the issue "The migrations run on a real Supabase project" lists them):

* the role that migrates (Supabase's ``postgres``, here ``supabase_postgres`` because the test
  server's own ``postgres`` is its superuser) is **not** a superuser: CREATEROLE, CREATEDB,
  REPLICATION, BYPASSRLS, and ADMIN only on ``anon``, ``authenticated`` and ``service_role``.
  On PostgreSQL 16 and newer that really forbids it to alter any other role; on 15 CREATEROLE
  still may, so the tests also check that nothing was altered;
* ``anon`` and ``authenticated`` (NOLOGIN, INHERIT) with ``statement_timeout`` 3 s and 8 s,
  ``service_role`` (INHERIT, BYPASSRLS), ``authenticator`` (LOGIN, NOINHERIT, member of the
  three) with ``statement_timeout`` 8 s;
* a pre-existing ``auth`` schema with ``auth.uid()``, ``auth.role()``, ``auth.email()`` and
  ``auth.jwt()``, owned by ``supabase_auth_admin``, which ``postgres`` may re-grant;
* ``pg_stat_statements`` pre-installed in ``extensions`` and
  owned by Supabase's superuser (here the test server's superuser, playing ``supabase_admin``);
  ``earthdistance`` (with ``cube``) enabled the way Supabase's dashboard does it, as that
  superuser (``dashboard_extensions=False`` leaves it out);
* ``public`` granted to the API roles, and Supabase's default privileges in ``public``:
  ``legacy`` (projects made before late October 2026) grants them every privilege on new
  tables, sequences and functions; ``current`` grants TRUNCATE, REFERENCES and TRIGGER on new
  tables, UPDATE on new sequences and EXECUTE on new functions.

Roles are cluster-wide and the plain suite shares ``anon``, ``authenticated``, ``service_role``
and ``authenticator``: they are made Supabase-shaped under the server's migration lock, in ways
the plain suite does not notice (INHERIT on roles that are members of nothing; the 3 s / 8 s
timeouts on roles that cannot log in). ``authenticator``'s timeout is set per Supabase-shaped
database (``ALTER ROLE … IN DATABASE``), not for the whole server, because the plain suite's
API logs in as ``authenticator``; it goes away with the database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from preset.db import migrations
from preset.db.urls import render
from tests.support.database import TestServer, server_migration_lock, worker_suffix

#: Plays Supabase's `postgres`: the role the migrations run as.
OWNER = "supabase_postgres"
AUTH_ADMIN = "supabase_auth_admin"
API_ROLES = ("anon", "authenticated", "service_role")
GENERATIONS = ("legacy", "current")
#: Every role whose attributes, settings and memberships must survive the migrations unchanged.
SUPABASE_ROLES = (*API_ROLES, "authenticator", OWNER, AUTH_ADMIN)

# (rolcanlogin, rolinherit, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication)
_ROLE_ATTRIBUTES: dict[str, tuple[bool, bool, bool, bool, bool, bool]] = {
    "anon": (False, True, False, False, False, False),
    "authenticated": (False, True, False, False, False, False),
    "service_role": (False, True, True, False, False, False),
    "authenticator": (True, False, False, False, False, False),
    AUTH_ADMIN: (True, False, False, True, False, False),
    OWNER: (True, True, True, True, True, True),
}
_KEYWORDS = (
    ("LOGIN", "NOLOGIN"),
    ("INHERIT", "NOINHERIT"),
    ("BYPASSRLS", "NOBYPASSRLS"),
    ("CREATEROLE", "NOCREATEROLE"),
    ("CREATEDB", "NOCREATEDB"),
    ("REPLICATION", "NOREPLICATION"),
)
_GLOBAL_SETTINGS = {"anon": "3s", "authenticated": "8s"}
AUTHENTICATOR_TIMEOUT = "8s"

_DEFAULT_PRIVILEGES = {
    "legacy": {"TABLES": "ALL", "SEQUENCES": "ALL", "FUNCTIONS": "ALL"},
    "current": {
        "TABLES": "TRUNCATE, REFERENCES, TRIGGER",
        "SEQUENCES": "UPDATE",
        "FUNCTIONS": "EXECUTE",
    },
}

# The auth helpers as Supabase defines them (they read the claims PostgREST sets).
_AUTH_FUNCTIONS = """
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
COMMENT ON FUNCTION auth.uid() IS 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
COMMENT ON FUNCTION auth.role() IS 'Deprecated. Use auth.jwt() -> ''role'' instead.';
COMMENT ON FUNCTION auth.email() IS 'Deprecated. Use auth.jwt() -> ''email'' instead.';
"""


def ensure_roles(maintenance_url: str) -> None:
    """Create or shape the cluster-wide roles; idempotent, serialised with the migrations."""
    with server_migration_lock(maintenance_url):
        with psycopg.connect(maintenance_url, autocommit=True) as conn:
            for role, attributes in _ROLE_ATTRIBUTES.items():
                wanted = [
                    on if flag else off
                    for flag, (on, off) in zip(attributes, _KEYWORDS, strict=True)
                ]
                row = conn.execute(
                    "SELECT rolcanlogin, rolinherit, rolbypassrls, rolcreaterole, rolcreatedb, "
                    "rolreplication FROM pg_roles WHERE rolname = %s",
                    (role,),
                ).fetchone()
                if row is None:
                    conn.execute(
                        sql.SQL("CREATE ROLE {} " + " ".join(wanted)).format(sql.Identifier(role))
                    )
                elif tuple(row) != attributes:
                    conn.execute(
                        sql.SQL("ALTER ROLE {} " + " ".join(wanted)).format(sql.Identifier(role))
                    )
            for role, timeout in _GLOBAL_SETTINGS.items():
                current = conn.execute(
                    "SELECT setconfig FROM pg_db_role_setting "
                    "WHERE setdatabase = 0 AND setrole = %s::regrole",
                    (role,),
                ).fetchone()
                if current is None or f"statement_timeout={timeout}" not in (current[0] or []):
                    conn.execute(
                        sql.SQL("ALTER ROLE {} SET statement_timeout = {}").format(
                            sql.Identifier(role), sql.Literal(timeout)
                        )
                    )
            for role in API_ROLES:
                _grant_membership(conn, role, "authenticator", admin=False)
                _grant_membership(conn, role, OWNER, admin=True)


def _grant_membership(
    conn: psycopg.Connection[tuple[object, ...]], role: str, member: str, *, admin: bool
) -> None:
    row = conn.execute(
        "SELECT admin_option FROM pg_auth_members "
        "WHERE roleid = %s::regrole AND member = %s::regrole",
        (role, member),
    ).fetchone()
    if row is not None and (row[0] or not admin):
        return
    conn.execute(
        sql.SQL("GRANT {} TO {}" + (" WITH ADMIN OPTION" if admin else "")).format(
            sql.Identifier(role), sql.Identifier(member)
        )
    )


def owner_url(server: TestServer, dbname: str) -> str:
    """``dbname`` on the test server, as the Supabase-shaped migration owner."""
    return render(make_url(server.url(dbname)).set(username=OWNER, password=None))


def _layout_sql(superuser: str, generation: str, *, dashboard_extensions: bool) -> str:
    grants = _DEFAULT_PRIVILEGES[generation]
    default_privileges = "\n".join(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {role} IN SCHEMA public "
        f"GRANT {privileges} ON {kind} TO {grantees};"
        for role, grantees in (
            (OWNER, "anon, authenticated, service_role"),
            (superuser, f"{OWNER}, anon, authenticated, service_role"),
        )
        for kind, privileges in grants.items()
    )
    dashboard = (
        "CREATE EXTENSION cube WITH SCHEMA extensions;\n"
        "CREATE EXTENSION earthdistance WITH SCHEMA extensions;\n"
        if dashboard_extensions
        else ""
    )
    return f"""
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT ALL ON SCHEMA public TO {OWNER};
CREATE SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
GRANT ALL ON SCHEMA extensions TO {OWNER} WITH GRANT OPTION;
CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions;
{dashboard}
CREATE SCHEMA auth AUTHORIZATION {AUTH_ADMIN};
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role, {OWNER};
SET ROLE {AUTH_ADMIN};
{_AUTH_FUNCTIONS}
GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt()
    TO {OWNER} WITH GRANT OPTION;
RESET ROLE;
{default_privileges}
"""


def create_database(
    server: TestServer,
    dbname: str,
    generation: str = "legacy",
    *,
    dashboard_extensions: bool = True,
) -> str:
    """A new Supabase-shaped database; returns its URL as the migration owner."""
    ensure_roles(server.maintenance_url)
    with psycopg.connect(server.maintenance_url, autocommit=True) as conn:
        superuser = conn.execute("SELECT current_user").fetchone()
        assert superuser is not None
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(dbname), sql.Identifier(OWNER)
            )
        )
    with psycopg.connect(server.url(dbname), autocommit=True) as conn:
        conn.execute(
            _layout_sql(str(superuser[0]), generation, dashboard_extensions=dashboard_extensions)
        )
    set_database_settings(server, dbname)
    return owner_url(server, dbname)


def set_database_settings(server: TestServer, dbname: str) -> None:
    """Role settings that belong to one database (they are not copied with a template)."""
    with psycopg.connect(server.maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE authenticator IN DATABASE {} SET statement_timeout = {}").format(
                sql.Identifier(dbname), sql.Literal(AUTHENTICATOR_TIMEOUT)
            )
        )


def build_template(server: TestServer, generation: str = "legacy") -> str:
    """A migrated Supabase-shaped template database of this worker and process."""
    name = f"preset_supa_template_{generation}_{worker_suffix()}_{os.getpid()}"
    server.drop(name)
    url = create_database(server, name, generation)
    with server_migration_lock(server.maintenance_url):
        migrations.upgrade(url)
    with psycopg.connect(server.maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").format(
                sql.Identifier(name)
            )
        )
    return name


def clone(server: TestServer, template: str) -> str:
    """A copy of a migrated Supabase-shaped template; returns its name."""
    name = f"preset_supa_t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {} STRATEGY WAL_LOG").format(
                sql.Identifier(name), sql.Identifier(template), sql.Identifier(OWNER)
            )
        )
    set_database_settings(server, name)
    return name


@contextmanager
def fresh_database(
    server: TestServer, generation: str = "legacy", *, dashboard_extensions: bool = True
) -> Iterator[str]:
    """A new, unmigrated Supabase-shaped database for one test; dropped afterwards."""
    name = f"preset_supa_rt_{uuid.uuid4().hex[:12]}"
    try:
        yield create_database(server, name, generation, dashboard_extensions=dashboard_extensions)
    finally:
        server.drop(name)
