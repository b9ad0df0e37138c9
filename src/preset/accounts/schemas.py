"""Request and response models of the accounts domain (field names = the schema's columns)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from preset.accounts.repository import User
from preset.constants import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

HANDLE_PATTERN = r"^[a-z0-9_]{3,30}$"

Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]
_HANDLE_RE = re.compile(HANDLE_PATTERN)


def _normalise_handle(value: str) -> str:
    # Handles are unique regardless of case, so they are stored lower-case; the pattern applies
    # to the lower-cased form ("Studio_One" is "studio_one").
    value = value.strip().lower()
    if not _HANDLE_RE.match(value):
        raise ValueError("a handle is 3 to 30 characters of a-z, 0-9 and _")
    return value


Handle = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_normalise_handle)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
OpaqueToken = Annotated[str, Field(min_length=16, max_length=256)]
# Addresses are stored lower-case, so lookups and the unique index agree.
Email = Annotated[EmailStr, AfterValidator(lambda value: value.strip().lower())]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(StrictModel):
    email: Email
    password: Password
    role: Literal["talent", "contributor"]
    display_name: DisplayName
    handle: Handle


class LoginRequest(StrictModel):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)]


class RefreshRequest(StrictModel):
    refresh_token: OpaqueToken


class LogoutRequest(StrictModel):
    refresh_token: OpaqueToken


class VerifyRequest(StrictModel):
    token: OpaqueToken


class PasswordResetRequest(StrictModel):
    email: Email


class PasswordResetConfirm(StrictModel):
    token: OpaqueToken
    password: Password


class UserUpdate(BaseModel):
    """What a user may change on their own row: the e-mail address (verified again)."""

    # Extra keys are inspected by the service: protected columns get 403 forbidden_change,
    # anything else 422.
    model_config = ConfigDict(extra="allow")

    email: Email | None = None


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    user: User


class StatusResponse(BaseModel):
    status: str
