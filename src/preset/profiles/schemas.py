"""Request and response models of the profiles domain (field names = the schema's columns)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from preset.accounts.schemas import DisplayName, Handle

Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2048, pattern=r"^https?://[^\s]+$"),
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
_CATEGORY_RE = re.compile(r"^[a-z0-9_-]{1,40}$")


def _normalise_category(value: str) -> str:
    # Pattern applies after lower-casing (StringConstraints checks it before).
    value = value.strip().lower()
    if not _CATEGORY_RE.match(value):
        raise ValueError("a category is 1 to 40 characters of a-z, 0-9, _ and -")
    return value


Category = Annotated[str, Field(max_length=64), AfterValidator(_normalise_category)]
Bio = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
SocialKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,30}$")]


class ProfilePatch(BaseModel):
    """Fields a user edits on their own profile; all optional (PATCH)."""

    # Extra keys are inspected by the service: platform-owned columns → 403, others → 422.
    model_config = ConfigDict(extra="allow")

    display_name: DisplayName | None = None
    handle: Handle | None = None
    avatar_url: Url | None = None
    bio: Bio | None = None
    city: ShortText | None = None
    country: ShortText | None = None
    style_tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    looking_for_types: Annotated[list[Tag], Field(max_length=10)] | None = None
    experience_years: Annotated[int, Field(ge=0, le=80)] | None = None
    equipment: Annotated[list[Tag], Field(max_length=30)] | None = None
    portfolio_urls: Annotated[list[Url], Field(max_length=20)] | None = None
    social_links: Annotated[dict[SocialKey, Url], Field(max_length=10)] | None = None


class ProfilePut(ProfilePatch):
    """The whole editable profile (PUT): display_name and handle required, the rest cleared
    when omitted."""

    display_name: DisplayName
    handle: Handle


class HandleCheck(BaseModel):
    handle: str
    available: bool
    reason: Literal["taken"] | None = None


class ContentPreferences(BaseModel):
    """A user's content filters (PRODUCT_RULES §9); every field required on PUT."""

    model_config = ConfigDict(extra="forbid")

    allow_nsfw_content: bool
    show_nsfw_warnings: bool
    auto_hide_nsfw: bool
    content_filter_level: Literal["strict", "moderate", "lenient"]
    blocked_categories: Annotated[list[Category], Field(max_length=50)]


class ContentPreferencesOut(ContentPreferences):
    updated_at: datetime | None = None


#: The safe defaults (PRODUCT_RULES §9): NSFW hidden unless opted in, warnings on, moderate
#: screening, nothing blocked. Identical to the column defaults of user_content_preferences.
SAFE_CONTENT_DEFAULTS = ContentPreferences(
    allow_nsfw_content=False,
    show_nsfw_warnings=True,
    auto_hide_nsfw=True,
    content_filter_level="moderate",
    blocked_categories=[],
)
