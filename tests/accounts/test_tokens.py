"""Access tokens: Supabase-compatible HS256 JWTs; anything else is 401."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
from fastapi.testclient import TestClient

from preset.auth.tokens import decode_access_token
from preset.settings import AuthSettings
from tests.support.api import assert_error, bearer, signup

SECRET = AuthSettings().jwt_secret.get_secret_value()


def _claims(user: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": user["id"],
        "role": "authenticated",
        "email": user["email"],
        "aud": "authenticated",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_signed_with_the_configured_secret_is_accepted(client: TestClient) -> None:
    user = signup(client)["user"]
    token = jwt.encode(_claims(user), SECRET, algorithm="HS256")
    assert client.get("/api/users/me", headers=bearer(token)).status_code == 200


def test_issued_tokens_carry_the_supabase_claims(client: TestClient) -> None:
    session = signup(client)
    claims = jwt.decode(
        session["access_token"], SECRET, algorithms=["HS256"], audience="authenticated"
    )
    assert claims["sub"] == session["user"]["id"]
    assert claims["role"] == "authenticated"
    assert claims["email"] == session["user"]["email"]
    assert claims["aud"] == "authenticated"
    assert claims["exp"] > time.time()
    assert claims["app_metadata"] == {"role": "talent"}
    assert decode_access_token(AuthSettings(), session["access_token"]).sub.hex


def test_missing_token_is_401(client: TestClient) -> None:
    error = assert_error(client.get("/api/users/me"), 401, "unauthorized")
    assert error["message"]


def test_malformed_authorization_header_is_401(client: TestClient) -> None:
    assert_error(
        client.get("/api/users/me", headers={"Authorization": "Basic abc"}), 401, "invalid_token"
    )
    assert_error(
        client.get("/api/users/me", headers={"Authorization": "Bearer "}), 401, "invalid_token"
    )
    assert_error(client.get("/api/users/me", headers=bearer("not.a.jwt")), 401, "invalid_token")


def test_forged_token_is_401(client: TestClient) -> None:
    user = signup(client)["user"]
    forged = jwt.encode(
        _claims(user), "some-other-secret-of-sufficient-length-000", algorithm="HS256"
    )
    assert_error(client.get("/api/users/me", headers=bearer(forged)), 401, "invalid_token")


def test_alg_none_is_401(client: TestClient) -> None:
    user = signup(client)["user"]
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user))}."
    assert_error(client.get("/api/users/me", headers=bearer(unsigned)), 401, "invalid_token")


def test_other_algorithm_is_401(client: TestClient) -> None:
    user = signup(client)["user"]
    token = jwt.encode(_claims(user), SECRET, algorithm="HS512")
    assert_error(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_expired_token_is_401(client: TestClient) -> None:
    user = signup(client)["user"]
    past = int(time.time()) - 120
    token = jwt.encode(_claims(user, iat=past - 600, exp=past), SECRET, algorithm="HS256")
    assert_error(client.get("/api/users/me", headers=bearer(token)), 401, "token_expired")


def test_wrong_audience_is_401(client: TestClient) -> None:
    user = signup(client)["user"]
    token = jwt.encode(_claims(user, aud="someone-else"), SECRET, algorithm="HS256")
    assert_error(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_each_required_claim_is_required(client: TestClient) -> None:
    user = signup(client)["user"]
    for claim in ("sub", "role", "email", "aud", "exp"):
        token = jwt.encode(_claims(user, **{claim: None}), SECRET, algorithm="HS256")
        assert_error(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_a_token_cannot_claim_the_service_role(client: TestClient) -> None:
    user = signup(client)["user"]
    for role in ("service_role", "postgres", "anon"):
        token = jwt.encode(_claims(user, role=role), SECRET, algorithm="HS256")
        assert_error(client.get("/api/users/me", headers=bearer(token)), 401, "invalid_token")


def test_a_bad_token_is_refused_even_on_public_routes(client: TestClient) -> None:
    # A caller who sends a token means to be somebody: silently treating them as anonymous
    # would hide the problem.
    assert_error(
        client.get("/api/profiles/check-handle?handle=abc", headers=bearer("x.y.z")),
        401,
        "invalid_token",
    )
