"""Supabase-compatible access tokens (HS256 JWT) and opaque single-purpose tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from preset.constants import AUTHENTICATED_ROLE, OPAQUE_TOKEN_BYTES
from preset.errors import Unauthorized
from preset.settings import AuthSettings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "role", "email", "aud", "exp")


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified claims of an access token."""

    sub: uuid.UUID
    role: str
    email: str
    exp: int
    raw: dict[str, Any]


def issue_access_token(
    settings: AuthSettings, *, user_id: uuid.UUID, email: str, user_role: str
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    now = int(time.time())
    ttl = settings.access_token_ttl_seconds
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "role": AUTHENTICATED_ROLE,
        "email": email,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
        # Supabase keeps application roles out of the database-role claim.
        "app_metadata": {"role": user_role},
    }
    return jwt.encode(payload, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM), ttl


# Verified tokens by their exact text: a client sends the same token for many requests, and the
# signature check plus JSON parsing is most of the Python cost of a small request. Only tokens
# that passed every check are kept; expiry is re-checked on every hit.
_VERIFIED_CACHE_SIZE = 4096
_verified: dict[tuple[str, str, str], AccessClaims] = {}


def decode_access_token(settings: AuthSettings, token: str) -> AccessClaims:
    """Verify signature, algorithm, audience, expiry and required claims; 401 on any failure."""
    key = (token, settings.jwt_secret.get_secret_value(), settings.jwt_audience)
    cached = _verified.get(key)
    if cached is not None:
        if cached.exp <= time.time():
            _verified.pop(key, None)
            raise Unauthorized("the access token has expired", code="token_expired")
        return cached
    claims = _decode_uncached(settings, token)
    if len(_verified) >= _VERIFIED_CACHE_SIZE:
        _verified.clear()
    _verified[key] = claims
    return claims


def _decode_uncached(settings: AuthSettings, token: str) -> AccessClaims:
    try:
        payload = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the access token has expired", code="token_expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("the access token is not valid", code="invalid_token") from None
    # Only user tokens are accepted: a token naming another database role (service_role,
    # or anything else) never reaches the database as that role.
    if payload.get("role") != AUTHENTICATED_ROLE:
        raise Unauthorized("the access token is not valid", code="invalid_token")
    try:
        subject = uuid.UUID(str(payload["sub"]))
    except ValueError:
        raise Unauthorized("the access token is not valid", code="invalid_token") from None
    email = payload.get("email")
    if not isinstance(email, str):
        raise Unauthorized("the access token is not valid", code="invalid_token")
    return AccessClaims(
        sub=subject, role=AUTHENTICATED_ROLE, email=email, exp=int(payload["exp"]), raw=payload
    )


def new_opaque_token() -> str:
    return secrets.token_urlsafe(OPAQUE_TOKEN_BYTES)


def hash_token(raw: str) -> str:
    """SHA-256 (hex) of an opaque token: what the database stores instead of the token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
