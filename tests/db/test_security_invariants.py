"""Security invariants that hold for every table, policy, role and function, checked from the
catalogue so a new migration cannot quietly break them (issue 2, items 4 and 5).

Every test runs twice: on the plain server (migrated as its superuser) and on the Supabase-shaped
target (migrated as Supabase's non-superuser owner, under Supabase's default privileges, which
grant the API roles everything on every new object: tests/support/supabase.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from tests.db.conftest import TARGETS, target_database
from tests.db.test_access_matrix import DOCUMENT
from tests.support import factories as f
from tests.support.database import Database


@pytest.fixture(params=TARGETS)
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    yield from target_database(request, request.param)


# SECURITY DEFINER functions that anon or authenticated may call, each reviewed: they answer
# only about the caller (auth.uid()) or about rows every caller may already see.
CALLABLE_DEFINERS = {
    "current_account_state",
    "current_schema_revision",
    "current_user_role",
    "discover_gig_page",
    "gig_map_pin_ids",
    "has_applied",
    "is_admin",
    "is_gig_participant",
    "owns_gig",
    # 0003's set-returning helpers (answer only about auth.uid()) and the pair check used by
    # the showcase and conversation policies.
    "my_gig_ids",
    "my_applied_gig_ids",
    "my_participating_gig_ids",
    "application_status_of",
}
# Helpers that must stay with the owner: they change triggers or bypass policies.
OWNER_ONLY_FUNCTIONS = [
    "public.enable_audit(regclass, text, text[])",
    "public.disable_audit(regclass)",
    "public.audit_changes()",
    "public.refresh_profile_rating(uuid)",
]
# Wrapped as (select f()) so they run once per statement (an InitPlan), not once per row.
WRAPPED_CALLS = ("auth.uid()", "is_admin()", "current_user_role()")


def public_tables(db: Database) -> list[dict[str, object]]:
    return db.execute(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'
         ORDER BY c.relname
        """
    )


def test_every_table_has_row_level_security_enabled_forced_and_policies(db: Database) -> None:
    tables = public_tables(db)
    assert len(tables) >= 25
    bad = [
        t["relname"]
        for t in tables
        if not (t["relrowsecurity"] and t["relforcerowsecurity"] and int(str(t["policies"])) > 0)
    ]
    assert bad == []


REQUEST_ROLES = ("anon", "authenticated", "service_role", "authenticator")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
#: No request role ever holds these, on any relation.
NEVER_GRANTED = ("TRUNCATE", "REFERENCES", "TRIGGER")


def table_privileges(db: Database) -> tuple[str, ...]:
    """Every table privilege this server knows (MAINTAIN exists from PostgreSQL 17)."""
    (row,) = db.execute("SELECT current_setting('server_version_num')::int AS v")
    return TABLE_PRIVILEGES + (("MAINTAIN",) if int(row["v"]) >= 170000 else ())


def held(db: Database, kind: str, objects: str) -> list[tuple[str, str, str]]:
    """(object, role, privilege) for every privilege a request role holds on ``objects``."""
    privileges = table_privileges(db) if kind == "table" else ("USAGE", "SELECT", "UPDATE")
    check = "has_table_privilege" if kind == "table" else "has_sequence_privilege"
    rows = db.execute(
        f"""
        SELECT o.name, r.role, p.privilege
          FROM ({objects}) o(name), unnest(%(roles)s::text[]) r(role),
               unnest(%(privileges)s::text[]) p(privilege)
         WHERE {check}(r.role, o.name, p.privilege)
        """,
        {"roles": list(REQUEST_ROLES), "privileges": list(privileges)},
    )
    return sorted((str(r["name"]), str(r["role"]), str(r["privilege"])) for r in rows)


def test_the_migration_bookkeeping_is_closed_to_request_roles(db: Database) -> None:
    objects = "VALUES ('public.alembic_version'), ('preset_meta.provisioned')"
    assert (
        len(db.execute(f"SELECT * FROM ({objects}) o(name) WHERE to_regclass(name) IS NOT NULL"))
        == 2
    )
    assert held(db, "table", objects) == []
    rows = db.execute(
        "SELECT r FROM unnest(%s::text[]) r WHERE has_schema_privilege(r, 'preset_meta', 'USAGE')",
        (list(REQUEST_ROLES),),
    )
    assert rows == []


def test_no_request_role_may_truncate_reference_or_trigger_any_relation(db: Database) -> None:
    objects = """SELECT c.oid::regclass::text FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace
                    AND c.relkind IN ('r', 'p', 'v', 'm')"""
    assert len(db.execute(objects)) >= 30
    forbidden = set(NEVER_GRANTED) | ({"MAINTAIN"} & set(table_privileges(db)))
    assert [h for h in held(db, "table", objects) if h[2] in forbidden] == []


