"""Every query of the gigs domain (plain SQL; the caller's transaction decides the role)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from preset.constants import OPEN_APPLICATION_STATUSES
from preset.db.session import Connection

Row = dict[str, Any]

GIG_COLUMNS = (
    "id, owner_user_id, title, description, comp_type, comp_amount, comp_currency, "
    "location_text, location_lat::float8 AS location_lat, location_lng::float8 AS location_lng, "
    "location_radius, start_time, end_time, application_deadline, max_applicants, usage_rights, "
    "safety_notes, status, boost_level, moodboard_id, looking_for_types, applicant_preferences, "
    "is_nsfw, content_categories, published_at, closed_at, completed_at, cancelled_at, "
    "created_at, updated_at"
)
#: Columns a contributor writes; status and the lifecycle timestamps move only by transitions.
WRITABLE_COLUMNS = (
    "title",
    "description",
    "comp_type",
    "comp_amount",
    "comp_currency",
    "location_text",
    "location_lat",
    "location_lng",
    "location_radius",
    "start_time",
    "end_time",
    "application_deadline",
    "max_applicants",
    "usage_rights",
    "safety_notes",
    "boost_level",
    "looking_for_types",
    "applicant_preferences",
    "is_nsfw",
    "content_categories",
)
# Calendar months are UTC months, whatever the session's time zone.
MONTH_START = "(date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"


async def _one(conn: Connection, query: Any, params: Any = None) -> Row | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


async def _all(conn: Connection, query: Any, params: Any = None) -> list[Row]:
    cur = await conn.execute(query, params)
    return await cur.fetchall()


def _adapt(column: str, value: Any) -> Any:
    return Jsonb(value) if column == "applicant_preferences" else value


async def advisory_lock(conn: Connection, namespace: int, key: uuid.UUID) -> None:
    """A transaction-level lock on (namespace, id): released at COMMIT or ROLLBACK."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s::text))", (namespace, str(key))
    )


async def insert_gig(conn: Connection, owner_user_id: uuid.UUID, values: dict[str, Any]) -> Row:
    columns = ["owner_user_id", *values]
    query = sql.SQL("INSERT INTO gigs ({}) VALUES ({}) RETURNING {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(", ").join(sql.Placeholder(c) for c in columns),
        sql.SQL(GIG_COLUMNS),
    )
    params = {"owner_user_id": owner_user_id} | {c: _adapt(c, v) for c, v in values.items()}
    row = await _one(conn, query, params)
    assert row is not None
    return row


async def get_gig(conn: Connection, gig_id: uuid.UUID) -> Row | None:
    """The gig if the caller may see it (row level security decides)."""
    return await _one(conn, f"SELECT {GIG_COLUMNS} FROM gigs WHERE id = %s", (gig_id,))


async def update_gig(conn: Connection, gig_id: uuid.UUID, changes: dict[str, Any]) -> Row | None:
    unknown = set(changes) - set(WRITABLE_COLUMNS) - {"moodboard_id"}
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    if not changes:
        return await get_gig(conn, gig_id)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in changes
    )
    query = sql.SQL("UPDATE gigs SET {} WHERE id = %(gig_id)s RETURNING {}").format(
        assignments, sql.SQL(GIG_COLUMNS)
    )
    params = {c: _adapt(c, v) for c, v in changes.items()} | {"gig_id": gig_id}
    return await _one(conn, query, params)


_TIMESTAMP_OF = {
    "published": "published_at = coalesce(published_at, now())",
    "closed": "closed_at = now()",
    "completed": "completed_at = now()",
    "cancelled": "cancelled_at = now()",
}


async def transition_gig(
    conn: Connection, gig_id: uuid.UUID, from_statuses: frozenset[str], to_status: str
) -> Row | None:
    """Move the gig to ``to_status`` if it is still in one of ``from_statuses``; None otherwise
    (a concurrent request moved it first). The first publication's time is kept on reopening,
    so reopening never counts against the monthly quota again."""
    stamp = _TIMESTAMP_OF[to_status]
    return await _one(
        conn,
        f"UPDATE gigs SET status = %s, {stamp} WHERE id = %s AND status = ANY(%s) "
        f"RETURNING {GIG_COLUMNS}",
        (to_status, gig_id, list(from_statuses)),
    )


async def delete_draft(conn: Connection, gig_id: uuid.UUID) -> bool:
    cur = await conn.execute(
        "DELETE FROM gigs WHERE id = %s AND status = 'draft' RETURNING id", (gig_id,)
    )
    return await cur.fetchone() is not None


async def list_own_gigs(
    conn: Connection,
    *,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Row]:
    return await _all(
        conn,
        f"""
        SELECT {GIG_COLUMNS} FROM gigs
         WHERE owner_user_id = (select auth.uid())
           AND (%(status)s::text IS NULL OR status = %(status)s)
           AND (%(after_at)s::timestamptz IS NULL
                OR (created_at, id) < (%(after_at)s, %(after_id)s))
         ORDER BY created_at DESC, id DESC
         LIMIT %(limit)s
        """,
        {
            "status": status,
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )


async def count_published_this_month(conn: Connection, owner_user_id: uuid.UUID) -> int:
    row = await _one(
        conn,
        f"SELECT count(*) AS n FROM gigs "
        f"WHERE owner_user_id = %s AND published_at >= {MONTH_START}",
        (owner_user_id,),
    )
    return int(row["n"]) if row else 0


async def count_active_applications(conn: Connection, gig_id: uuid.UUID) -> int:
    """Non-withdrawn applications (the owner sees them all under RLS)."""
    row = await _one(
        conn,
        "SELECT count(*) AS n FROM applications WHERE gig_id = %s AND status <> 'withdrawn'",
        (gig_id,),
    )
    return int(row["n"]) if row else 0


async def has_accepted_application(conn: Connection, gig_id: uuid.UUID) -> bool:
    row = await _one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM applications WHERE gig_id = %s AND status = 'accepted') AS x",
        (gig_id,),
    )
    return bool(row and row["x"])


async def decline_open_applications(
    conn: Connection, gig_id: uuid.UUID, reviewer: uuid.UUID
) -> list[Row]:
    """Cancelling a gig: its pending and shortlisted applications become declined."""
    return await _all(
        conn,
        """
        UPDATE applications SET status = 'declined', reviewed_at = now(), reviewed_by = %s
         WHERE gig_id = %s AND status = ANY(%s)
        RETURNING id, applicant_user_id, status
        """,
        (reviewer, gig_id, list(OPEN_APPLICATION_STATUSES)),
    )


async def accepted_applicants(conn: Connection, gig_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await _all(
        conn,
        "SELECT applicant_user_id FROM applications WHERE gig_id = %s AND status = 'accepted'",
        (gig_id,),
    )
    return [r["applicant_user_id"] for r in rows]


async def get_content_preferences(conn: Connection) -> Row | None:
    return await _one(
        conn,
        "SELECT allow_nsfw_content, blocked_categories FROM user_content_preferences "
        "WHERE user_id = (select auth.uid())",
    )


# ------------------------------------------------------------------ the platform's own jobs
CLOSE_EXPIRED_SQL = """
UPDATE gigs SET status = 'closed', closed_at = now()
 WHERE status = 'published' AND application_deadline IS NOT NULL AND application_deadline <= now()
RETURNING id, owner_user_id, application_deadline
"""
