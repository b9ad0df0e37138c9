"""Gig discovery (PRODUCT_RULES §3 "Discovery", §9 "Content preferences").

The search itself lives in SQL (``discover_gig_page``, migrations 0006 and 0008, and
``gig_map_pin_ids``, 0006), which picks the index plan and returns ids in display order; the
queries here read those rows through row level security as the caller, with the owner's public
profile. ``DISCOVERY_SQL`` and ``MAP_PINS_SQL`` are the exact statements the API runs, so
``bench/`` measures the same thing.

A page item is defined once, by :class:`DiscoveredGig`: its fields make the select list
(``kit.columns``), the rows are read into it, the API's schema (``schemas.DiscoveryPage``)
declares it and :func:`encode_page` writes it as JSON.

Distances are great-circle metres on earthdistance's sphere (radius ``earth()`` = 6378168 m).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import orjson

from preset.constants import GIG_MAX_BOOST_LEVEL
from preset.db import kit
from preset.db.session import CallerReadAccess
from preset.errors import ValidationFailed
from preset.gigs.repository import (
    CONTENT_PREFERENCES_SQL,
    ContentPreferences,
    DiscoveredGig,
    MapPin,
)
from preset.gigs.schemas import DiscoveryQuery
from preset.pagination import invalid_cursor

MAX_MAP_PINS: Final = 500
#: The cursor kind of discovery pages (``preset.pagination``): display order is boost level,
#: then newest first, then id.
DISCOVERY_CURSOR: Final = "gigs.discover"


@dataclass(frozen=True, slots=True)
class ViewerPreferences:
    """What ``user_content_preferences`` lets a viewer see; the defaults are the safe ones."""

    allow_nsfw_content: bool = False
    blocked_categories: tuple[str, ...] = ()


# The function returns the page's ids (one extra to know whether another page follows); the gig
# rows and owner profiles are then read as the caller, under RLS.
DISCOVERY_SQL: Final = f"""
SELECT {kit.columns(DiscoveredGig, "g")}
  FROM public.discover_gig_page(
           %(lat)s, %(lng)s, %(radius_m)s, %(comp_type)s, %(looking_for)s::text[],
           %(starts_after)s, %(starts_before)s, %(q)s, %(allow_nsfw)s, %(blocked)s::text[],
           %(after_boost)s, %(after_created_at)s, %(after_id)s, %(page_size)s
       ) WITH ORDINALITY AS page(gig_id, distance_m, position)
  JOIN public.gigs g ON g.id = page.gig_id
  LEFT JOIN public.profiles p ON p.user_id = g.owner_user_id
 ORDER BY page.position
"""

MAP_PINS_SQL: Final = f"""
SELECT {kit.columns(MapPin, "g")}
  FROM public.gig_map_pin_ids(%(min_lat)s, %(min_lng)s, %(max_lat)s, %(max_lng)s,
                              %(allow_nsfw)s, %(blocked)s::text[], %(max_pins)s)
       WITH ORDINALITY AS pin(gig_id, position)
  JOIN public.gigs g ON g.id = pin.gig_id
 ORDER BY pin.position