def test_table_privileges_are_exactly_the_access_matrix(db: Database) -> None:
    """A role holds SELECT/INSERT/UPDATE/DELETE on a table exactly where the matrix has an actor
    of that role whose cell is not `denied`; anything else it holds is a finding."""
    expected: set[tuple[str, str, str]] = set()
    for table, doc in DOCUMENT.items():
        for (actor, operation), token in doc.cells.items():
            role = actor if actor in ("anon", "service_role") else "authenticated"
            if token != "denied":  # noqa: S105 (a matrix cell, not a password)
                expected.add((table, role, operation))
    objects = "SELECT unnest(%(tables)s::text[])"
    rows = db.execute(
        f"""
        SELECT o.name, r.role, p.privilege
          FROM ({objects}) o(name), unnest(%(roles)s::text[]) r(role),
               unnest(%(privileges)s::text[]) p(privilege)
         WHERE has_table_privilege(r.role, 'public.' || o.name, p.privilege)
        """,
        {
            "tables": sorted(DOCUMENT),
            "roles": list(REQUEST_ROLES),
            "privileges": list(table_privileges(db)),
        },
    )
    actual = {(str(r["name"]), str(r["role"]), str(r["privilege"])) for r in rows}
    assert len(expected) > 100
    assert sorted(actual - expected) == [], "privileges the access matrix does not give"
    assert sorted(expected - actual) == [], "privileges the access matrix gives but are missing"


def test_no_request_role_holds_any_privilege_on_any_sequence(db: Database) -> None:
    objects = """SELECT c.oid::regclass::text FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'"""
    assert len(db.execute(objects)) >= 2
    assert held(db, "sequence", objects) == []


#: Every table a request role might try, from the access matrix plus Alembic's own; the next test
#: makes sure the catalog has no other (a new table without a section fails it).
EVERY_TABLE = sorted([*DOCUMENT, "alembic_version"])


def test_every_table_and_sequence_of_public_is_tried_below(db: Database) -> None:
    tables = db.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
        "AND relkind IN ('r', 'p') ORDER BY 1"
    )
    assert [t["relname"] for t in tables] == EVERY_TABLE
    orphans = db.execute(
        """
        SELECT s.relname FROM pg_class s
         WHERE s.relnamespace = 'public'::regnamespace AND s.relkind = 'S'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
        """
    )
    assert orphans == [], "sequences that belong to no table are not tried by the tests below"


