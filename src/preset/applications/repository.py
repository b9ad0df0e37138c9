"""Every query of the applications domain, as typed rows (``preset.db.kit``; the caller's
transaction decides the role)."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.kit import MONTH_START
from preset.db.session import Connection

#: Names of the unique constraint behind "one application per (gig, applicant)".
ONE_PER_GIG_CONSTRAINT: Final = "applications_gig_id_applicant_user_id_key"
#: Rows without a score (the API always writes one) sort after every scored one.
NO_SCORE: Final = Decimal(-1)


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """An `applications` row, as the API shows it (its response model)."""

    id: uuid.UUID
    gig_id: uuid.UUID
    applicant_user_id: uuid.UUID
    note: str | None
    status: str
    applied_at: datetime
    reviewed_at: datetime | None
    reviewed_by: uuid.UUID | None
    profile_snapshot: dict[str, Any] | None
    compatibility_score: Decimal | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationWithGig(ApplicationRow):
    """An application with what deciding on it needs of its gig."""

    gig_owner_user_id: uuid.UUID = field(metadata=kit.sql_expression("g.owner_user_id"))
    gig_status: str = field(metadata=kit.sql_expression("g.status"))


@dataclass(frozen=True, slots=True)
class MyApplicationRow(ApplicationRow):
    """An own application with its gig's details (the response model of my list)."""

    title: str = field(metadata=kit.sql_expression("g.title"))
    gig_status: str = field(metadata=kit.sql_expression("g.status"))
    start_time: datetime | None = field(metadata=kit.sql_expression("g.start_time"))


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """§4's profile snapshot: the caller's profile as it is at apply time, stored as JSON on the
    application (:meth:`to_json`). It keeps every input of the compatibility score, so the score
    can be recomputed from the stored row alone (:meth:`from_json`)."""

    display_name: str | None = None
    handle: str | None = None
    avatar_url: str | None = None
    bio: str | None = None
    city: str | None = None
    style_tags: list[str] = field(default_factory=list)
    experience_years: int = 0
    published_showcases: int = field(
        default=0,
        metadata=kit.sql_expression(
            "(SELECT count(*) FROM showcases s WHERE s.visibility = 'public'"
            " AND (s.creator_user_id = {t}user_id OR s.talent_user_id = {t}user_id))::int"
        ),
    )
    rating: Decimal | None = None
    review_count: int = 0
    looking_for_types: list[str] = field(default_factory=list)
    is_verified: bool = False
    profile_completion_percentage: int = 0

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["rating"] = str(self.rating) if self.rating is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProfileSnapshot:
        """A stored snapshot read back; absent keys take the defaults."""
        rating = data.get("rating")
        return cls(
            display_name=data.get("display_name"),
            handle=data.get("handle"),
            avatar_url=data.get("avatar_url"),
            bio=data.get("bio"),
            city=data.get("city"),
            style_tags=list(data.get("style_tags") or []),
            experience_years=int(data.get("experience_years") or 0),
            published_showcases=int(data.get("published_showcases") or 0),
            rating=Decimal(str(rating)) if rating is not None else None,
            review_count=int(data.get("review_count") or 0),
            looking_for_types=list(data.get("looking_for_types") or []),
            is_verified=bool(data.get("is_verified")),
            profile_completion_percentage=int(data.get("profile_completion_percentage") or 0),
        )


_APPLICATION = kit.columns(ApplicationRow, "a")

#: The owner's list of a gig's applications: newest first, or best compatibility first.
BY_DATE: Final[kit.Keyset[ApplicationRow]] = kit.Keyset(
    "applications.gig.date",
    ("a.applied_at", "a.id"),
    (datetime, uuid.UUID),
    lambda row: [row.applied_at, row.id],
)
BY_COMPATIBILITY: Final[kit.Keyset[ApplicationRow]] = kit.Keyset(
    "applications.gig.compatibility",
    (f"coalesce(a.compatibility_score, {NO_SCORE})", "a.applied_at", "a.id"),
    (Decimal, datetime, uuid.UUID),
    lambda row: [
        row.compatibility_score if row.compatibility_score is not None else NO_SCORE,
        row.applied_at,
        row.id,
    ],
)
MINE: Final[kit.Keyset[MyApplicationRow]] = kit.Keyset(
    "applications.mine",
    ("a.applied_at", "a.id"),
    (datetime, uuid.UUID),
    lambda row: [row.applied_at, row.id],
)


async def get_application(conn: Connection, application_id: uuid.UUID) -> ApplicationWithGig | None:
    """The application and its gig's owner and status, if the caller may see it."""
    return await kit.fetch_one(
        conn,
        ApplicationWithGig,
        f"SELECT {kit.columns(ApplicationWithGig, 'a')} "
        "FROM applications a JOIN gigs g ON g.id = a.gig_id WHERE a.id = %s",
        (application_id,),
    )


