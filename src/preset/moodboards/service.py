"""The moodboard rules of PRODUCT_RULES §7: ordered items, a palette derived from the images,
at most one per gig, public visibility."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from psycopg import errors as pg_errors

from preset.caller import Caller, load_caller
from preset.constants import MOODBOARD_PALETTE_SIZE, PAGE_SIZE_DEFAULT
from preset.db import kit
from preset.db.session import RequestContext
from preset.errors import Conflict, Forbidden, NotFound, ValidationFailed
from preset.events import record_event
from preset.gigs.service import load_gig_as
from preset.moodboards import repository as repo
from preset.moodboards.repository import MoodboardRow
from preset.moodboards.schemas import (
    ColorItem,
    ImageItem,
    MoodboardCreate,
    MoodboardItem,
    MoodboardPatch,
)


async def _stored_items(
    ctx: RequestContext, items: Sequence[MoodboardItem]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The items as stored (ids, positions) and the palette they give: the image items'
    colours (media.palette) in item order, then the colour swatches, without repeats."""
    images = {i: item.media_id for i, item in enumerate(items) if isinstance(item, ImageItem)}
    media = await repo.media_swatches(ctx.conn, list(images.values())) if images else {}
    bad = [
        {
            "field": f"items.{i}.media_id",
            "message": "no image you can use has this id",
            "type": "value_error",
        }
        for i, media_id in images.items()
        if media_id not in media or media[media_id].type != "image"
    ]
    if bad:
        raise ValidationFailed(
            "invalid request: " + ", ".join(b["field"] for b in bad),
            code="invalid_media_item",
            details=bad,
        )
    stored: list[dict[str, Any]] = []
    colours: list[str] = []
    for position, item in enumerate(items):
        data = item.model_dump(mode="json", exclude_none=True)
        stored.append({"id": str(uuid.uuid4()), "position": position, **data})
        if isinstance(item, ImageItem):
            colours.extend(media[item.media_id].palette)
    colours.extend(item.hex for item in items if isinstance(item, ColorItem))
    palette = list(dict.fromkeys(c.lower() for c in colours))[:MOODBOARD_PALETTE_SIZE]
    return stored, palette


async def _attach(
    ctx: RequestContext, caller: Caller, gig_id: uuid.UUID, moodboard_id: uuid.UUID | None
) -> None:
    await load_gig_as(ctx, caller, gig_id)
    existing = await repo.moodboard_id_of_gig(ctx.conn, gig_id)
    if existing is not None and existing != moodboard_id:
        raise Conflict(
            "the gig already has a moodboard",
            code="gig_has_moodboard",
            details={"moodboard_id": str(existing)},
        )


def _one_per_gig(exc: pg_errors.UniqueViolation) -> Conflict | None:
    if exc.diag.constraint_name == repo.ONE_PER_GIG_INDEX:
        return Conflict("the gig already has a moodboard", code="gig_has_moodboard")
    return None


async def create_moodboard(ctx: RequestContext, payload: MoodboardCreate) -> MoodboardRow:
    caller = await load_caller(ctx)
    if caller.role not in ("contributor", "admin"):
        raise Forbidden("only contributors create moodboards", code="contributor_only")
    if payload.gig_id is not None:
        await _attach(ctx, caller, payload.gig_id, None)
    items, palette = await _stored_items(ctx, payload.items)
    values = {
        "title": payload.title,
        "description": payload.description,
        "items": items,
        "palette": palette,
        "is_public": payload.is_public,
        "gig_id": payload.gig_id,
    }
    try:
        board = await repo.insert_moodboard(ctx.conn, caller.user_id, values)
    except pg_errors.UniqueViolation as exc:
        raise (_one_per_gig(exc) or exc) from exc
    await record_event(
        ctx.conn,
        "moodboard.created",
        "moodboard",
        board.id,
        caller.user_id,
        {"gig_id": str(payload.gig_id) if payload.gig_id else None, "items": len(items)},
    )
    if payload.gig_id is not None:
        await repo.set_gig_moodboard(ctx.conn, payload.gig_id, board.id)
        await record_event(
            ctx.conn,
            "moodboard.attached",
            "moodboard",
            board.id,
            caller.user_id,
            {"gig_id": str(payload.gig_id)},
        )
    return board


