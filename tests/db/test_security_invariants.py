"""Security invariants that hold for every table, policy, role and function, checked from the
catalogue so a new migration cannot quietly break them (issue 2, items 4 and 5)."""

from __future__ import annotations

import re

import pytest

from tests.support import factories as f
from tests.support.database import Database

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


def test_the_migration_bookkeeping_table_is_closed_to_request_roles(db: Database) -> None:
    rows = db.execute(
        "SELECT r.rolname, has_table_privilege(r.rolname, 'public.alembic_version', "
        "'SELECT, INSERT, UPDATE, DELETE') AS any FROM pg_roles r "
        "WHERE r.rolname IN ('anon', 'authenticated', 'service_role', 'authenticator')"
    )
    assert len(rows) == 4
    assert [r["rolname"] for r in rows if r["any"]] == []


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
