"""HTTP routes of the profiles domain: own profile, public profiles, content preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from preset.api.context import CallerTx, UserTx
from preset.api.ratelimit import READ_LIMIT, WRITE_LIMIT
from preset.profiles import service
from preset.profiles.repository import Profile
from preset.profiles.schemas import (
    ContentPreferences,
    ContentPreferencesOut,
    HandleCheck,
    ProfilePatch,
    ProfilePut,
)

router = APIRouter(tags=["profiles"])


@router.get("/api/users/profile", response_model=Profile, dependencies=[READ_LIMIT])
async def get_own_profile(ctx: UserTx) -> Profile:
    """The caller's own profile."""
    return await service.get_own_profile(ctx)


@router.put("/api/users/profile", response_model=Profile, dependencies=[WRITE_LIMIT])
async def put_own_profile(payload: ProfilePut, ctx: UserTx) -> Profile:
    """Replace the caller's editable profile fields (omitted optional fields are cleared)."""
    return await service.replace_own_profile(ctx, payload)


@router.patch("/api/users/profile", response_model=Profile, dependencies=[WRITE_LIMIT])
async def patch_own_profile(payload: ProfilePatch, ctx: UserTx) -> Profile:
    """Change some of the caller's editable profile fields."""
    return await service.patch_own_profile(ctx, payload)


@router.get(
    "/api/users/me/content-preferences",
    response_model=ContentPreferencesOut,
    dependencies=[READ_LIMIT],
)
async def get_content_preferences(ctx: UserTx) -> ContentPreferencesOut:
    """The caller's content filters (safe defaults until changed)."""
    return await service.get_content_preferences(ctx)


@router.put(
    "/api/users/me/content-preferences",
    response_model=ContentPreferencesOut,
    dependencies=[WRITE_LIMIT],
)
async def put_content_preferences(
    payload: ContentPreferences, ctx: UserTx
) -> ContentPreferencesOut:
    """Replace the caller's content filters."""
    return await service.put_content_preferences(ctx, payload)


# Declared before /api/profiles/{handle} so "check-handle" is never read as a handle.
@router.get("/api/profiles/check-handle", response_model=HandleCheck, dependencies=[READ_LIMIT])
async def check_handle(
    ctx: CallerTx, handle: Annotated[str, Query(min_length=1, max_length=64)]
) -> HandleCheck:
    """Whether a handle is well-formed and free (case-insensitively)."""
    return await service.check_handle(ctx, handle)


@router.get("/api/profiles/{handle}", response_model=Profile, dependencies=[READ_LIMIT])
async def get_public_profile(
    ctx: CallerTx, handle: Annotated[str, Path(min_length=1, max_length=64)]
) -> Profile:
    """A public profile by handle (case-insensitive)."""
    return await service.get_public_profile(ctx, handle)
