"""The profile rules: own-profile edits, handles, completion, content preferences."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from preset.db.session import RequestContext
from preset.errors import NotFound, ValidationFailed, reject_extra_fields
from preset.profiles import repository as repo
from preset.profiles.repository import Profile
from preset.profiles.schemas import (
    SAFE_CONTENT_DEFAULTS,
    ContentPreferences,
    ContentPreferencesOut,
    HandleCheck,
    ProfilePatch,
    ProfilePut,
)

HANDLE_RE: Final = re.compile(r"^[a-z0-9_]{3,30}$")

#: Platform-owned profile columns (verification, ratings, completion, identity).
PROTECTED_PROFILE_FIELDS: Final = frozenset(
    {
        "id",
        "user_id",
        "is_verified",
        "verification_badge",
        "rating",
        "review_count",
        "profile_completion_percentage",
        "created_at",
        "updated_at",
    }
)

#: Completion weighting, in points out of 100; the database computes the same numbers
#: (public.profile_completion in migration 0005) on every write, docs/api.md documents them.
COMPLETION_WEIGHTS: Final[dict[str, int]] = {
    "display_name": 10,
    "handle": 10,
    "avatar_url": 15,
    "bio": 15,
    "city": 10,
    "country": 5,
    "style_tags": 10,
    "looking_for_types": 10,
    "experience_years": 5,
    "portfolio_urls": 10,
}
assert sum(COMPLETION_WEIGHTS.values()) == 100


def completion_percentage(profile: Mapping[str, Any]) -> int:
    """The documented weighting applied to a profile (filled fields score their weight)."""
    total = 0
    for field, weight in COMPLETION_WEIGHTS.items():
        value = profile.get(field)
        if isinstance(value, str):
            filled = bool(value.strip())
        elif isinstance(value, list):
            filled = len(value) > 0
        elif isinstance(value, int):
            filled = value > 0
        else:
            filled = value is not None
        total += weight if filled else 0
    return total


def _reject_extra(payload: ProfilePatch) -> None:
    reject_extra_fields(
        payload.model_extra or {}, PROTECTED_PROFILE_FIELDS, who_may_change="the platform"
    )


async def get_own_profile(ctx: RequestContext) -> Profile:
    ctx.require_user_id()
    profile = await repo.get_own_profile(ctx.conn)
    if profile is None:
        raise NotFound("you have no profile yet", code="profile_not_found")
    return profile


_EMPTY: Final[dict[str, Any]] = {
    "avatar_url": None,
    "bio": None,
    "city": None,
    "country": None,
    "style_tags": [],
    "looking_for_types": [],
    "experience_years": 0,
    "equipment": [],
    "portfolio_urls": [],
    "social_links": {},
}


async def replace_own_profile(ctx: RequestContext, payload: ProfilePut) -> Profile:
    _reject_extra(payload)
    await get_own_profile(ctx)
    values = payload.model_dump(include=set(repo.EDITABLE_COLUMNS))
    changes = {k: (v if v is not None else _EMPTY.get(k)) for k, v in values.items()}
    profile = await repo.update_own_profile(ctx.conn, changes)
    assert profile is not None
    return profile


async def patch_own_profile(ctx: RequestContext, payload: ProfilePatch) -> Profile:
    _reject_extra(payload)
    await get_own_profile(ctx)
    changes = payload.model_dump(include=set(repo.EDITABLE_COLUMNS), exclude_unset=True)
    for required in ("display_name", "handle"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(
                f"invalid request: {required}",
                details=[{"field": required, "message": "may not be null", "type": "missing"}],
            )
    changes = {k: (v if v is not None else _EMPTY.get(k)) for k, v in changes.items()}
    profile = await repo.update_own_profile(ctx.conn, changes)
    assert profile is not None
    return profile


async def get_public_profile(ctx: RequestContext, handle: str) -> Profile:
    profile = await repo.get_profile_by_handle(ctx.conn, handle)
    if profile is None:
        raise NotFound("no profile with that handle", code="profile_not_found")
    return profile


async def check_handle(ctx: RequestContext, handle: str) -> HandleCheck:
    normalised = handle.strip().lower()
    if not HANDLE_RE.match(normalised):
        raise ValidationFailed(
            "invalid request: handle",
            details=[
                {
                    "field": "handle",
                    "message": "3 to 30 characters of a-z, 0-9 and _",
                    "type": "string_pattern_mismatch",
                }
            ],
        )
    taken = await repo.handle_exists(ctx.conn, normalised)
    return HandleCheck(handle=normalised, available=not taken, reason="taken" if taken else None)


async def get_content_preferences(ctx: RequestContext) -> ContentPreferencesOut:
    ctx.require_user_id()
    row = await repo.get_own_preferences(ctx.conn)
    if row is None:
        return ContentPreferencesOut(**SAFE_CONTENT_DEFAULTS.model_dump(), updated_at=None)
    return ContentPreferencesOut.model_validate(row, from_attributes=True)


async def put_content_preferences(
    ctx: RequestContext, payload: ContentPreferences
) -> ContentPreferencesOut:
    ctx.require_user_id()
    row = await repo.put_own_preferences(ctx.conn, payload.model_dump())
    return ContentPreferencesOut.model_validate(row, from_attributes=True)
