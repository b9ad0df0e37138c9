"""Gig discovery (PRODUCT_RULES §3 "Discovery", §9 "Content preferences").

The search itself lives in SQL (``discover_gig_page``, migrations 0006 and 0008, and
``gig_map_pin_ids``, 0006), which picks the index plan and returns ids in display order; the
queries here read those rows through row level security as the caller, with the owner's public
profile. ``DISCOVERY_SQL`` and ``MAP_PINS_SQL`` are the exact statements the API runs, so
``bench/`` measures the same thing.

Distances are great-circle metres on earthdistance's sphere (radius ``earth()`` = 6378168 m).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import orjson
from psycopg import AsyncConnection, Connection
from psycopg.rows import dict_row

from preset.types import timestamp_in_range

MIN_RADIUS_KM: Final = 1.0
MAX_RADIUS_KM: Final = 100.0
MAX_PAGE_SIZE: Final = 100
MAX_MAP_PINS: Final = 500
CURSOR_VERSION: Final = 1


class InvalidCursor(ValueError):
    """A pagination cursor that this module did not produce (or that was tampered with)."""


class InvalidDiscoveryFilter(ValueError):
    """A discovery parameter outside what PRODUCT_RULES §3 allows."""


@dataclass(frozen=True)
class DiscoveryFilters:
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None  # 1 to 100; needs lat and lng
    comp_type: str | None = None
    looking_for: tuple[str, ...] = ()  # any of
    starts_after: datetime | None = None  # inclusive
    starts_before: datetime | None = None  # inclusive
    q: str | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True)
class ViewerPreferences:
    """What ``user_content_preferences`` lets a viewer see; the defaults are the safe ones."""

    allow_nsfw_content: bool = False
    blocked_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class CursorPosition:
    """The last gig of a page: the next page starts strictly after it in display order."""

    boost_level: int
    created_at: datetime
    id: uuid.UUID


COMP_TYPES: Final = frozenset({"tfp", "paid", "expenses"})

# The function returns the page's ids (one extra to know whether another page follows); the gig
# rows and owner profiles are then read as the caller, under RLS.
DISCOVERY_SQL: Final = """
SELECT g.id, g.owner_user_id, g.title, g.description, g.comp_type, g.comp_amount,
       g.comp_currency, g.location_text, g.location_lat, g.location_lng, g.location_radius,
       g.start_time, g.end_time, g.application_deadline, g.max_applicants, g.boost_level,
       g.looking_for_types, g.is_nsfw, g.content_categories, g.moodboard_id, g.published_at,
       g.created_at, page.distance_m,
       p.display_name, p.avatar_url, p.rating
  FROM public.discover_gig_page(
           %(lat)s, %(lng)s, %(radius_m)s, %(comp_type)s, %(looking_for)s::text[],
           %(starts_after)s, %(starts_before)s, %(q)s, %(allow_nsfw)s, %(blocked)s::text[],
           %(after_boost)s, %(after_created_at)s, %(after_id)s, %(page_size)s
       ) WITH ORDINALITY AS page(gig_id, distance_m, position)
  JOIN public.gigs g ON g.id = page.gig_id
  LEFT JOIN public.profiles p ON p.user_id = g.owner_user_id
 ORDER BY page.position
"""

MAP_PINS_SQL: Final = """
SELECT g.id, g.title, g.location_lat::float8 AS lat, g.location_lng::float8 AS lng,
       g.comp_type, g.boost_level
  FROM public.gig_map_pin_ids(%(min_lat)s, %(min_lng)s, %(max_lat)s, %(max_lng)s,
                              %(allow_nsfw)s, %(blocked)s::text[], %(max_pins)s)
       WITH ORDINALITY AS pin(gig_id, position)
  JOIN public.gigs g ON g.id = pin.gig_id
 ORDER BY pin.position
