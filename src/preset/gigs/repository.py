"""Every query of the gigs domain (SQL through the kit; the caller's mode decides the role)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from psycopg.types.json import Jsonb

from preset.constants import OPEN_APPLICATION_STATUSES
from preset.db import kit
from preset.db.session import Connection


@dataclass(frozen=True, slots=True)
class GigSummary:
    """What every view of a gig shows (the views add their fields after these, in order)."""

    id: uuid.UUID
    owner_user_id: uuid.UUID
    title: str
    description: str
    comp_type: str
    comp_amount: Decimal | None
    comp_currency: str | None
    location_text: str
    # Stored as DECIMAL, served as floats (the API's coordinates are JSON numbers).
    location_lat: float | None = field(metadata=kit.sql_expression("{t}location_lat::float8"))
    location_lng: float | None = field(metadata=kit.sql_expression("{t}location_lng::float8"))
    location_radius: int
    start_time: datetime | None
    end_time: datetime | None
    application_deadline: datetime | None
    max_applicants: int


@dataclass(frozen=True, slots=True)
class GigRow(GigSummary):
    """A `gigs` row as the API shows it to whoever may see it."""

    usage_rights: str | None
    safety_notes: str | None
    status: str
    boost_level: int
    moodboard_id: uuid.UUID | None
    looking_for_types: list[str]
    applicant_preferences: dict[str, Any]
    is_nsfw: bool
    content_categories: list[str]
    published_at: datetime | None
    closed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnerSummary:
    """The gig owner's public face on a discovery card (their profile)."""

    display_name: str | None
    avatar_url: str | None
    rating: Decimal | None


@dataclass(frozen=True, slots=True)
class DiscoveredGig(GigSummary):
    """One discovery card (gigs.discovery reads it; its fields make the select list)."""

    boost_level: int
    looking_for_types: list[str]
    is_nsfw: bool
    content_categories: list[str]
    moodboard_id: uuid.UUID | None
    published_at: datetime | None
    created_at: datetime
    #: Great-circle metres from the search centre; null without a centre.
    distance_m: float | None = field(metadata=kit.sql_expression("page.distance_m"))
    owner: OwnerSummary = field(metadata=kit.embedded("p"))


@dataclass(frozen=True, slots=True)
class MapPin:
    id: uuid.UUID
    title: str
    lat: float = field(metadata=kit.sql_expression("{t}location_lat::float8"))
    lng: float = field(metadata=kit.sql_expression("{t}location_lng::float8"))
    comp_type: str
    boost_level: int


@dataclass(frozen=True, slots=True)
class DeclinedApplication:
    id: uuid.UUID
    applicant_user_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ContentPreferences:
    allow_nsfw_content: bool
    blocked_categories: list[str]


@dataclass(frozen=True, slots=True)
class ExpiredGig:
    id: uuid.UUID
    owner_user_id: uuid.UUID
    application_deadline: datetime


#: Columns a contributor writes; status and the lifecycle timestamps move only by transitions.
WRITABLE_COLUMNS: Final = frozenset(
    {
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
    }
)
GIG_COLUMNS: Final = kit.columns(GigRow)