"""


def _query_problem(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"invalid request: {field_name}",
        details=[
            {"field": field_name, "location": "query", "message": message, "type": "value_error"}
        ],
    )


def discovery_params(query: DiscoveryQuery, prefs: ViewerPreferences) -> dict[str, Any]:
    """DISCOVERY_SQL's parameters for a validated query (``DiscoveryQuery`` checks each field;
    what needs two fields is checked here: 422 naming the field)."""
    if (query.lat is None) != (query.lng is None):
        raise _query_problem("lat", "lat and lng go together")
    if query.radius_km is not None and query.lat is None:
        raise _query_problem("radius_km", "radius_km needs lat and lng")
    after_boost, after_created_at, after_id = kit.cursor_after(
        DISCOVERY_CURSOR, query.cursor, (int, datetime, uuid.UUID)
    )
    if after_boost is not None and not 0 <= after_boost <= GIG_MAX_BOOST_LEVEL:
        raise invalid_cursor()
    text = query.q.strip() if query.q is not None else None
    return {
        "lat": query.lat,
        "lng": query.lng,
        "radius_m": query.radius_km * 1000.0 if query.radius_km is not None else None,
        "comp_type": query.comp_type,
        "looking_for": list(query.roles),
        "starts_after": query.starts_after,
        "starts_before": query.starts_before,
        "q": text or None,
        "allow_nsfw": prefs.allow_nsfw_content,
        "blocked": list(prefs.blocked_categories),
        "after_boost": after_boost,
        "after_created_at": after_created_at,
        "after_id": after_id,
        # One more than the page: its presence says another page follows.
        "page_size": query.limit + 1,
    }


def _sort_key(gig: DiscoveredGig) -> list[Any]:
    return [gig.boost_level, gig.created_at, gig.id]


def shape_page(rows: list[DiscoveredGig], limit: int) -> kit.Page[DiscoveredGig]:
    """The page's rows (without the look-ahead row) and the next page's cursor."""
    return kit.split_page(rows, limit, DISCOVERY_CURSOR, _sort_key)


async def viewer_preferences(reads: CallerReadAccess) -> ViewerPreferences:
    """§9: a logged-in viewer's content filters; anonymous viewers get the safe defaults."""
    if reads.anonymous:
        return ViewerPreferences()
    rows = await reads.all(ContentPreferences, CONTENT_PREFERENCES_SQL)
    if not rows:
        return ViewerPreferences()
    return ViewerPreferences(rows[0].allow_nsfw_content, tuple(rows[0].blocked_categories))


async def discover(reads: CallerReadAccess, query: DiscoveryQuery) -> kit.Page[DiscoveredGig]:
    """One page of discovery as the caller (anonymous: one statement on the pinned pool)."""
    params = discovery_params(query, await viewer_preferences(reads))
    rows = await reads.all(DiscoveredGig, DISCOVERY_SQL, params)
    return shape_page(rows, query.limit)


def _decimal_as_string(value: object) -> str:
    # pydantic writes Decimal fields (comp_amount, rating) as JSON strings, str() of the value.
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_page(page: kit.Page[DiscoveredGig]) -> bytes:
    """The JSON of ``schemas.DiscoveryPage``, byte for byte what pydantic would write (a test
    holds the two equal), without pydantic's validate-then-dump pass (~0.25 ms a page of 20):
    orjson writes dataclasses, UUIDs, UTC times ("Z"), strings and floats as pydantic does."""
    return orjson.dumps(
        {"items": page.items, "next_cursor": page.next_cursor},
        default=_decimal_as_string,
        option=orjson.OPT_UTC_Z,
    )


def map_pin_params(
    *,
    min_lat: float,
    min_lng: float,
    max_lat: float,
    max_lng: float,
    prefs: ViewerPreferences,
    limit: int = MAX_MAP_PINS,
) -> dict[str, Any]:
    if min_lat > max_lat:
        raise _query_problem("min_lat", "min_lat must not be above max_lat")
    if not 1 <= limit <= MAX_MAP_PINS:
        raise _query_problem("limit", f"at most {MAX_MAP_PINS} pins")
    return {
        "min_lat": min_lat,
        "min_lng": min_lng,
        "max_lat": max_lat,
        "max_lng": max_lng,
        "allow_nsfw": prefs.allow_nsfw_content,
        "blocked": list(prefs.blocked_categories),
        "max_pins": limit,
    }


async def map_pins(
    reads: CallerReadAccess,
    *,
    min_lat: float,
    min_lng: float,
    max_lat: float,
    max_lng: float,
    limit: int,
) -> list[MapPin]:
    """Map pins inside a box (min_lng > max_lng crosses the antimeridian), best first."""
    params = map_pin_params(
        min_lat=min_lat,
        min_lng=min_lng,
        max_lat=max_lat,
        max_lng=max_lng,
        prefs=await viewer_preferences(reads),
        limit=limit,
    )
    return await reads.all(MapPin, MAP_PINS_SQL, params)
