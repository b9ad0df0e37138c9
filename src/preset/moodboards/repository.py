"""Every query of the moodboards domain, as typed rows (``preset.db.kit``; the caller's
transaction decides the role)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.session import Connection

ONE_PER_GIG_INDEX: Final = "idx_moodboards_one_per_gig"
#: Columns the owner writes (created_at / updated_at are the database's).
WRITABLE_COLUMNS: Final = frozenset(
    {"owner_user_id", "gig_id", "title", "description", "items", "palette", "is_public"}
)
# §7: a public moodboard of a gig is visible with its gig. Row level security already shows
# public and own boards; this adds that a board attached to a gig the caller cannot see (a
# draft, someone else's cancelled gig) stays hidden, except from its owner.
_VISIBLE_WITH_GIG = (
    "(m.gig_id IS NULL OR m.owner_user_id = (select auth.uid()) "
    "OR EXISTS (SELECT 1 FROM gigs g WHERE g.id = m.gig_id))"
)


@dataclass(frozen=True, slots=True)
class MoodboardRow:
    """A `moodboards` row, as the API shows it (its response model)."""

    id: uuid.UUID
    gig_id: uuid.UUID | None
    owner_user_id: uuid.UUID
    title: str
    description: str | None
    #: The ordered items as stored (JSON objects with `id` and `position`).
    items: list[dict[str, Any]]
    palette: list[str]
    is_public: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MediaSwatch:
    """What a moodboard needs of a media row it shows: its type and its colours."""

    id: uuid.UUID
    type: str
    palette: list[str]


_MOODBOARD = kit.columns(MoodboardRow, "m")

#: The owner's list, newest first.
MINE: Final[kit.Keyset[MoodboardRow]] = kit.Keyset(
    "moodboards.mine",
    ("m.created_at", "m.id"),
    (datetime, uuid.UUID),
    lambda row: [row.created_at, row.id],
)


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Column values as the database takes them (the items list is JSONB)."""
    return {c: Jsonb(v) if c == "items" else v for c, v in values.items()}


async def media_swatches(
    conn: Connection, media_ids: list[uuid.UUID]
) -> dict[uuid.UUID, MediaSwatch]:
    """The media among ``media_ids`` the caller may see, by id."""
    rows = await kit.fetch_all(
        conn,
        MediaSwatch,
        f"SELECT {kit.columns(MediaSwatch)} FROM media WHERE id = ANY(%s)",
        (media_ids,),
    )
    return {row.id: row for row in rows}


async def insert_moodboard(
    conn: Connection, owner: uuid.UUID, values: Mapping[str, Any]
) -> MoodboardRow:
    return await kit.insert_returning(
        conn,
        "moodboards",
        _stored({"owner_user_id": owner, **values}),
        MoodboardRow,
        allowed=WRITABLE_COLUMNS,
    )


async def get_moodboard(conn: Connection, moodboard_id: uuid.UUID) -> MoodboardRow | None:
    return await kit.fetch_one(
        conn,
        MoodboardRow,
        f"SELECT {_MOODBOARD} FROM moodboards m WHERE m.id = %s AND {_VISIBLE_WITH_GIG}",
        (moodboard_id,),
    )


async def moodboard_id_of_gig(conn: Connection, gig_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the gig's moodboard, if it has one the caller can see."""
    value: uuid.UUID | None = await kit.fetch_value(
        conn, "SELECT id FROM moodboards WHERE gig_id = %s", (gig_id,)
    )
    return value


async def update_moodboard(
    conn: Connection, moodboard_id: uuid.UUID, changes: Mapping[str, Any]
) -> MoodboardRow | None:
    """The board with ``changes`` applied (as it is, without any); None if it is gone."""
    if not changes:
        return await get_moodboard(conn, moodboard_id)
    return await kit.update_returning(
        conn,
        "moodboards",
        _stored(changes),
        MoodboardRow,
        where="id = %(moodboard_id)s",
        where_params={"moodboard_id": moodboard_id},
        allowed=WRITABLE_COLUMNS - {"owner_user_id"},
    )


async def delete_moodboard(conn: Connection, moodboard_id: uuid.UUID) -> bool:
    return await kit.execute(conn, "DELETE FROM moodboards WHERE id = %s", (moodboard_id,)) > 0


async def set_gig_moodboard(
    conn: Connection, gig_id: uuid.UUID, moodboard_id: uuid.UUID | None
) -> None:
    """Keep gigs.moodboard_id in step with moodboards.gig_id (both columns exist, errata 3)."""
    await kit.execute(
        conn, "UPDATE gigs SET moodboard_id = %s WHERE id = %s", (moodboard_id, gig_id)
    )


async def list_own(conn: Connection, *, cursor: str | None, limit: int) -> kit.Page[MoodboardRow]:
    return await kit.keyset_list(
        conn,
        MoodboardRow,
        MINE,
        select=f"SELECT {_MOODBOARD} FROM moodboards m",
        where="m.owner_user_id = (select auth.uid())",
        cursor=cursor,
        limit=limit,
    )
