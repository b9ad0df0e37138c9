"""Request and response models of the gigs domain (field names = the schema's columns).

Field-level rules of PRODUCT_RULES §3 live here (FastAPI answers 422 naming the fields); rules
that need several fields, the stored gig or the owner's tier live in the service.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from preset.constants import (
    CREATIVE_ROLES,
    GIG_CONTENT_CATEGORIES_MAX,
    GIG_DESCRIPTION_LENGTH,
    GIG_LOCATION_TEXT_MAX,
    GIG_LOOKING_FOR_COUNT,
    GIG_MAX_BOOST_LEVEL,
    GIG_RADIUS_KM,
    GIG_TEXT_FIELD_MAX,
    GIG_TITLE_LENGTH,
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    TIER_LIMITS,
)
from preset.gigs.discovery import MAX_RADIUS_KM, MIN_RADIUS_KM
from preset.types import Timestamp


def _creative_role(value: str) -> str:
    value = value.strip().lower()
    if value not in CREATIVE_ROLES:
        raise ValueError(f"not a creative role of the platform ({', '.join(CREATIVE_ROLES)})")
    return value


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("entries must be distinct")
    return values


CreativeRole = Annotated[str, Field(max_length=40), AfterValidator(_creative_role)]
LookingFor = Annotated[
    list[CreativeRole], Field(max_length=GIG_LOOKING_FOR_COUNT[1]), AfterValidator(_distinct)
]
Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=GIG_TITLE_LENGTH[0], max_length=GIG_TITLE_LENGTH[1]
    ),
]
Description = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=GIG_DESCRIPTION_LENGTH[0],
        max_length=GIG_DESCRIPTION_LENGTH[1],
    ),
]
LocationText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=GIG_LOCATION_TEXT_MAX)
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=GIG_TEXT_FIELD_MAX)]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]
StyleTag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Radius = Annotated[int, Field(ge=GIG_RADIUS_KM[0], le=GIG_RADIUS_KM[1])]
MaxApplicants = Annotated[
    int, Field(ge=1, le=max(t.max_applicants_cap for t in TIER_LIMITS.values()))
]
BoostLevel = Annotated[int, Field(ge=0, le=GIG_MAX_BOOST_LEVEL)]
CompType = Literal["tfp", "paid", "expenses"]
Currency = Literal["EUR", "USD", "GBP", "CAD", "AUD"]
GigStatus = Literal["draft", "published", "closed", "completed", "cancelled"]


class ApplicantPreferences(BaseModel):
    """What the owner hopes for in applicants; feeds the compatibility score (never a filter)."""

    model_config = ConfigDict(extra="forbid")

    min_experience_years: Annotated[int, Field(ge=0, le=80)] | None = None
    city: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    verified_only: bool = False
    style_tags: Annotated[list[StyleTag], Field(max_length=20)] = []


class GigFields(BaseModel):
    """Every field a contributor writes on a gig; all optional (PATCH sends some)."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    comp_type: CompType | None = None
    comp_amount: Money | None = None
    comp_currency: Currency | None = None
    location_text: LocationText | None = None
    location_lat: Latitude | None = None
    location_lng: Longitude | None = None
    location_radius: Radius | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    application_deadline: Timestamp | None = None
    max_applicants: MaxApplicants | None = None
    usage_rights: LongText | None = None
    safety_notes: LongText | None = None
    boost_level: BoostLevel | None = None
    looking_for_types: LookingFor | None = None
    applicant_preferences: ApplicantPreferences | None = None
    is_nsfw: bool | None = None
    content_categories: (
        Annotated[list[Category], Field(max_length=GIG_CONTENT_CATEGORIES_MAX)] | None
    ) = None


class GigCreate(GigFields):
    """A new gig (a draft): the texts and the kind of compensation are required from the start."""

    title: Title
    description: Description
    comp_type: CompType
    location_text: LocationText


class GigPatch(GigFields):
    """Some fields of a draft or published gig; `null` clears an optional field."""


class GigView(BaseModel):
    """What every view of a gig shows (subclasses add theirs after these, in this order)."""

    id: uuid.UUID
    owner_user_id: uuid.UUID
    title: str
    description: str
    comp_type: str
    comp_amount: Decimal | None
    comp_currency: str | None
    location_text: str
    location_lat: float | None
    location_lng: float | None
    location_radius: int
    start_time: datetime | None
    end_time: datetime | None
    application_deadline: datetime | None
    max_applicants: int


class GigOut(GigView):
    usage_rights: str | None
    safety_notes: str | None
    status: str
    boost_level: int
    moodboard_id: uuid.UUID | None
    looking_for_types: list[str]
    applicant_preferences: dict[str, Any]
    is_nsfw: bool
    content_categories: list[str]
    published_at: datetime | None
    closed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class GigPage(BaseModel):
    items: list[GigOut]
    next_cursor: str | None


class OwnerSummary(BaseModel):
    display_name: str | None
    avatar_url: str | None
    rating: Decimal | None


class DiscoveredGig(GigView):
    boost_level: int
    looking_for_types: list[str]
    is_nsfw: bool
    content_categories: list[str]
    moodboard_id: uuid.UUID | None
    published_at: datetime | None
    created_at: datetime
    #: Great-circle metres from the search centre; null without a centre.
    distance_m: float | None
    owner: OwnerSummary


class DiscoveryQuery(BaseModel):
    """The query string of ``GET /api/gigs`` (validated in one call: preset.api.query)."""

    lat: Latitude | None = Field(None, description="Centre of the search (with lng).")
    lng: Longitude | None = Field(None, description="Centre of the search (with lat).")
    radius_km: Annotated[float, Field(ge=MIN_RADIUS_KM, le=MAX_RADIUS_KM)] | None = Field(
        None, description="Kilometres from the centre, boundary included; needs lat and lng."
    )
    comp_type: CompType | None = None
    looking_for: Annotated[list[str], Field(max_length=10)] | None = Field(
        None, description="Any of these roles: repeat the parameter or separate with commas."
    )
    starts_after: Timestamp | None = Field(None, description="Start at or after (inclusive).")
    starts_before: Timestamp | None = Field(None, description="Start at or before (inclusive).")
    q: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Full text over title, description and location."
    )
    limit: Annotated[int, Field(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE_DEFAULT
    cursor: Annotated[str, Field(max_length=512)] | None = Field(
        None, description="next_cursor of the previous page."
    )


class DiscoveryPage(BaseModel):
    items: list[DiscoveredGig]
    next_cursor: str | None


class MapPin(BaseModel):
    id: uuid.UUID
    title: str
    lat: float
    lng: float
    comp_type: str
    boost_level: int


class MapPins(BaseModel):
    items: list[MapPin]
    next_cursor: None = None
