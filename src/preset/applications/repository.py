"""Every query of the applications domain (plain SQL; the caller's transaction decides the role)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from psycopg.types.json import Jsonb

from preset.db.kit import MONTH_START
from preset.db.session import Connection

Row = dict[str, Any]

APPLICATION_COLUMNS = (
    "a.id, a.gig_id, a.applicant_user_id, a.note, a.status, a.applied_at, a.reviewed_at, "
    "a.reviewed_by, a.profile_snapshot, a.compatibility_score, a.updated_at"
)
#: Names of the unique constraint behind "one application per (gig, applicant)".
ONE_PER_GIG_CONSTRAINT = "applications_gig_id_applicant_user_id_key"


async def _one(conn: Connection, query: str, params: Any = None) -> Row | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


async def _all(conn: Connection, query: str, params: Any = None) -> list[Row]:
    cur = await conn.execute(query, params)
    return await cur.fetchall()


async def get_application(conn: Connection, application_id: uuid.UUID) -> Row | None:
    """The application and its gig's owner and status, if the caller may see it."""
    return await _one(
        conn,
        f"""
        SELECT {APPLICATION_COLUMNS}, g.owner_user_id AS gig_owner_user_id, g.status AS gig_status
          FROM applications a JOIN gigs g ON g.id = a.gig_id
         WHERE a.id = %s
        """,
        (application_id,),
    )


async def find_own_application(conn: Connection, gig_id: uuid.UUID) -> Row | None:
    return await _one(
        conn,
        f"SELECT {APPLICATION_COLUMNS} FROM applications a "
        "WHERE a.gig_id = %s AND a.applicant_user_id = (select auth.uid())",
        (gig_id,),
    )


async def count_own_applications_this_month(conn: Connection) -> int:
    """Applications the caller made this calendar month (UTC), withdrawn ones included: a
    withdrawal does not give the quota back."""
    row = await _one(
        conn,
        f"SELECT count(*) AS n FROM applications WHERE applicant_user_id = (select auth.uid()) "
        f"AND applied_at >= {MONTH_START}",
    )
    return int(row["n"]) if row else 0


async def own_profile_snapshot(conn: Connection) -> Row | None:
    """The caller's profile as §4 snapshots it, with their published showcases."""
    return await _one(
        conn,
        """
        SELECT p.display_name, p.handle, p.avatar_url, p.bio, p.city, p.style_tags,
               p.experience_years, p.rating, p.review_count, p.looking_for_types, p.is_verified,
               p.profile_completion_percentage,
               (SELECT count(*) FROM showcases s
                 WHERE s.visibility = 'public'
                   AND (s.creator_user_id = p.user_id OR s.talent_user_id = p.user_id))::int
                   AS published_showcases
          FROM profiles p
         WHERE p.user_id = (select auth.uid())
        """,
    )


async def insert_application(
    conn: Connection,
    *,
    gig_id: uuid.UUID,
    applicant_user_id: uuid.UUID,
    note: str | None,
    snapshot: dict[str, Any],
    score: Decimal,
) -> Row:
    row = await _one(
        conn,
        f"""
        INSERT INTO applications AS a (gig_id, applicant_user_id, note, profile_snapshot,
                                       compatibility_score)
        VALUES (%s, %s, %s, %s, %s)
        RETURNING {APPLICATION_COLUMNS}
        """,
        (gig_id, applicant_user_id, note, Jsonb(snapshot), score),
    )
    assert row is not None
    return row


async def set_status(
    conn: Connection,
    application_id: uuid.UUID,
    *,
    to_status: str,
    from_statuses: frozenset[str],
    reviewer: uuid.UUID | None,
) -> Row | None:
    """Move the application if it is still in one of ``from_statuses`` (None otherwise); owner
    decisions record who reviewed and when."""
    return await _one(
        conn,
        f"""
        UPDATE applications AS a
           SET status = %(to)s,
               reviewed_at = CASE WHEN %(reviewer)s::uuid IS NULL THEN a.reviewed_at ELSE now() END,
               reviewed_by = coalesce(%(reviewer)s::uuid, a.reviewed_by)
         WHERE a.id = %(id)s AND a.status = ANY(%(from)s)
        RETURNING {APPLICATION_COLUMNS}
        """,
        {"to": to_status, "reviewer": reviewer, "id": application_id, "from": list(from_statuses)},
    )


async def set_note(conn: Connection, application_id: uuid.UUID, note: str | None) -> Row | None:
    return await _one(
        conn,
        f"UPDATE applications AS a SET note = %s WHERE a.id = %s AND a.status = 'pending' "
        f"RETURNING {APPLICATION_COLUMNS}",
        (note, application_id),
    )


async def list_for_gig(
    conn: Connection,
    gig_id: uuid.UUID,
    *,
    status: str | None,
    sort: str,
    after: list[Any] | None,
    limit: int,
) -> list[Row]:
    if sort == "compatibility":
        # Scores are always set by the API; rows without one sort last.
        order = "coalesce(a.compatibility_score, -1) DESC, a.applied_at DESC, a.id DESC"
        keyset = (
            "(coalesce(a.compatibility_score, -1), a.applied_at, a.id) "
            "< (%(k0)s::numeric, %(k1)s::timestamptz, %(k2)s::uuid)"
        )
    else:
        order = "a.applied_at DESC, a.id DESC"
        keyset = "(a.applied_at, a.id) < (%(k0)s::timestamptz, %(k1)s::uuid)"
    params: dict[str, Any] = {"gig_id": gig_id, "status": status, "limit": limit}
    if after:
        params |= {f"k{i}": v for i, v in enumerate(after)}
    return await _all(
        conn,
        f"""
        SELECT {APPLICATION_COLUMNS} FROM applications a
         WHERE a.gig_id = %(gig_id)s
           AND (%(status)s::text IS NULL OR a.status = %(status)s)
           {"AND " + keyset if after else ""}
         ORDER BY {order}
         LIMIT %(limit)s
        """,
        params,
    )


async def list_mine(
    conn: Connection, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Row]:
    """The schema document's "user applications with gig details", keyset-paged."""
    return await _all(
        conn,
        f"""
        SELECT {APPLICATION_COLUMNS}, g.title, g.status AS gig_status, g.start_time
          FROM applications a
          JOIN gigs g ON a.gig_id = g.id
         WHERE a.applicant_user_id = (select auth.uid())
           AND (%(after_at)s::timestamptz IS NULL
                OR (a.applied_at, a.id) < (%(after_at)s, %(after_id)s))
         ORDER BY a.applied_at DESC, a.id DESC
         LIMIT %(limit)s
        """,
        {
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )


async def get_many_for_gig(
    conn: Connection, gig_id: uuid.UUID, application_ids: list[uuid.UUID]
) -> list[Row]:
    return await _all(
        conn,
        f"SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.gig_id = %s AND a.id = ANY(%s)",
        (gig_id, application_ids),
    )


async def shortlist_many(
    conn: Connection, gig_id: uuid.UUID, application_ids: list[uuid.UUID], reviewer: uuid.UUID
) -> list[Row]:
    return await _all(
        conn,
        f"""
        UPDATE applications AS a SET status = 'shortlisted', reviewed_at = now(), reviewed_by = %s
         WHERE a.gig_id = %s AND a.id = ANY(%s) AND a.status = 'pending'
        RETURNING {APPLICATION_COLUMNS}
        """,
        (reviewer, gig_id, application_ids),
    )
