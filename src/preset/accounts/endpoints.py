"""HTTP routes of the accounts domain: /api/auth/* and /api/users/me."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response

from preset.accounts import repository, service
from preset.accounts.repository import User
from preset.accounts.schemas import (
    LoginRequest,
    LogoutRequest,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SignupRequest,
    StatusResponse,
    TokenResponse,
    UserUpdate,
    VerifyRequest,
)
from preset.api.context import AppSettingsDep, ServiceTx, UserRead, UserTx
from preset.api.ratelimit import AUTH_LIMIT, READ_LIMIT, WRITE_LIMIT

auth_router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[AUTH_LIMIT])
users_router = APIRouter(prefix="/api/users", tags=["users"])


async def _deps(settings: AppSettingsDep, tx: ServiceTx) -> service.AccountsDeps:
    return service.AccountsDeps(settings=settings, tx=tx)


Deps = Annotated[service.AccountsDeps, Depends(_deps)]


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@auth_router.post("/signup", status_code=201, response_model=TokenResponse)
async def signup(payload: SignupRequest, deps: Deps) -> TokenResponse:
    """Create a talent or contributor account with its profile; returns a session."""
    return await service.signup(deps, payload)


@auth_router.post("/login", response_model=TokenResponse)
async def login(payload: LoginRequest, request: Request, deps: Deps) -> TokenResponse:
    """Exchange e-mail and password for an access token and a refresh token."""
    return await service.login(deps, payload, _client_address(request))


@auth_router.post("/refresh", response_model=TokenResponse)
async def refresh(payload: RefreshRequest, deps: Deps) -> TokenResponse:
    """Rotate a refresh token: returns a new pair; reusing an old token ends the session."""
    return await service.refresh(deps, payload.refresh_token)


@auth_router.post("/logout", status_code=204)
async def logout(payload: LogoutRequest, deps: Deps) -> Response:
    """End the session the refresh token belongs to."""
    await service.logout(deps, payload.refresh_token)
    return Response(status_code=204)


@auth_router.post("/verify", response_model=User)
async def verify(payload: VerifyRequest, deps: Deps) -> User:
    """Confirm an e-mail address with the single-use token sent to it."""
    return await service.verify_email(deps, payload.token)


@auth_router.post("/password-reset/request", status_code=202, response_model=StatusResponse)
async def password_reset_request(payload: PasswordResetRequest, deps: Deps) -> StatusResponse:
    """Send a password reset e-mail if the address has an account (same answer either way)."""
    await service.request_password_reset(deps, payload.email)
    return StatusResponse(status="accepted")


@auth_router.post("/password-reset/confirm", status_code=204)
async def password_reset_confirm(payload: PasswordResetConfirm, deps: Deps) -> Response:
    """Set a new password with a reset token; every existing session ends."""
    await service.confirm_password_reset(deps, payload)
    return Response(status_code=204)


def encode_user(user: repository.User) -> bytes:
    """The row as its JSON (the row type is the response model): orjson writes a dataclass's
    fields in order, UUIDs, nulls and UTC times ("Z") byte for byte as pydantic would
    (tests/accounts/test_users_me.py holds the two to the same bytes), so the hottest route
    skips a validate-then-dump pass."""
    return orjson.dumps(user, option=orjson.OPT_UTC_Z)


@users_router.get("/me", response_model=User, dependencies=[READ_LIMIT])
async def get_me(read: UserRead) -> Response:
    """The caller's account."""
    # response_model keeps the OpenAPI schema; the body is the row, encoded as it is.
    return Response(encode_user(await service.get_me(read)), media_type="application/json")


@users_router.patch("/me", response_model=User, dependencies=[WRITE_LIMIT])
async def patch_me(payload: UserUpdate, ctx: UserTx) -> User:
    """Change what a user may change on their account (the e-mail address, re-verified)."""
    return await service.update_me(ctx, payload)