def _adapt(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("applicant_preferences") is not None:
        return values | {"applicant_preferences": Jsonb(values["applicant_preferences"])}
    return values


async def insert_gig(conn: Connection, owner_user_id: uuid.UUID, values: dict[str, Any]) -> GigRow:
    return await kit.insert_returning(
        conn,
        "gigs",
        {"owner_user_id": owner_user_id, **_adapt(values)},
        GigRow,
        allowed=WRITABLE_COLUMNS | {"owner_user_id"},
    )


async def get_gig(conn: Connection, gig_id: uuid.UUID) -> GigRow | None:
    """The gig if the caller may see it (row level security decides)."""
    return await kit.fetch_one(
        conn, GigRow, f"SELECT {GIG_COLUMNS} FROM gigs WHERE id = %s", (gig_id,)
    )


async def update_gig(conn: Connection, gig_id: uuid.UUID, changes: dict[str, Any]) -> GigRow | None:
    if not changes:
        return await get_gig(conn, gig_id)
    return await kit.update_returning(
        conn,
        "gigs",
        _adapt(changes),
        GigRow,
        where="id = %(gig_id)s",
        where_params={"gig_id": gig_id},
        allowed=WRITABLE_COLUMNS | {"moodboard_id"},
    )


_TIMESTAMP_OF: Final = {
    "published": "published_at = coalesce(published_at, now())",
    "closed": "closed_at = now()",
    "completed": "completed_at = now()",
    "cancelled": "cancelled_at = now()",
}


async def transition_gig(
    conn: Connection, gig_id: uuid.UUID, from_statuses: frozenset[str], to_status: str
) -> GigRow | None:
    """Move the gig to ``to_status`` if it is still in one of ``from_statuses``; None otherwise
    (a concurrent request moved it first). The first publication's time is kept on reopening,
    so reopening never counts against the monthly quota again."""
    stamp = _TIMESTAMP_OF[to_status]
    return await kit.fetch_one(
        conn,
        GigRow,
        f"UPDATE gigs SET status = %s, {stamp} WHERE id = %s AND status = ANY(%s) "
        f"RETURNING {GIG_COLUMNS}",
        (to_status, gig_id, list(from_statuses)),
    )


async def delete_draft(conn: Connection, gig_id: uuid.UUID) -> bool:
    deleted = await kit.execute(
        conn, "DELETE FROM gigs WHERE id = %s AND status = 'draft'", (gig_id,)
    )
    return deleted > 0


#: The caller's own gigs, newest first.
MINE: Final[kit.Keyset[GigRow]] = kit.Keyset(
    "gigs.mine", ("created_at", "id"), (datetime, uuid.UUID), lambda gig: [gig.created_at, gig.id]
)


async def list_own_gigs(
    conn: Connection, *, status: str | None, cursor: str | None, limit: int
) -> kit.Page[GigRow]:
    """The caller's gigs, newest first, optionally of one status, keyset-paged."""
    return await kit.keyset_list(
        conn,
        GigRow,
        MINE,
        select=f"SELECT {GIG_COLUMNS} FROM gigs",
        where="owner_user_id = (select auth.uid()) "
        "AND (%(status)s::text IS NULL OR status = %(status)s)",
        params={"status": status},
        cursor=cursor,
        limit=limit,
    )


async def count_published_this_month(conn: Connection, owner_user_id: uuid.UUID) -> int:
    count: int = await kit.fetch_value(
        conn,
        f"SELECT count(*) FROM gigs WHERE owner_user_id = %s AND published_at >= {kit.MONTH_START}",
        (owner_user_id,),
    )
    return count


async def count_active_applications(conn: Connection, gig_id: uuid.UUID) -> int:
    """Non-withdrawn applications (the owner sees them all under RLS)."""
    count: int = await kit.fetch_value(
        conn,
        "SELECT count(*) FROM applications WHERE gig_id = %s AND status <> 'withdrawn'",
        (gig_id,),
    )
    return count


async def has_accepted_application(conn: Connection, gig_id: uuid.UUID) -> bool:
    return bool(
        await kit.fetch_value(
            conn,
            "SELECT EXISTS (SELECT 1 FROM applications WHERE gig_id = %s AND status = 'accepted')",
            (gig_id,),
        )
    )


async def decline_open_applications(
    conn: Connection, gig_id: uuid.UUID, reviewer: uuid.UUID
) -> list[DeclinedApplication]:
    """Cancelling a gig: its pending and shortlisted applications become declined."""
    return await kit.fetch_all(
        conn,
        DeclinedApplication,
        """
        UPDATE applications SET status = 'declined', reviewed_at = now(), reviewed_by = %s
         WHERE gig_id = %s AND status = ANY(%s)
        RETURNING id, applicant_user_id
        """,
        (reviewer, gig_id, list(OPEN_APPLICATION_STATUSES)),
    )


async def accepted_applicants(conn: Connection, gig_id: uuid.UUID) -> list[uuid.UUID]:
    return await kit.fetch_values(
        conn,
        "SELECT applicant_user_id FROM applications WHERE gig_id = %s AND status = 'accepted'",
        (gig_id,),
    )


CONTENT_PREFERENCES_SQL: Final = (
    "SELECT allow_nsfw_content, blocked_categories FROM user_content_preferences "
    "WHERE user_id = (select auth.uid())"
)


# ------------------------------------------------------------------ the platform's own jobs
async def close_expired_gigs(conn: Connection) -> list[ExpiredGig]:
    """§3: published gigs whose application deadline has passed become closed."""
    return await kit.fetch_all(
        conn,
        ExpiredGig,
        """
        UPDATE gigs SET status = 'closed', closed_at = now()
         WHERE status = 'published' AND application_deadline IS NOT NULL
           AND application_deadline <= now()
        RETURNING id, owner_user_id, application_deadline
        """,
    )