def _refused(conn: psycopg.Connection[dict[str, object]], statement: str) -> str | None:
    """None when the statement was refused for lack of privilege, else what happened."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)
    except errors.InsufficientPrivilege as exc:
        primary = exc.diag.message_primary or ""
        return None if primary.startswith("permission denied for") else primary
    except psycopg.Error as exc:
        return f"{type(exc).__name__}: {exc}"
    return "it succeeded"


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("table", EVERY_TABLE)
def test_request_roles_cannot_truncate_a_table_or_move_its_sequences(
    db: Database, table: str, role: str
) -> None:
    """As the API would run them (role and Supabase's claims), TRUNCATE (with CASCADE), setval
    and nextval on the table's sequences, and any statement on alembic_version are refused."""
    user = f.make_user(db)["id"] if role == "authenticated" else None
    sequences = [
        r["seq"]
        for r in db.execute(
            "SELECT pg_get_serial_sequence(%s, a.attname) AS seq FROM pg_attribute a "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
            "AND pg_get_serial_sequence(%s, a.attname) IS NOT NULL",
            (f"public.{table}", f"public.{table}", f"public.{table}"),
        )
    ]
    statements = [f"TRUNCATE public.{table}", f"TRUNCATE public.{table} CASCADE"]
    for sequence in sequences:
        statements += [f"SELECT setval('{sequence}', 1)", f"SELECT nextval('{sequence}')"]
    if table == "alembic_version":
        statements += [
            "SELECT * FROM public.alembic_version",
            "INSERT INTO public.alembic_version VALUES ('x')",
            "UPDATE public.alembic_version SET version_num = 'x'",
            "DELETE FROM public.alembic_version",
        ]
    if table in ("audit_logs", "login_attempts"):
        assert sequences, f"{table} has an identity column: its sequence must be tried"
    outcomes = {}
    with db.as_role(role, user) as conn:
        for statement in statements:
            outcome = _refused(conn, statement)
            if outcome is not None:
                outcomes[statement] = outcome
    assert outcomes == {}, f"as {role}"


# Functions in public each request role may execute (not trigger functions, which cannot be
# called): the reviewed helpers of the policies and the API, and the invoker-rights helpers the
# guard triggers call as the caller.
EXECUTABLE = {
    "anon": {
        "application_transition_allowed",
        "assert_unchanged",
        "current_schema_revision",
        "current_user_role",
        "discover_gig_page",
        "gig_map_pin_ids",
        "gig_transition_allowed",
        "has_applied",
        "is_admin",
        "is_gig_participant",
        "is_platform",
        "my_applied_gig_ids",
        "my_gig_ids",
        "my_participating_gig_ids",
        "owns_gig",
        "profile_completion",
    },
}
EXECUTABLE["authenticated"] = EXECUTABLE["anon"] | {
    "application_status_of",
    "current_account_state",
}


@pytest.mark.parametrize("role", sorted(EXECUTABLE))
def test_request_roles_execute_exactly_the_reviewed_functions(db: Database, role: str) -> None:
    rows = db.execute(
        """
        SELECT p.proname FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.prorettype <> 'trigger'::regtype
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                            AND d.objid = p.oid AND d.deptype = 'e')
           AND has_function_privilege(%s, p.oid, 'EXECUTE')
        """,
        (role,),
    )
    assert {r["proname"] for r in rows} == EXECUTABLE[role]


def test_objects_created_later_give_request_roles_nothing(db: Database) -> None:
    """The migrating role's default privileges in public (Supabase's give the API roles
    TRUNCATE, REFERENCES, TRIGGER or everything): a table, its sequence and a function made now
    hold no privilege for a request role beyond PUBLIC's built-in EXECUTE."""
    with db.connect() as conn:
        conn.execute("CREATE TABLE public.preset_probe (id bigint GENERATED ALWAYS AS IDENTITY)")
        conn.execute(
            "CREATE FUNCTION public.preset_probe_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'"
        )
        rows = conn.execute(
            """
            SELECT r.role, p.privilege
              FROM unnest(%(roles)s::text[]) r(role), unnest(%(privileges)s::text[]) p(privilege)
             WHERE has_table_privilege(r.role, 'public.preset_probe', p.privilege)
            UNION ALL
            SELECT r.role, 'sequence ' || p.privilege
              FROM unnest(%(roles)s::text[]) r(role),
                   unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p(privilege)
             WHERE has_sequence_privilege(
                       r.role, pg_get_serial_sequence('public.preset_probe', 'id'), p.privilege)
            UNION ALL
            SELECT a.grantee::regrole::text, 'function ' || a.privilege_type
              FROM pg_proc f, aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
             WHERE f.oid = 'public.preset_probe_fn()'::regprocedure
               AND a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY(%(roles)s))
            """,
            {"roles": list(REQUEST_ROLES), "privileges": list(table_privileges(db))},
        ).fetchall()
        conn.rollback()
    assert rows == []


def test_policy_helper_calls_are_wrapped_in_a_subselect(db: Database) -> None:
    policies = db.execute(
        "SELECT tablename, policyname, qual, with_check FROM pg_policies "
        "WHERE schemaname = 'public'"
    )
    assert policies
    unwrapped = []
    total_wrapped = 0
    for policy in policies:
        for text in (policy["qual"], policy["with_check"]):
            if not text:
                continue
            for call in WRAPPED_CALLS:
                # PostgreSQL deparses `(select auth.uid())` as `( SELECT auth.uid() AS uid)`.
                every = text.count(call)
                wrapped = len(re.findall(r"\( SELECT " + re.escape(call), text))
                total_wrapped += wrapped
                if every != wrapped:
                    unwrapped.append(f"{policy['tablename']}: {policy['policyname']}: {call}")
    assert total_wrapped > 50, "the check must see the wrapped calls it is about"
    assert unwrapped == []


AUTH_UID = r"\( SELECT auth\.uid\(\) AS uid\)"
COMPARED = [
    re.compile(r"\(?(\w+) = " + AUTH_UID),  # col = (select auth.uid())
    re.compile(AUTH_UID + r" = (\w+)\)"),  # (select auth.uid()) = col
    re.compile(r"\((\w+) @> ARRAY\[" + AUTH_UID),  # participants @> ARRAY[(select auth.uid())]
]


def test_every_column_compared_with_auth_uid_is_indexed(db: Database) -> None:
    policies = db.execute(
        "SELECT tablename, qual, with_check FROM pg_policies WHERE schemaname = 'public'"
    )
    compared: set[tuple[str, str]] = set()
    for policy in policies:
        for text in (policy["qual"], policy["with_check"]):
            for pattern in COMPARED:
                for column in pattern.findall(text or ""):
                    compared.add((policy["tablename"], column))
    assert len(compared) >= 20, compared
    leading = {
        (r["table_name"], r["column_name"])
        for r in db.execute(
            """
            SELECT c.relname AS table_name, a.attname AS column_name
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
             WHERE n.nspname = 'public' AND i.indpred IS NULL
            """
        )
    }
    assert sorted(compared - leading) == []


def test_authenticator_logs_in_owns_nothing_and_only_switches_roles(db: Database) -> None:
    (role,) = db.execute(
        "SELECT rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolbypassrls, "
        "rolreplication FROM pg_roles WHERE rolname = 'authenticator'"
    )
    assert role == {
        "rolcanlogin": True,
        "rolsuper": False,
        "rolinherit": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
        "rolbypassrls": False,
        "rolreplication": False,
    }
    memberships = db.execute(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "WHERE m.member = 'authenticator'::regrole ORDER BY 1"
    )
    assert [m["rolname"] for m in memberships] == ["anon", "authenticated", "service_role"]
    owned = db.execute(
        """
        WITH a AS (SELECT 'authenticator'::regrole AS oid)
        SELECT relname::text AS name FROM pg_class, a WHERE relowner = a.oid
        UNION ALL SELECT proname::text FROM pg_proc, a WHERE proowner = a.oid
        UNION ALL SELECT nspname::text FROM pg_namespace, a WHERE nspowner = a.oid
        UNION ALL SELECT typname::text FROM pg_type, a WHERE typowner = a.oid
        UNION ALL SELECT datname::text FROM pg_database, a WHERE datdba = a.oid
        """
    )
    assert owned == []


def test_request_roles_cannot_log_in_and_only_the_service_role_bypasses_rls(db: Database) -> None:
    rows = db.execute(
        "SELECT rolname, rolcanlogin, rolbypassrls, rolsuper FROM pg_roles "
        "WHERE rolname IN ('anon', 'authenticated', 'service_role') ORDER BY rolname"
    )
    assert [(r["rolname"], r["rolcanlogin"], r["rolbypassrls"], r["rolsuper"]) for r in rows] == [
        ("anon", False, False, False),
        ("authenticated", False, False, False),
        ("service_role", False, True, False),
    ]


def test_owner_only_helpers_are_not_executable_by_request_roles(db: Database) -> None:
    for signature in OWNER_ONLY_FUNCTIONS:
        rows = db.execute(
            "SELECT has_function_privilege('anon', %(f)s, 'EXECUTE') AS anon, "
            "has_function_privilege('authenticated', %(f)s, 'EXECUTE') AS authenticated",
            {"f": signature},
        )
        assert rows == [{"anon": False, "authenticated": False}], signature


def test_security_definer_functions_are_reviewed_and_pin_their_search_path(db: Database) -> None:
    rows = db.execute(
        """
        SELECT p.proname,
               has_function_privilege('anon', p.oid, 'EXECUTE')
                 OR has_function_privilege('authenticated', p.oid, 'EXECUTE') AS callable,
               coalesce(array_to_string(p.proconfig, ','), '') ~ 'search_path=' AS pinned,
               -- Trigger functions cannot be called directly, whatever the grant says.
               p.prorettype = 'trigger'::regtype AS is_trigger
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.prosecdef
        """
    )
    assert rows
    assert [r["proname"] for r in rows if not r["pinned"]] == []
    unreviewed = sorted(
        {r["proname"] for r in rows if r["callable"] and not r["is_trigger"]} - CALLABLE_DEFINERS
    )
    assert unreviewed == [], "review these SECURITY DEFINER functions, then list them above"


def test_no_table_is_open_to_the_public_pseudo_role(db: Database) -> None:
    rows = db.execute(
        """
        SELECT c.relname, acl.privilege_type
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
               LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND acl.grantee = 0
        """
    )
    assert rows == []


@pytest.mark.parametrize("outsider", ["anon", "stranger"])
def test_definer_helpers_do_not_reveal_other_users_applications(
    db: Database, outsider: str
) -> None:
    """Applications are private to the applicant and the gig owner (access matrix); a helper
    callable by request roles must not tell anyone else whether X applied to Y and how it went."""
    owner = f.make_user(db, role="contributor")
    talent = f.make_user(db)
    gig = f.make_gig(db, owner_user_id=owner["id"])
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"], status="declined")
    stranger = f.make_user(db)["id"]
    role, user_id = ("anon", None) if outsider == "anon" else ("authenticated", stranger)
    with db.as_role(role, user_id) as conn:
        callable_ = conn.execute(
            "SELECT has_function_privilege('public.application_status_of(uuid, uuid)', 'EXECUTE')"
            " AS x"
        ).fetchone()
        assert callable_ is not None
        if callable_["x"]:
            status = conn.execute(
                "SELECT public.application_status_of(%s, %s) AS s", (gig["id"], talent["id"])
            ).fetchone()
            assert status is not None
            assert status["s"] is None, "application_status_of() leaks another user's application"
