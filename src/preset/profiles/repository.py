"""Every query of the profiles domain (plain SQL; the caller's transaction decides the role)."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from preset.db.session import Connection

Row = dict[str, Any]

PROFILE_COLUMNS = (
    "id, user_id, display_name, handle, avatar_url, bio, city, country, style_tags, "
    "looking_for_types, experience_years, equipment, portfolio_urls, social_links, "
    "profile_completion_percentage, is_verified, verification_badge, rating, review_count, "
    "created_at, updated_at"
)
#: Columns a user writes on their own profile; everything else is the platform's.
EDITABLE_COLUMNS = (
    "display_name",
    "handle",
    "avatar_url",
    "bio",
    "city",
    "country",
    "style_tags",
    "looking_for_types",
    "experience_years",
    "equipment",
    "portfolio_urls",
    "social_links",
)
PREFERENCE_COLUMNS = (
    "allow_nsfw_content",
    "show_nsfw_warnings",
    "auto_hide_nsfw",
    "content_filter_level",
    "blocked_categories",
)


async def _one(conn: Connection, query: Any, params: Any = None) -> Row | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


async def insert_profile(
    conn: Connection, *, user_id: uuid.UUID, display_name: str, handle: str
) -> Row:
    row = await _one(
        conn,
        f"INSERT INTO profiles (user_id, display_name, handle) VALUES (%s, %s, %s) "
        f"RETURNING {PROFILE_COLUMNS}",
        (user_id, display_name, handle),
    )
    assert row is not None
    return row


async def get_own_profile(conn: Connection) -> Row | None:
    return await _one(conn, f"SELECT {PROFILE_COLUMNS} FROM profiles WHERE user_id = auth.uid()")


async def get_profile_by_handle(conn: Connection, handle: str) -> Row | None:
    return await _one(
        conn,
        f"SELECT {PROFILE_COLUMNS} FROM profiles WHERE lower(handle) = lower(%s)",
        (handle,),
    )


async def handle_exists(conn: Connection, handle: str) -> bool:
    row = await _one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM profiles WHERE lower(handle) = lower(%s)) AS taken",
        (handle,),
    )
    return bool(row and row["taken"])


def _adapt(column: str, value: Any) -> Any:
    return Jsonb(value) if column == "social_links" else value


async def update_own_profile(conn: Connection, changes: dict[str, Any]) -> Row | None:
    """Apply ``changes`` (editable columns only) to the caller's profile."""
    unknown = set(changes) - set(EDITABLE_COLUMNS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not changes:
        return await get_own_profile(conn)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(col), sql.Placeholder(col)) for col in changes
    )
    query = sql.SQL("UPDATE profiles SET {} WHERE user_id = auth.uid() RETURNING {}").format(
        assignments, sql.SQL(PROFILE_COLUMNS)
    )
    return await _one(conn, query, {col: _adapt(col, v) for col, v in changes.items()})


# ------------------------------------------------------------------ content preferences
async def insert_default_preferences(conn: Connection, user_id: uuid.UUID) -> None:
    await conn.execute(
        "INSERT INTO user_content_preferences (user_id) VALUES (%s) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id,),
    )


async def get_own_preferences(conn: Connection) -> Row | None:
    return await _one(
        conn,
        f"SELECT {', '.join(PREFERENCE_COLUMNS)}, updated_at FROM user_content_preferences "
        "WHERE user_id = auth.uid()",
    )


async def put_own_preferences(conn: Connection, values: dict[str, Any]) -> Row:
    row = await _one(
        conn,
        f"""
        INSERT INTO user_content_preferences (user_id, {", ".join(PREFERENCE_COLUMNS)})
        VALUES (auth.uid(), %(allow_nsfw_content)s, %(show_nsfw_warnings)s, %(auto_hide_nsfw)s,
                %(content_filter_level)s, %(blocked_categories)s)
        ON CONFLICT (user_id) DO UPDATE SET
            allow_nsfw_content = EXCLUDED.allow_nsfw_content,
            show_nsfw_warnings = EXCLUDED.show_nsfw_warnings,
            auto_hide_nsfw = EXCLUDED.auto_hide_nsfw,
            content_filter_level = EXCLUDED.content_filter_level,
            blocked_categories = EXCLUDED.blocked_categories
        RETURNING {", ".join(PREFERENCE_COLUMNS)}, updated_at
        """,
        values,
    )
    assert row is not None
    return row
