"""Every query of the moodboards domain (plain SQL; the caller's transaction decides the role)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from preset.db.session import Connection

Row = dict[str, Any]

COLUMNS = (
    "m.id, m.gig_id, m.owner_user_id, m.title, m.description, m.items, m.palette, m.is_public, "
    "m.created_at, m.updated_at"
)
ONE_PER_GIG_INDEX = "idx_moodboards_one_per_gig"
# §7: a public moodboard of a gig is visible with its gig. Row level security already shows
# public and own boards; this adds that a board attached to a gig the caller cannot see (a
# draft, someone else's cancelled gig) stays hidden, except from its owner.
_VISIBLE_WITH_GIG = (
    "(m.gig_id IS NULL OR m.owner_user_id = (select auth.uid()) "
    "OR EXISTS (SELECT 1 FROM gigs g WHERE g.id = m.gig_id))"
)


async def _one(conn: Connection, query: Any, params: Any = None) -> Row | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


async def _all(conn: Connection, query: Any, params: Any = None) -> list[Row]:
    cur = await conn.execute(query, params)
    return await cur.fetchall()


def _adapt(column: str, value: Any) -> Any:
    return Jsonb(value) if column == "items" else value


async def images_visible(conn: Connection, media_ids: list[uuid.UUID]) -> dict[uuid.UUID, Row]:
    rows = await _all(conn, "SELECT id, type, palette FROM media WHERE id = ANY(%s)", (media_ids,))
    return {r["id"]: r for r in rows}


async def insert_moodboard(conn: Connection, owner: uuid.UUID, values: dict[str, Any]) -> Row:
    columns = ["owner_user_id", *values]
    query = sql.SQL("INSERT INTO moodboards AS m ({}) VALUES ({}) RETURNING {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(", ").join(sql.Placeholder(c) for c in columns),
        sql.SQL(COLUMNS),
    )
    row = await _one(
        conn, query, {"owner_user_id": owner} | {c: _adapt(c, v) for c, v in values.items()}
    )
    assert row is not None
    return row


async def get_moodboard(conn: Connection, moodboard_id: uuid.UUID) -> Row | None:
    return await _one(
        conn,
        f"SELECT {COLUMNS} FROM moodboards m WHERE m.id = %s AND {_VISIBLE_WITH_GIG}",
        (moodboard_id,),
    )


async def moodboard_of_gig(conn: Connection, gig_id: uuid.UUID) -> Row | None:
    return await _one(conn, f"SELECT {COLUMNS} FROM moodboards m WHERE m.gig_id = %s", (gig_id,))


async def update_moodboard(
    conn: Connection, moodboard_id: uuid.UUID, changes: dict[str, Any]
) -> Row | None:
    if not changes:
        return await get_moodboard(conn, moodboard_id)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in changes
    )
    query = sql.SQL(
        "UPDATE moodboards AS m SET {} WHERE m.id = %(moodboard_id)s RETURNING {}"
    ).format(assignments, sql.SQL(COLUMNS))
    params = {c: _adapt(c, v) for c, v in changes.items()} | {"moodboard_id": moodboard_id}
    return await _one(conn, query, params)


async def delete_moodboard(conn: Connection, moodboard_id: uuid.UUID) -> bool:
    cur = await conn.execute("DELETE FROM moodboards WHERE id = %s RETURNING id", (moodboard_id,))
    return await cur.fetchone() is not None


async def set_gig_moodboard(
    conn: Connection, gig_id: uuid.UUID, moodboard_id: uuid.UUID | None
) -> None:
    """Keep gigs.moodboard_id in step with moodboards.gig_id (both columns exist, errata 3)."""
    await conn.execute("UPDATE gigs SET moodboard_id = %s WHERE id = %s", (moodboard_id, gig_id))


async def list_own(
    conn: Connection, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Row]:
    return await _all(
        conn,
        f"""
        SELECT {COLUMNS} FROM moodboards m
         WHERE m.owner_user_id = (select auth.uid())
           AND (%(after_at)s::timestamptz IS NULL
                OR (m.created_at, m.id) < (%(after_at)s, %(after_id)s))
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT %(limit)s
        """,
        {
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
