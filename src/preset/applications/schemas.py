"""Request and response models of the applications domain (field names = the schema's columns)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from preset.applications.repository import ApplicationRow as ApplicationRow
from preset.applications.repository import MyApplicationRow as MyApplicationRow
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


class ApplicationPage(BaseModel):
    items: list[ApplicationRow]
    next_cursor: str | None


class MyApplicationPage(BaseModel):
    items: list[MyApplicationRow]
    next_cursor: str | None