async def has_own_application(conn: Connection, gig_id: uuid.UUID) -> bool:
    """Whether the caller already applied to the gig."""
    return bool(
        await kit.fetch_value(
            conn,
            "SELECT EXISTS (SELECT 1 FROM applications "
            "WHERE gig_id = %s AND applicant_user_id = (select auth.uid()))",
            (gig_id,),
        )
    )


async def count_own_applications_this_month(conn: Connection) -> int:
    """Applications the caller made this calendar month (UTC), withdrawn ones included: a
    withdrawal does not give the quota back."""
    count = await kit.fetch_value(
        conn,
        "SELECT count(*) FROM applications WHERE applicant_user_id = (select auth.uid()) "
        f"AND applied_at >= {MONTH_START}",
    )
    return int(count or 0)


async def own_profile_snapshot(conn: Connection) -> ProfileSnapshot | None:
    """The caller's profile as §4 snapshots it, with their published showcases."""
    return await kit.fetch_one(
        conn,
        ProfileSnapshot,
        f"SELECT {kit.columns(ProfileSnapshot, 'p')} FROM profiles p "
        "WHERE p.user_id = (select auth.uid())",
    )


async def insert_application(
    conn: Connection,
    *,
    gig_id: uuid.UUID,
    applicant_user_id: uuid.UUID,
    note: str | None,
    snapshot: ProfileSnapshot,
    score: Decimal,
) -> ApplicationRow:
    return await kit.insert_returning(
        conn,
        "applications",
        {
            "gig_id": gig_id,
            "applicant_user_id": applicant_user_id,
            "note": note,
            "profile_snapshot": Jsonb(snapshot.to_json()),
            "compatibility_score": score,
        },
        ApplicationRow,
    )


async def set_status(
    conn: Connection,
    application_id: uuid.UUID,
    *,
    to_status: str,
    from_statuses: frozenset[str],
    reviewer: uuid.UUID | None,
) -> ApplicationRow | None:
    """Move the application if it is still in one of ``from_statuses`` (None otherwise); owner
    decisions record who reviewed and when."""
    return await kit.fetch_one(
        conn,
        ApplicationRow,
        f"""
        UPDATE applications AS a
           SET status = %(to)s,
               reviewed_at = CASE WHEN %(reviewer)s::uuid IS NULL THEN a.reviewed_at ELSE now() END,
               reviewed_by = coalesce(%(reviewer)s::uuid, a.reviewed_by)
         WHERE a.id = %(id)s AND a.status = ANY(%(from)s)
        RETURNING {_APPLICATION}
        """,
        {"to": to_status, "reviewer": reviewer, "id": application_id, "from": list(from_statuses)},
    )


async def set_note(
    conn: Connection, application_id: uuid.UUID, note: str | None
) -> ApplicationRow | None:
    """The new note, if the application is still pending (None otherwise)."""
    return await kit.update_returning(
        conn,
        "applications",
        {"note": note},
        ApplicationRow,
        where="id = %(application_id)s AND status = 'pending'",
        where_params={"application_id": application_id},
    )


async def list_for_gig(
    conn: Connection,
    gig_id: uuid.UUID,
    *,
    status: str | None,
    order: kit.Keyset[ApplicationRow],
    cursor: str | None,
    limit: int,
) -> kit.Page[ApplicationRow]:
    return await kit.keyset_list(
        conn,
        ApplicationRow,
        order,
        select=f"SELECT {_APPLICATION} FROM applications a",
        where="a.gig_id = %(gig_id)s AND (%(status)s::text IS NULL OR a.status = %(status)s)",
        params={"gig_id": gig_id, "status": status},
        cursor=cursor,
        limit=limit,
    )


async def list_mine(
    conn: Connection, *, cursor: str | None, limit: int
) -> kit.Page[MyApplicationRow]:
    """The schema document's "user applications with gig details", keyset-paged."""
    return await kit.keyset_list(
        conn,
        MyApplicationRow,
        MINE,
        select=f"SELECT {kit.columns(MyApplicationRow, 'a')} "
        "FROM applications a JOIN gigs g ON a.gig_id = g.id",
        where="a.applicant_user_id = (select auth.uid())",
        cursor=cursor,
        limit=limit,
    )


async def get_many_for_gig(
    conn: Connection, gig_id: uuid.UUID, application_ids: list[uuid.UUID]
) -> list[ApplicationRow]:
    return await kit.fetch_all(
        conn,
        ApplicationRow,
        f"SELECT {_APPLICATION} FROM applications a WHERE a.gig_id = %s AND a.id = ANY(%s)",
        (gig_id, application_ids),
    )


async def shortlist_many(
    conn: Connection, gig_id: uuid.UUID, application_ids: list[uuid.UUID], reviewer: uuid.UUID
) -> list[ApplicationRow]:
    return await kit.fetch_all(
        conn,
        ApplicationRow,
        f"""
        UPDATE applications AS a SET status = 'shortlisted', reviewed_at = now(), reviewed_by = %s
         WHERE a.gig_id = %s AND a.id = ANY(%s) AND a.status = 'pending'
        RETURNING {_APPLICATION}
        """,
        (reviewer, gig_id, application_ids),
    )
