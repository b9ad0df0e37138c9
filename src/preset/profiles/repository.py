"""Every query of the profiles domain (typed rows through preset.db.kit; the caller's
transaction decides the role)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.session import Connection


@dataclass(frozen=True, slots=True)
class Profile:
    """A ``profiles`` row, as the API shows it (its response model)."""

    id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    handle: str
    avatar_url: str | None
    bio: str | None
    city: str | None
    country: str | None
    style_tags: list[str]
    looking_for_types: list[str]
    experience_years: int
    equipment: list[str]
    portfolio_urls: list[str]
    social_links: dict[str, str]
    profile_completion_percentage: int
    is_verified: bool
    verification_badge: str | None
    rating: Decimal | None
    review_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ContentPreferencesRow:
    """A ``user_content_preferences`` row as its owner reads it."""

    allow_nsfw_content: bool
    show_nsfw_warnings: bool
    auto_hide_nsfw: bool
    content_filter_level: str
    blocked_categories: list[str]
    updated_at: datetime


#: Columns a user writes on their own profile; everything else is the platform's.
EDITABLE_COLUMNS: Final = frozenset(
    {
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
    }
)
#: Columns stored as jsonb (psycopg adapts a dict only when it is wrapped).
_JSONB_COLUMNS: Final = frozenset({"social_links"})

_PROFILE = kit.columns(Profile)
_PREFERENCES = kit.columns(ContentPreferencesRow)


async def insert_profile(
    conn: Connection, *, user_id: uuid.UUID, display_name: str, handle: str
) -> Profile:
    return await kit.insert_returning(
        conn,
        "profiles",
        {"user_id": user_id, "display_name": display_name, "handle": handle},
        Profile,
    )


async def get_own_profile(conn: Connection) -> Profile | None:
    return await kit.fetch_one(
        conn, Profile, f"SELECT {_PROFILE} FROM profiles WHERE user_id = auth.uid()"
    )


async def get_profile_by_handle(conn: Connection, handle: str) -> Profile | None:
    return await kit.fetch_one(
        conn,
        Profile,
        f"SELECT {_PROFILE} FROM profiles WHERE lower(handle) = lower(%s)",
        (handle,),
    )


async def handle_exists(conn: Connection, handle: str) -> bool:
    taken: bool = await kit.fetch_value(
        conn,
        "SELECT EXISTS (SELECT 1 FROM profiles WHERE lower(handle) = lower(%s))",
        (handle,),
    )
    return taken


async def update_own_profile(conn: Connection, changes: Mapping[str, Any]) -> Profile | None:
    """Apply ``changes`` (editable columns only) to the caller's profile."""
    if not changes:
        return await get_own_profile(conn)
    values = {
        column: Jsonb(value) if column in _JSONB_COLUMNS else value
        for column, value in changes.items()
    }
    return await kit.update_returning(
        conn,
        "profiles",
        values,
        Profile,
        where="user_id = auth.uid()",
        where_params={},
        allowed=EDITABLE_COLUMNS,
    )


# ------------------------------------------------------------------ content preferences
async def insert_default_preferences(conn: Connection, user_id: uuid.UUID) -> None:
    await kit.execute(
        conn,
        "INSERT INTO user_content_preferences (user_id) VALUES (%s) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id,),
    )


async def get_own_preferences(conn: Connection) -> ContentPreferencesRow | None:
    return await kit.fetch_one(
        conn,
        ContentPreferencesRow,
        f"SELECT {_PREFERENCES} FROM user_content_preferences WHERE user_id = auth.uid()",
    )


async def put_own_preferences(conn: Connection, values: Mapping[str, Any]) -> ContentPreferencesRow:
    row = await kit.fetch_one(
        conn,
        ContentPreferencesRow,
        f"""
        INSERT INTO user_content_preferences (user_id, allow_nsfw_content, show_nsfw_warnings,
                                              auto_hide_nsfw, content_filter_level,
                                              blocked_categories)
        VALUES (auth.uid(), %(allow_nsfw_content)s, %(show_nsfw_warnings)s, %(auto_hide_nsfw)s,
                %(content_filter_level)s, %(blocked_categories)s)
        ON CONFLICT (user_id) DO UPDATE SET
            allow_nsfw_content = EXCLUDED.allow_nsfw_content,
            show_nsfw_warnings = EXCLUDED.show_nsfw_warnings,
            auto_hide_nsfw = EXCLUDED.auto_hide_nsfw,
            content_filter_level = EXCLUDED.content_filter_level,
            blocked_categories = EXCLUDED.blocked_categories
        RETURNING {_PREFERENCES}
        """,
        values,
    )
    if row is None:  # pragma: no cover - INSERT … RETURNING always returns its row
        raise RuntimeError("user_content_preferences upsert returned nothing")
    return row
