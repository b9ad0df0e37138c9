"""HTTP routes of the gigs domain: discovery, own gigs, the lifecycle of §3."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from preset.api.context import (
    CallerClaims,
    CallerTx,
    UserTx,
    anon_pool,
    app_pool,
    caller_claims,
)
from preset.api.query import QueryModel
from preset.api.ratelimit import READ_LIMIT, WRITE_LIMIT, check_rate_limit
from preset.auth.tokens import AccessClaims
from preset.constants import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from preset.db.session import caller_transaction, read_all_as_anon
from preset.gigs import discovery, service
from preset.gigs.schemas import (
    DiscoveredGig,
    DiscoveryPage,
    DiscoveryQuery,
    GigCreate,
    GigOut,
    GigPage,
    GigPatch,
    GigStatus,
    MapPins,
    OwnerSummary,
)
from preset.pagination import invalid_cursor

router = APIRouter(prefix="/api/gigs", tags=["gigs"])

GigId = uuid.UUID
Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)]


# Fixed paths first, so "mine" and "map" are never read as a gig id.
@router.get("", response_model=DiscoveryPage, dependencies=[READ_LIMIT])
async def discover_gigs(
    request: Request, query: Annotated[DiscoveryQuery, Query()], claims: CallerClaims
) -> Response:
    """Published, open gigs near a point, filtered, boosted first then newest (cursor paged).

    Declares the endpoint (OpenAPI, and it answers wherever :func:`discover_gigs_fast` is not
    mounted); the app serves the requests with :func:`discover_gigs_fast`, same answers.
    """
    return await _discovery_response(request, query, claims)


_DISCOVERY_QUERY = QueryModel(DiscoveryQuery)


async def discover_gigs_fast(request: Request) -> Response:
    """``GET /api/gigs`` as a plain route, mounted ahead of the routers by the app factory.

    The same steps as the FastAPI route above, in its order (rate limit, bearer token, query
    validation), without FastAPI's per-parameter validation and dependency solving: ~0.9 ms of
    CPU less per request on the benchmark machine (docs/benchmarks.md, "HTTP overhead").
    ``tests/gigs/test_discovery_api.py`` holds the two to the same responses.
    """
    check_rate_limit(request, "read")
    claims = caller_claims(request)
    query = _DISCOVERY_QUERY.parse(request)
    return await _discovery_response(request, query, claims)


async def _discovery_response(
    request: Request, query: DiscoveryQuery, claims: AccessClaims | None
) -> Response:
    roles = tuple(
        part.strip()
        for value in query.looking_for or ()
        for part in value.split(",")
        if part.strip()
    )
    filters = discovery.DiscoveryFilters(
        lat=query.lat,
        lng=query.lng,
        radius_km=query.radius_km,
        comp_type=query.comp_type,
        looking_for=roles,
        starts_after=query.starts_after,
        starts_before=query.starts_before,
        q=query.q,
        limit=query.limit,
        cursor=query.cursor,
    )
    if claims is None:
        # The hottest read: anonymous viewers have the default preferences, so the whole request
        # is one statement, on a connection of the pool already switched to `anon`.
        try:
            params = discovery.discovery_params(filters, discovery.ViewerPreferences())
        except discovery.InvalidCursor as exc:
            raise invalid_cursor() from exc
        except discovery.InvalidDiscoveryFilter as exc:
            raise service._filter_error(exc) from exc
        rows = await read_all_as_anon(anon_pool(request), dict, discovery.DISCOVERY_SQL, params)
        items, next_cursor = discovery.shape_page(rows, query.limit)
    else:
        async with caller_transaction(app_pool(request), claims) as ctx:
            items, next_cursor = await service.discover(ctx, filters)
    # The page is encoded as it is (same bytes as DiscoveryPage; fields checked at import
    # below); response_model keeps the OpenAPI schema.
    return Response(
        discovery.encode_discovery_page(items, next_cursor), media_type="application/json"
    )


if discovery.PAGE_ITEM_FIELDS != tuple(DiscoveredGig.model_fields) or discovery.OWNER_FIELDS != (
    tuple(OwnerSummary.model_fields)
):
    raise RuntimeError("discovery's page encoder and DiscoveredGig disagree: GET /api/gigs")


@router.get("/map", response_model=MapPins, dependencies=[READ_LIMIT])
async def gig_map(
    ctx: CallerTx,
    min_lat: Annotated[float, Query(ge=-90, le=90)],
    min_lng: Annotated[float, Query(ge=-180, le=180)],
    max_lat: Annotated[float, Query(ge=-90, le=90)],
    max_lng: Annotated[float, Query(ge=-180, le=180)],
    limit: Annotated[int, Query(ge=1, le=discovery.MAX_MAP_PINS)] = discovery.MAX_MAP_PINS,
) -> dict[str, Any]:
    """Map pins of open gigs inside a bounding box (at most 500; min_lng > max_lng wraps)."""
    pins = await service.map_pins(
        ctx, min_lat=min_lat, min_lng=min_lng, max_lat=max_lat, max_lng=max_lng, limit=limit
    )
    return {"items": pins, "next_cursor": None}


@router.get("/mine", response_model=GigPage, dependencies=[READ_LIMIT])
async def my_gigs(
    ctx: UserTx,
    status: GigStatus | None = None,
    limit: Limit = PAGE_SIZE_DEFAULT,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> dict[str, Any]:
    """The caller's own gigs, newest first, optionally of one status."""
    items, next_cursor = await service.list_my_gigs(ctx, status=status, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("", status_code=201, response_model=GigOut, dependencies=[WRITE_LIMIT])
async def create_gig(payload: GigCreate, ctx: UserTx) -> dict[str, Any]:
    """Create a gig as a draft (contributors)."""
    return await service.create_gig(ctx, payload)


@router.get("/{gig_id}", response_model=GigOut, dependencies=[READ_LIMIT])
async def get_gig(gig_id: GigId, ctx: CallerTx) -> dict[str, Any]:
    """A gig the caller may see (published, own, applied to)."""
    return await service.get_gig(ctx, gig_id)


@router.patch("/{gig_id}", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def update_gig(gig_id: GigId, payload: GigPatch, ctx: UserTx) -> dict[str, Any]:
    """Change some fields of an own draft or published gig."""
    return await service.update_gig(ctx, gig_id, payload)


@router.delete("/{gig_id}", status_code=204, dependencies=[WRITE_LIMIT])
async def delete_gig(gig_id: GigId, ctx: UserTx) -> Response:
    """Delete an own draft (anything else is cancelled instead)."""
    await service.delete_gig(ctx, gig_id)
    return Response(status_code=204)


@router.post("/{gig_id}/publish", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def publish_gig(gig_id: GigId, ctx: UserTx) -> dict[str, Any]:
    """Publish a valid draft whose start lies ahead (monthly quota of the owner's tier)."""
    return await service.transition(ctx, gig_id, "publish")


@router.post("/{gig_id}/close", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def close_gig(gig_id: GigId, ctx: UserTx) -> dict[str, Any]:
    """Stop taking applications on a published gig."""
    return await service.transition(ctx, gig_id, "close")


@router.post("/{gig_id}/reopen", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def reopen_gig(gig_id: GigId, ctx: UserTx) -> dict[str, Any]:
    """Publish a closed gig again while its application deadline is ahead."""
    return await service.transition(ctx, gig_id, "reopen")


@router.post("/{gig_id}/complete", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def complete_gig(gig_id: GigId, ctx: UserTx) -> dict[str, Any]:
    """Mark a started gig with an accepted application as completed."""
    return await service.transition(ctx, gig_id, "complete")


@router.post("/{gig_id}/cancel", response_model=GigOut, dependencies=[WRITE_LIMIT])
async def cancel_gig(gig_id: GigId, ctx: UserTx) -> dict[str, Any]:
    """Cancel a gig (owner or admin): open applications are declined, applicants notified."""
    return await service.transition(ctx, gig_id, "cancel")
