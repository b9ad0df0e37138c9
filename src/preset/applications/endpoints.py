"""HTTP routes of the applications domain."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from preset.api.context import UserTx
from preset.api.ratelimit import READ_LIMIT, WRITE_LIMIT
from preset.applications import service
from preset.applications.repository import ApplicationRow, MyApplicationRow
from preset.applications.schemas import (
    ApplicationPage,
    ApplicationPatch,
    ApplyRequest,
    BulkShortlistRequest,
    MyApplicationPage,
)
from preset.constants import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from preset.db.kit import Page

router = APIRouter(tags=["applications"])

Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)]
Cursor = Annotated[str | None, Query(max_length=512)]
ApplicationStatus = Literal["pending", "shortlisted", "accepted", "declined", "withdrawn"]


@router.post(
    "/api/gigs/{gig_id}/apply",
    status_code=201,
    response_model=ApplicationRow,
    dependencies=[WRITE_LIMIT],
)
async def apply_to_gig(
    gig_id: uuid.UUID, ctx: UserTx, payload: ApplyRequest | None = None
) -> ApplicationRow:
    """Apply to a published gig (talent), with an optional note free of contact details."""
    return await service.apply(ctx, gig_id, payload or ApplyRequest())


@router.get(
    "/api/gigs/{gig_id}/applications", response_model=ApplicationPage, dependencies=[READ_LIMIT]
)
async def list_gig_applications(
    gig_id: uuid.UUID,
    ctx: UserTx,
    status: ApplicationStatus | None = None,
    sort: Literal["date", "compatibility"] = "date",
    limit: Limit = PAGE_SIZE_DEFAULT,
    cursor: Cursor = None,
) -> Page[ApplicationRow]:
    """Applications to an own gig, newest first or best compatibility first."""
    return await service.list_for_gig(
        ctx, gig_id, status=status, sort=sort, cursor=cursor, limit=limit
    )


@router.post(
    "/api/gigs/{gig_id}/applications/shortlist",
    response_model=ApplicationPage,
    dependencies=[WRITE_LIMIT],
)
async def shortlist_applications(
    gig_id: uuid.UUID, payload: BulkShortlistRequest, ctx: UserTx
) -> Page[ApplicationRow]:
    """Shortlist several pending applications of an own gig at once (plus and pro)."""
    return Page(await service.shortlist_many(ctx, gig_id, payload.application_ids), None)


@router.get("/api/applications/mine", response_model=MyApplicationPage, dependencies=[READ_LIMIT])
async def my_applications(
    ctx: UserTx, limit: Limit = PAGE_SIZE_DEFAULT, cursor: Cursor = None
) -> Page[MyApplicationRow]:
    """The caller's applications with their gigs' title, status and start, newest first."""
    return await service.list_mine(ctx, cursor=cursor, limit=limit)


@router.patch(
    "/api/applications/{application_id}", response_model=ApplicationRow, dependencies=[WRITE_LIMIT]
)
async def update_application(
    application_id: uuid.UUID, payload: ApplicationPatch, ctx: UserTx
) -> ApplicationRow:
    """Owner: shortlist, accept or decline. Applicant: withdraw, or edit the note while pending."""
    return await service.update_application(ctx, application_id, payload)
