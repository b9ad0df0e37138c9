"""HTTP routes of the moodboards domain."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from preset.api.context import CallerTx, UserTx
from preset.api.ratelimit import READ_LIMIT, WRITE_LIMIT
from preset.constants import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from preset.db.kit import Page
from preset.moodboards import service
from preset.moodboards.repository import MoodboardRow
from preset.moodboards.schemas import MoodboardCreate, MoodboardPage, MoodboardPatch

router = APIRouter(prefix="/api/moodboards", tags=["moodboards"])


@router.get("", response_model=MoodboardPage, dependencies=[READ_LIMIT])
async def my_moodboards(
    ctx: UserTx,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE_DEFAULT,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Page[MoodboardRow]:
    """The caller's own moodboards, newest first."""
    return await service.list_own(ctx, cursor=cursor, limit=limit)


@router.post("", status_code=201, response_model=MoodboardRow, dependencies=[WRITE_LIMIT])
async def create_moodboard(payload: MoodboardCreate, ctx: UserTx) -> MoodboardRow:
    """Create a moodboard (contributors), optionally attached to an own gig."""
    return await service.create_moodboard(ctx, payload)


@router.get("/{moodboard_id}", response_model=MoodboardRow, dependencies=[READ_LIMIT])
async def get_moodboard(moodboard_id: uuid.UUID, ctx: CallerTx) -> MoodboardRow:
    """An own moodboard, or a public one (with its gig, when it has one)."""
    return await service.get_moodboard(ctx, moodboard_id)


@router.patch("/{moodboard_id}", response_model=MoodboardRow, dependencies=[WRITE_LIMIT])
async def update_moodboard(
    moodboard_id: uuid.UUID, payload: MoodboardPatch, ctx: UserTx
) -> MoodboardRow:
    """Change an own moodboard: texts, visibility, the ordered items, the gig it belongs to."""
    return await service.update_moodboard(ctx, moodboard_id, payload)


@router.delete("/{moodboard_id}", status_code=204, dependencies=[WRITE_LIMIT])
async def delete_moodboard(moodboard_id: uuid.UUID, ctx: UserTx) -> Response:
    """Delete an own moodboard (its gig keeps no reference)."""
    await service.delete_moodboard(ctx, moodboard_id)
    return Response(status_code=204)
