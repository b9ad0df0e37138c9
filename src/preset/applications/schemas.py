"""Request and response models of the applications domain (field names = the schema's columns)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from preset.constants import APPLICATION_NOTE_MAX, BULK_SHORTLIST_MAX

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=APPLICATION_NOTE_MAX)]


def _distinct_ids(values: list[uuid.UUID]) -> list[uuid.UUID]:
    if len(set(values)) != len(values):
        raise ValueError("application ids must be distinct")
    return values


class ApplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class ApplicationPatch(BaseModel):
    """Owner: status shortlisted / accepted / declined. Applicant: status withdrawn, or a new
    note while the application is pending."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["shortlisted", "accepted", "declined", "withdrawn"] | None = None
    note: Note | None = None


class BulkShortlistRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_ids: Annotated[
        list[uuid.UUID],
        Field(min_length=1, max_length=BULK_SHORTLIST_MAX),
        AfterValidator(_distinct_ids),
    ]


class ApplicationOut(BaseModel):
    id: uuid.UUID
    gig_id: uuid.UUID
    applicant_user_id: uuid.UUID
    note: str | None
    status: str
    applied_at: datetime
    reviewed_at: datetime | None
    reviewed_by: uuid.UUID | None
    profile_snapshot: dict[str, Any] | None
    compatibility_score: Decimal | None
    updated_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None


class MyApplicationOut(ApplicationOut):
    """An own application with its gig's details (the schema document's query)."""

    title: str
    gig_status: str
    start_time: datetime | None


class MyApplicationPage(BaseModel):
    items: list[MyApplicationOut]
    next_cursor: str | None
