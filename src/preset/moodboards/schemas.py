"""Request and response models of the moodboards domain (PRODUCT_RULES §7)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from preset.constants import (
    MOODBOARD_DESCRIPTION_MAX,
    MOODBOARD_MAX_ITEMS,
    MOODBOARD_NOTE_MAX,
    MOODBOARD_TITLE_MAX,
)
from preset.moodboards.repository import MoodboardRow

Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def _lower(value: str) -> str:
    return value.lower()


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caption: Caption | None = None


class ImageItem(_Item):
    """An uploaded image (media the creator owns or that is public)."""

    type: Literal["image"]
    media_id: uuid.UUID


class UrlItem(_Item):
    """An image on the web, by URL (no palette: the platform does not fetch it)."""

    type: Literal["url"]
    url: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2048, pattern=r"^https?://\S+$")
    ]


class ColorItem(_Item):
    type: Literal["color"]
    hex: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$"), AfterValidator(_lower)]


class NoteItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["note"]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MOODBOARD_NOTE_MAX)
    ]


MoodboardItem = Annotated[ImageItem | UrlItem | ColorItem | NoteItem, Field(discriminator="type")]
Items = Annotated[list[MoodboardItem], Field(max_length=MOODBOARD_MAX_ITEMS)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MOODBOARD_TITLE_MAX)
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MOODBOARD_DESCRIPTION_MAX)
]


class MoodboardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None
    items: Items = []
    is_public: bool = False
    #: Attach to an own gig (a gig has at most one moodboard).
    gig_id: uuid.UUID | None = None


class MoodboardPatch(BaseModel):
    """Some fields; `items` replaces the whole ordered list; `gig_id: null` detaches."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    items: Items | None = None
    is_public: bool | None = None
    gig_id: uuid.UUID | None = None


class MoodboardPage(BaseModel):
    items: list[MoodboardRow]
    next_cursor: str | None