async def get_moodboard(ctx: RequestContext, moodboard_id: uuid.UUID) -> MoodboardRow:
    board = await repo.get_moodboard(ctx.conn, moodboard_id)
    if board is None:
        raise NotFound("no such moodboard", code="moodboard_not_found")
    return board


async def _own_board(ctx: RequestContext, caller: Caller, moodboard_id: uuid.UUID) -> MoodboardRow:
    board = await get_moodboard(ctx, moodboard_id)
    if not caller.may_act_as_owner(board.owner_user_id):
        raise Forbidden("only the moodboard's owner can do this", code="not_moodboard_owner")
    return board


async def update_moodboard(
    ctx: RequestContext, moodboard_id: uuid.UUID, payload: MoodboardPatch
) -> MoodboardRow:
    caller = await load_caller(ctx)
    board = await _own_board(ctx, caller, moodboard_id)
    fields = payload.model_fields_set
    changes: dict[str, Any] = {}
    for field in ("title", "is_public"):
        if field in fields:
            value = getattr(payload, field)
            if value is None:
                raise ValidationFailed(
                    f"invalid request: {field}",
                    details=[{"field": field, "message": "may not be null", "type": "missing"}],
                )
            changes[field] = value
    if "description" in fields:
        changes["description"] = payload.description
    if "items" in fields:
        items, palette = await _stored_items(ctx, payload.items or [])
        changes |= {"items": items, "palette": palette}
    old_gig, new_gig = board.gig_id, payload.gig_id if "gig_id" in fields else board.gig_id
    if new_gig != old_gig:
        if new_gig is not None:
            await _attach(ctx, caller, new_gig, moodboard_id)
        changes["gig_id"] = new_gig
    try:
        updated = await repo.update_moodboard(ctx.conn, moodboard_id, changes)
    except pg_errors.UniqueViolation as exc:
        raise (_one_per_gig(exc) or exc) from exc
    if updated is None:
        raise NotFound("no such moodboard", code="moodboard_not_found")
    if new_gig != old_gig:
        # Off the old gig first (one board per gig), then onto the new one.
        moves = (
            (old_gig, None, "moodboard.detached"),
            (new_gig, moodboard_id, "moodboard.attached"),
        )
        for gig_id, board_id, event in moves:
            if gig_id is None:
                continue
            await repo.set_gig_moodboard(ctx.conn, gig_id, board_id)
            await record_event(
                ctx.conn, event, "moodboard", moodboard_id, caller.user_id, {"gig_id": str(gig_id)}
            )
    other = sorted(set(changes) - {"gig_id"})
    if other:
        await record_event(
            ctx.conn,
            "moodboard.updated",
            "moodboard",
            moodboard_id,
            caller.user_id,
            {"fields": other},
        )
    return updated


async def delete_moodboard(ctx: RequestContext, moodboard_id: uuid.UUID) -> None:
    caller = await load_caller(ctx)
    board = await _own_board(ctx, caller, moodboard_id)
    if not await repo.delete_moodboard(ctx.conn, moodboard_id):
        raise NotFound("no such moodboard", code="moodboard_not_found")
    await record_event(
        ctx.conn,
        "moodboard.deleted",
        "moodboard",
        moodboard_id,
        caller.user_id,
        {"gig_id": str(board.gig_id) if board.gig_id else None},
    )


async def list_own(
    ctx: RequestContext, *, cursor: str | None, limit: int = PAGE_SIZE_DEFAULT
) -> kit.Page[MoodboardRow]:
    ctx.require_user_id()
    return await repo.list_own(ctx.conn, cursor=cursor, limit=limit)
