"""HTTP routes of the gigs domain: discovery, own gigs, the lifecycle of §3."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from preset.api.context import CallerReads, CallerTx, UserTx, caller_claims
from preset.api.openapi import errors
from preset.api.query import QueryModel
from preset.api.ratelimit import READ_LIMIT, WRITE_LIMIT
from preset.constants import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from preset.db.kit import Page
from preset.gigs import discovery, service
from preset.gigs.repository import GigRow, MapPin
from preset.gigs.schemas import (
    DiscoveryPage,
    DiscoveryQuery,
    GigCreate,
    GigPage,
    GigPatch,
    GigStatus,
    MapPins,
)

router = APIRouter(prefix="/api/gigs", tags=["gigs"])

GigId = uuid.UUID
Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)]

_DISCOVERY_QUERY = QueryModel(DiscoveryQuery)
#: The codes every route on one gig can answer (errors of preset.errors.ERROR_CODES).
_FOUND = ("gig_not_found",)
_OWN = (*_FOUND, "not_gig_owner")
_TRANSITION = (*_OWN, "invalid_transition")


async def _discovery_query(request: Request) -> DiscoveryQuery:
    # The whole query string in one validation call (preset.api.query): FastAPI's own
    # per-parameter work for ten parameters cost ~0.5 ms a request on the hottest read. The
    # token first: a bad one is a 401 before the query is looked at.
    caller_claims(request)
    return _DISCOVERY_QUERY.parse(request)


_discovery_query.preset_query_model = True  # type: ignore[attr-defined]


# Fixed paths first, so "mine" and "map" are never read as a gig id.
@router.get(
    "",
    response_model=DiscoveryPage,
    responses=errors("invalid_cursor"),
    dependencies=[READ_LIMIT],
    openapi_extra={"parameters": _DISCOVERY_QUERY.openapi_parameters()},
)
async def discover_gigs(
    query: Annotated[DiscoveryQuery, Depends(_discovery_query)], reads: CallerReads
) -> Response:
    """Published, open gigs near a point, filtered, boosted first then newest (cursor paged)."""
    page = await discovery.discover(reads, query)
    return Response(discovery.encode_page(page), media_type="application/json")


@router.get("/map", response_model=MapPins, dependencies=[READ_LIMIT])
async def gig_map(
    reads: CallerReads,
    min_lat: Annotated[float, Query(ge=-90, le=90)],
    min_lng: Annotated[float, Query(ge=-180, le=180)],
    max_lat: Annotated[float, Query(ge=-90, le=90)],
    max_lng: Annotated[float, Query(ge=-180, le=180)],
    limit: Annotated[int, Query(ge=1, le=discovery.MAX_MAP_PINS)] = discovery.MAX_MAP_PINS,
) -> dict[str, list[MapPin] | None]:
    """Map pins of open gigs inside a bounding box (at most 500; min_lng > max_lng wraps)."""
    pins = await discovery.map_pins(
        reads, min_lat=min_lat, min_lng=min_lng, max_lat=max_lat, max_lng=max_lng, limit=limit
    )
    return {"items": pins, "next_cursor": None}


@router.get(
    "/mine", response_model=GigPage, dependencies=[READ_LIMIT], responses=errors("invalid_cursor")
)
async def my_gigs(
    ctx: UserTx,
    status: GigStatus | None = None,
    limit: Limit = PAGE_SIZE_DEFAULT,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Page[GigRow]:
    """The caller's own gigs, newest first, optionally of one status."""
    return await service.list_my_gigs(ctx, status=status, cursor=cursor, limit=limit)


@router.post(
    "",
    status_code=201,
    response_model=GigRow,
    dependencies=[WRITE_LIMIT],
    responses=errors("contributor_only", "invalid_gig", "subscription_limit_exceeded"),
)
async def create_gig(payload: GigCreate, ctx: UserTx) -> GigRow:
    """Create a gig as a draft (contributors)."""
    return await service.create_gig(ctx, payload)


@router.get(
    "/{gig_id}", response_model=GigRow, dependencies=[READ_LIMIT], responses=errors(*_FOUND)
)
async def get_gig(gig_id: GigId, ctx: CallerTx) -> GigRow:
    """A gig the caller may see (published, own, applied to)."""
    return await service.get_gig(ctx, gig_id)


@router.patch(
    "/{gig_id}",
    response_model=GigRow,
    dependencies=[WRITE_LIMIT],
    responses=errors(
        *_OWN,
        "gig_not_editable",
        "invalid_gig",
        "max_applicants_below_applications",
        "subscription_limit_exceeded",
    ),
)
async def update_gig(gig_id: GigId, payload: GigPatch, ctx: UserTx) -> GigRow:
    """Change some fields of an own draft or published gig."""
    return await service.update_gig(ctx, gig_id, payload)


@router.delete(
    "/{gig_id}",
    status_code=204,
    dependencies=[WRITE_LIMIT],
    responses=errors(*_OWN, "gig_not_deletable"),
)
async def delete_gig(gig_id: GigId, ctx: UserTx) -> Response:
    """Delete an own draft (anything else is cancelled instead)."""
    await service.delete_gig(ctx, gig_id)
    return Response(status_code=204)


#: The lifecycle's actions (§3): the route's summary and the codes it adds to every transition's.
_TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "publish": (
        "Publish a valid draft whose start lies ahead (monthly quota of the owner's tier).",
        ("invalid_gig", "subscription_limit_exceeded"),
    ),
    "close": ("Stop taking applications on a published gig.", ()),
    "reopen": (
        "Publish a closed gig again while its application deadline is ahead.",
        ("deadline_passed",),
    ),
    "complete": (
        "Mark a started gig with an accepted application as completed.",
        ("gig_not_started", "no_accepted_application"),
    ),
    "cancel": (
        "Cancel a gig (owner or admin): open applications are declined, applicants notified.",
        (),
    ),
}


def _transition_route(action: str, summary: str, codes: tuple[str, ...]) -> None:
    async def endpoint(gig_id: GigId, ctx: UserTx) -> GigRow:
        return await service.transition(ctx, gig_id, action)

    endpoint.__name__ = f"{action}_gig"
    endpoint.__doc__ = summary
    router.add_api_route(
        f"/{{gig_id}}/{action}",
        endpoint,
        methods=["POST"],
        response_model=GigRow,
        dependencies=[WRITE_LIMIT],
        responses=errors(*_TRANSITION, *codes),
    )


for _action, (_summary, _codes) in _TRANSITIONS.items():
    _transition_route(_action, _summary, _codes)
