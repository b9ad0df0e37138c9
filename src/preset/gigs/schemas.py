"""Request and response models of the gigs domain (field names = the schema's columns).

Field-level rules of PRODUCT_RULES §3 live here (FastAPI answers 422 naming the fields); rules
that need several fields, the stored gig or the owner's tier live in the service.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

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
from preset.gigs.repository import DiscoveredGig, GigRow, MapPin
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


class GigPage(BaseModel):
    items: list[GigRow]
    next_cursor: str | None


class DiscoveryQuery(BaseModel):
    """The query string of ``GET /api/gigs`` (validated in one call: preset.api.query)."""

    lat: Latitude | None = Field(None, description="Centre of the search (with lng).")
    lng: Longitude | None = Field(None, description="Centre of the search (with lat).")
    radius_km: Annotated[float, Field(ge=GIG_RADIUS_KM[0], le=GIG_RADIUS_KM[1])] | None = Field(
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

    @property
    def roles(self) -> tuple[str, ...]:
        """``looking_for`` with comma-separated values split, blanks dropped."""
        return tuple(
            part.strip()
            for value in self.looking_for or ()
            for part in value.split(",")
            if part.strip()
        )


class DiscoveryPage(BaseModel):
    """``GET /api/gigs``: written by ``discovery.encode_page`` (same bytes as this model)."""

    items: list[DiscoveredGig]
    next_cursor: str | None


class MapPins(BaseModel):
    items: list[MapPin]
    next_cursor: None = None
