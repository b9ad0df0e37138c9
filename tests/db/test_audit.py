"""The audit trail (PRODUCT_RULES §9, issue 2 item 6): every write on every table is recorded
with the acting user, the operation, the row and what changed; audit rows are append-only for
everyone but the database owner."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.support import factories as f
from tests.support.database import Database, DbRow


def audit_rows(db: Database, table: str, row_id: Any) -> list[DbRow]:
    return db.execute(
        "SELECT * FROM audit_logs WHERE table_name = %s AND row_id = %s ORDER BY id",
        (table, str(row_id)),
    )


def test_an_insert_by_a_user_is_recorded_with_every_column(db: Database) -> None:
    user = f.make_user(db)
    with db.as_role("authenticated", user["id"]) as conn:
        row = conn.execute(
            "INSERT INTO media (owner_user_id, type, bucket, path, mime_type) "
            "VALUES (%s, 'image', 'media', 'a/b.jpg', 'image/png') RETURNING id",
            (user["id"],),
        ).fetchone()
    assert row is not None
    (entry,) = audit_rows(db, "media", row["id"])
    assert entry["operation"] == "INSERT"
    assert entry["actor_user_id"] == user["id"]
    assert entry["actor_role"] == "authenticated"
    assert entry["changes"]["path"] == {"old": None, "new": "a/b.jpg"}
    assert entry["changes"]["owner_user_id"] == {"old": None, "new": str(user["id"])}
    columns = {
        r["column_name"]
        for r in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'media'"
        )
    }
    assert set(entry["changes"]) == columns


def test_an_update_records_only_the_changed_columns_old_to_new(db: Database) -> None:
    user = f.make_user(db)
    profile = f.make_profile(db, user_id=user["id"], bio="Before", city="Cork")
    with db.as_role("authenticated", user["id"]) as conn:
        conn.execute(
            "UPDATE profiles SET bio = 'After', city = 'Cork' WHERE id = %s", (profile["id"],)
        )
    entries = audit_rows(db, "profiles", profile["id"])
    assert [e["operation"] for e in entries] == ["INSERT", "UPDATE"]
    update = entries[1]
    assert update["actor_user_id"] == user["id"]
    # city was set to the value it had: not a change. updated_at moves with every update.
    assert set(update["changes"]) == {"bio", "updated_at"}
    assert update["changes"]["bio"] == {"old": "Before", "new": "After"}


def test_a_delete_records_the_old_row(db: Database) -> None:
    user = f.make_user(db)
    media = f.make_media(db, owner_user_id=user["id"])
    with db.as_role("authenticated", user["id"]) as conn:
        assert conn.execute("DELETE FROM media WHERE id = %s", (media["id"],)).rowcount == 1
    entry = audit_rows(db, "media", media["id"])[-1]
    assert entry["operation"] == "DELETE"
    assert entry["actor_user_id"] == user["id"]
    assert entry["changes"]["path"] == {"old": media["path"], "new": None}


def test_one_statement_touching_many_rows_records_each_row(db: Database) -> None:
    user = f.make_user(db)
    ids = [f.make_notification(db, user_id=user["id"])["id"] for _ in range(3)]
    with db.as_role("authenticated", user["id"]) as conn:
        assert (
            conn.execute(
                "UPDATE notifications SET read_at = now() WHERE user_id = %s", (user["id"],)
            ).rowcount
            == 3
        )
    for notification_id in ids:
        operations = [e["operation"] for e in audit_rows(db, "notifications", notification_id)]
        assert operations == ["INSERT", "UPDATE"]


def test_platform_writes_are_recorded_with_the_service_role(db: Database) -> None:
    user = f.make_user(db)
    with db.as_role("service_role") as conn:
        conn.execute("UPDATE users SET subscription_tier = 'pro' WHERE id = %s", (user["id"],))
    entry = audit_rows(db, "users", user["id"])[-1]
    assert (entry["operation"], entry["actor_role"], entry["actor_user_id"]) == (
        "UPDATE",
        "service_role",
        None,
    )
    assert entry["changes"]["subscription_tier"] == {"old": "free", "new": "pro"}


def test_a_refused_write_leaves_no_audit_row(db: Database) -> None:
    user = f.make_user(db)
    before = db.execute("SELECT count(*) AS n FROM audit_logs")[0]["n"]
    with pytest.raises(errors.InsufficientPrivilege):
        with db.as_role("authenticated", user["id"]) as conn:
            conn.execute("UPDATE users SET role = 'admin' WHERE id = %s", (user["id"],))
    assert db.execute("SELECT count(*) AS n FROM audit_logs")[0]["n"] == before


# ===================================================================== append-only
STATEMENTS = {
    "UPDATE": "UPDATE audit_logs SET row_id = 'tampered'",
    "DELETE": "DELETE FROM audit_logs",
    "TRUNCATE": "TRUNCATE audit_logs",
}


def _seed_audit(db: Database) -> tuple[DbRow, int]:
    admin = f.make_user(db, role="admin")
    total = int(db.execute("SELECT count(*) AS n FROM audit_logs")[0]["n"])
    assert total > 0
    return admin, total


@pytest.mark.parametrize("statement", sorted(STATEMENTS))
@pytest.mark.parametrize("actor", ["admin", "service_role", "anon"])
def test_nobody_but_the_owner_changes_audit_rows(db: Database, actor: str, statement: str) -> None:
    admin, total = _seed_audit(db)
    before = db.execute("SELECT * FROM audit_logs ORDER BY id")
    role = "authenticated" if actor == "admin" else actor
    with pytest.raises(
        errors.InsufficientPrivilege, match="permission denied for table audit_logs"
    ):
        with db.as_role(role, admin["id"] if actor == "admin" else None) as conn:
            conn.execute(STATEMENTS[statement])
    assert db.execute("SELECT * FROM audit_logs ORDER BY id") == before
    assert len(before) == total


@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_the_append_only_trigger_holds_even_if_a_grant_slips_in(
    db: Database, statement: str
) -> None:
    """Defence in depth: a mistaken GRANT to the service role still cannot rewrite history."""
    _seed_audit(db)
    before = db.execute("SELECT * FROM audit_logs ORDER BY id")
    with db.connect() as conn:
        conn.execute("GRANT UPDATE, DELETE, TRUNCATE ON audit_logs TO service_role")
        conn.execute("CREATE POLICY probe ON audit_logs FOR ALL TO service_role USING (true)")
        conn.execute("SET LOCAL ROLE service_role")
        with pytest.raises(errors.InsufficientPrivilege, match="audit_logs is append-only"):
            conn.execute(STATEMENTS[statement])
        conn.rollback()
    assert db.execute("SELECT * FROM audit_logs ORDER BY id") == before


@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_the_database_owner_can_maintain_the_audit_trail(db: Database, statement: str) -> None:
    _seed_audit(db)
    with db.connect() as conn:
        conn.execute(STATEMENTS[statement])
        conn.commit()
    remaining = db.execute(
        "SELECT count(*) AS n, count(*) FILTER (WHERE row_id = 'tampered') AS t FROM audit_logs"
    )[0]
    if statement == "UPDATE":
        assert remaining["n"] == remaining["t"] > 0
    else:
        assert remaining["n"] == 0


# ===================================================================== coverage
def test_every_table_has_the_three_audit_triggers(db: Database) -> None:
    rows = db.execute(
        """
        SELECT c.relname AS table_name,
               array_agg(t.tgname ORDER BY t.tgname)
                 FILTER (WHERE t.tgfoid = 'public.audit_changes'::regproc
                           AND t.tgtype & 1 = 0          -- FOR EACH STATEMENT
                           AND t.tgtype & (2 | 64) = 0   -- AFTER
                           AND t.tgenabled <> 'D') AS triggers,
               bool_or(t.tgtype & 4 <> 0
                       AND t.tgfoid = 'public.audit_changes'::regproc) AS on_insert,
               bool_or(t.tgtype & 16 <> 0
                       AND t.tgfoid = 'public.audit_changes'::regproc) AS on_update,
               bool_or(t.tgtype & 8 <> 0
                       AND t.tgfoid = 'public.audit_changes'::regproc) AS on_delete
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
           AND c.relname NOT IN ('audit_logs', 'alembic_version')
         GROUP BY c.relname
        """
    )
    assert len(rows) >= 24
    missing = [
        r["table_name"]
        for r in rows
        if r["triggers"] != ["audit_delete", "audit_insert", "audit_update"]
        or not (r["on_insert"] and r["on_update"] and r["on_delete"])
    ]
    assert missing == []


def test_audit_logs_itself_is_not_audited_but_guarded(db: Database) -> None:
    rows = db.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.audit_logs'::regclass "
        "AND NOT tgisinternal ORDER BY tgname"
    )
    assert [r["tgname"] for r in rows] == ["audit_logs_append_only", "audit_logs_no_truncate"]


SECRET_COLUMN = r"(password_hash|token_hash|secret)$"  # noqa: S105 (a pattern)


def test_secret_columns_are_redacted_from_the_audit_trail(db: Database) -> None:
    """Hashes of passwords and tokens must never be copied into audit_logs."""
    columns = db.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name <> 'audit_logs' AND column_name ~ %s",
        (SECRET_COLUMN,),
    )
    assert columns, "expected the credential and token hash columns of migration 0005"
    triggers = db.execute(
        """
        SELECT c.relname AS table_name, t.tgname,
               string_to_array(rtrim(encode(t.tgargs, 'escape'), '\\000'), '\\000') AS args
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE t.tgfoid = 'public.audit_changes'::regproc
        """
    )
    unredacted = []
    for column in columns:
        for trigger in (t for t in triggers if t["table_name"] == column["table_name"]):
            redacted = trigger["args"][1].strip("{}").split(",") if len(trigger["args"]) > 1 else []
            if column["column_name"] not in redacted:
                unredacted.append(
                    f"{column['table_name']}.{column['column_name']} ({trigger['tgname']})"
                )
    assert unredacted == []


def test_a_redacted_column_never_reaches_the_audit_trail(db: Database) -> None:
    """enable_audit's `redact` argument, exercised on a scratch table."""
    with db.connect() as conn:
        conn.execute("CREATE TABLE scratch_secrets (id int PRIMARY KEY, secret text, note text)")
        conn.execute("SELECT public.enable_audit('scratch_secrets', 'id', ARRAY['secret'])")
        conn.execute("INSERT INTO scratch_secrets VALUES (1, 'hunter2', 'a')")
        conn.execute("UPDATE scratch_secrets SET secret = 'hunter3', note = 'b'")
        conn.commit()
    entries = audit_rows(db, "scratch_secrets", 1)
    assert entries[0]["changes"]["secret"] == {"old": None, "new": "[redacted]"}
    assert entries[1]["changes"]["secret"] == {"old": "[redacted]", "new": "[redacted]"}
    assert entries[1]["changes"]["note"] == {"old": "a", "new": "b"}
    assert "hunter" not in str(db.execute("SELECT changes FROM audit_logs"))


def test_users_cannot_turn_auditing_off(db: Database) -> None:
    user = f.make_user(db)
    for function in ("enable_audit('gigs')", "disable_audit('gigs')"):
        with pytest.raises(errors.InsufficientPrivilege):
            with db.as_role("authenticated", user["id"]) as conn:
                conn.execute(f"SELECT public.{function}")
    with pytest.raises(psycopg.Error):
        with db.as_role("service_role") as conn:
            conn.execute("SELECT public.disable_audit('gigs')")
    assert (
        db.execute(
            "SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'public.gigs'::regclass "
            "AND tgname LIKE 'audit_%'"
        )[0]["n"]
        == 3
    )