"""


def encode_cursor(position: CursorPosition) -> str:
    payload = {
        "v": CURSOR_VERSION,
        "b": position.boost_level,
        "c": position.created_at.isoformat(),
        "i": str(position.id),
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> CursorPosition:
    """Parse an opaque cursor; anything this module did not produce raises InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(payload, dict) or payload.get("v") != CURSOR_VERSION:
            raise InvalidCursor("unknown cursor version")
        boost = payload["b"]
        if not isinstance(boost, int) or isinstance(boost, bool) or not 0 <= boost <= 3:
            raise InvalidCursor("cursor boost out of range")
        created_at, gig_id = payload["c"], payload["i"]
        if not isinstance(created_at, str) or not isinstance(gig_id, str):
            raise InvalidCursor("cursor values are not strings")
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None or not timestamp_in_range(moment):
            raise InvalidCursor("cursor time has no zone or is out of range")
        return CursorPosition(boost, moment, uuid.UUID(gig_id))
    except InvalidCursor:
        raise
    except (KeyError, TypeError, ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidCursor("malformed cursor") from exc


def discovery_params(filters: DiscoveryFilters, prefs: ViewerPreferences) -> dict[str, Any]:
    """Validate the filters and turn them into DISCOVERY_SQL's parameters."""
    has_lat, has_lng = filters.lat is not None, filters.lng is not None
    if has_lat != has_lng:
        raise InvalidDiscoveryFilter("lat and lng go together")
    if filters.lat is not None and not -90.0 <= filters.lat <= 90.0:
        raise InvalidDiscoveryFilter("lat must be between -90 and 90")
    if filters.lng is not None and not -180.0 <= filters.lng <= 180.0:
        raise InvalidDiscoveryFilter("lng must be between -180 and 180")
    radius_m: float | None = None
    if filters.radius_km is not None:
        if not has_lat:
            raise InvalidDiscoveryFilter("radius_km needs lat and lng")
        if not MIN_RADIUS_KM <= filters.radius_km <= MAX_RADIUS_KM:
            raise InvalidDiscoveryFilter("radius_km must be between 1 and 100")
        radius_m = filters.radius_km * 1000.0
    if filters.comp_type is not None and filters.comp_type not in COMP_TYPES:
        raise InvalidDiscoveryFilter("comp_type must be one of tfp, paid, expenses")
    if not 1 <= filters.limit <= MAX_PAGE_SIZE:
        raise InvalidDiscoveryFilter(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    for moment in (filters.starts_after, filters.starts_before):
        if moment is not None and moment.tzinfo is None:
            raise InvalidDiscoveryFilter("dates need a time zone")
    query = filters.q.strip() if filters.q is not None else None
    position = decode_cursor(filters.cursor) if filters.cursor else None
    return {
        "lat": filters.lat,
        "lng": filters.lng,
        "radius_m": radius_m,
        "comp_type": filters.comp_type,
        "looking_for": list(filters.looking_for),
        "starts_after": filters.starts_after,
        "starts_before": filters.starts_before,
        "q": query or None,
        "allow_nsfw": prefs.allow_nsfw_content,
        "blocked": list(prefs.blocked_categories),
        "after_boost": position.boost_level if position else None,
        "after_created_at": position.created_at if position else None,
        "after_id": position.id if position else None,
        # One more than the page: its presence says another page follows.
        "page_size": filters.limit + 1,
    }


def map_pin_params(
    *,
    min_lat: float,
    min_lng: float,
    max_lat: float,
    max_lng: float,
    prefs: ViewerPreferences,
    limit: int = MAX_MAP_PINS,
) -> dict[str, Any]:
    if not (-90.0 <= min_lat <= max_lat <= 90.0):
        raise InvalidDiscoveryFilter("latitudes must satisfy -90 <= min_lat <= max_lat <= 90")
    if not (-180.0 <= min_lng <= 180.0 and -180.0 <= max_lng <= 180.0):
        raise InvalidDiscoveryFilter("longitudes must be between -180 and 180")
    if not 1 <= limit <= MAX_MAP_PINS:
        raise InvalidDiscoveryFilter(f"limit must be between 1 and {MAX_MAP_PINS}")
    return {
        "min_lat": min_lat,
        "min_lng": min_lng,
        "max_lat": max_lat,
        "max_lng": max_lng,
        "allow_nsfw": prefs.allow_nsfw_content,
        "blocked": list(prefs.blocked_categories),
        "max_pins": limit,
    }


def _shape_page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str | None]:
    items = rows[:limit]
    if len(rows) <= limit or not items:
        return items, None
    last = items[-1]
    return items, encode_cursor(CursorPosition(last["boost_level"], last["created_at"], last["id"]))


#: The fields of one page item, in ``schemas.DiscoveredGig``'s order (checked at import by the
#: endpoint), each read from the DISCOVERY_SQL column of the same name.
PAGE_ITEM_FIELDS: Final = (
    "id", "owner_user_id", "title", "description", "comp_type", "comp_amount", "comp_currency",
    "location_text", "location_lat", "location_lng", "location_radius", "start_time", "end_time",
    "application_deadline", "max_applicants", "boost_level", "looking_for_types", "is_nsfw",
    "content_categories", "moodboard_id", "published_at", "created_at", "distance_m", "owner",
)  # fmt: skip
OWNER_FIELDS: Final = ("display_name", "avatar_url", "rating")


def _decimal_as_string(value: object) -> str:
    # pydantic writes Decimal fields (comp_amount, rating) as JSON strings, str() of the value.
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_discovery_page(rows: list[dict[str, Any]], next_cursor: str | None) -> bytes:
    """The JSON of ``schemas.DiscoveryPage`` for DISCOVERY_SQL rows, byte for byte what
    pydantic would write (its validate-then-dump pass costs ~0.25 ms a page of 20).

    orjson writes UUIDs, UTC times ("Z"), strings and floats as pydantic does; the two
    float fields stored as DECIMAL (location_lat/lng) are converted as pydantic's lax float
    validation converts them, and the other Decimals become strings.
    """
    items = []
    for row in rows:
        lat, lng = row["location_lat"], row["location_lng"]
        items.append(
            {
                "id": row["id"],
                "owner_user_id": row["owner_user_id"],
                "title": row["title"],
                "description": row["description"],
                "comp_type": row["comp_type"],
                "comp_amount": row["comp_amount"],
                "comp_currency": row["comp_currency"],
                "location_text": row["location_text"],
                "location_lat": None if lat is None else float(lat),
                "location_lng": None if lng is None else float(lng),
                "location_radius": row["location_radius"],
                "start_time": row["start_time"],
                "end_time": row["end_time"],
                "application_deadline": row["application_deadline"],
                "max_applicants": row["max_applicants"],
                "boost_level": row["boost_level"],
                "looking_for_types": row["looking_for_types"],
                "is_nsfw": row["is_nsfw"],
                "content_categories": row["content_categories"],
                "moodboard_id": row["moodboard_id"],
                "published_at": row["published_at"],
                "created_at": row["created_at"],
                "distance_m": row["distance_m"],
                "owner": {
                    "display_name": row["display_name"],
                    "avatar_url": row["avatar_url"],
                    "rating": row["rating"],
                },
            }
        )
    return orjson.dumps(
        {"items": items, "next_cursor": next_cursor},
        default=_decimal_as_string,
        option=orjson.OPT_UTC_Z,
    )


def shape_page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """The page's rows (without the look-ahead row) and the next page's cursor."""
    return _shape_page(rows, limit)


async def discover_gigs(
    conn: AsyncConnection[Any], filters: DiscoveryFilters, prefs: ViewerPreferences
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of discovery and the cursor of the next page (None on the last page)."""
    params = discovery_params(filters, prefs)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(DISCOVERY_SQL, params)
        rows = await cur.fetchall()
    return _shape_page(rows, filters.limit)


def discover_gigs_sync(
    conn: Connection[Any], filters: DiscoveryFilters, prefs: ViewerPreferences
) -> tuple[list[dict[str, Any]], str | None]:
    """The same query on a synchronous connection (benchmarks, scripts)."""
    params = discovery_params(filters, prefs)
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(DISCOVERY_SQL, params)
        rows = cur.fetchall()
    return _shape_page(rows, filters.limit)


async def gigs_in_bbox(
    conn: AsyncConnection[Any],
    *,
    min_lat: float,
    min_lng: float,
    max_lat: float,
    max_lng: float,
    prefs: ViewerPreferences,
    limit: int = MAX_MAP_PINS,
) -> list[dict[str, Any]]:
    """Map pins inside a box (min_lng > max_lng crosses the antimeridian), best first."""
    params = map_pin_params(
        min_lat=min_lat, min_lng=min_lng, max_lat=max_lat, max_lng=max_lng, prefs=prefs, limit=limit
    )
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(MAP_PINS_SQL, params)
        return await cur.fetchall()
