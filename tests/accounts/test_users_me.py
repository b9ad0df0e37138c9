"""GET/PATCH /api/users/me: the caller's account, and only what a user may change."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.support.api import DEFAULT_PASSWORD, SmtpServer, assert_error, bearer, signup
from tests.support.database import Database
from tests.support.worker import deliver_mail


def test_me_returns_the_callers_account(client: TestClient) -> None:
    session = signup(client, role="contributor")
    body = client.get("/api/users/me", headers=bearer(session["access_token"])).json()
    assert body["id"] == session["user"]["id"]
    assert body["role"] == "contributor"
    assert "stripe_customer_id" not in body


def test_patch_me_changes_the_email_and_asks_for_verification_again(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    session = signup(client)
    db.execute(
        "UPDATE users SET verification_status = 'email_verified', "
        "email_verified_at = now() WHERE id = %s",
        (session["user"]["id"],),
    )
    new_email = f"moved_{uuid.uuid4().hex[:8]}@example.com"
    response = client.patch(
        "/api/users/me", headers=bearer(session["access_token"]), json={"email": new_email.upper()}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == new_email
    assert body["verification_status"] == "unverified"
    assert body["email_verified_at"] is None
    token = deliver_mail(db, smtp).latest_token(new_email, "confirm")
    assert client.post("/api/auth/verify", json={"token": token}).status_code == 200
    login = client.post("/api/auth/login", json={"email": new_email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200


def test_patch_me_without_changes_is_a_no_op(client: TestClient) -> None:
    session = signup(client)
    response = client.patch("/api/users/me", headers=bearer(session["access_token"]), json={})
    assert response.status_code == 200
    assert response.json()["email"] == session["user"]["email"]


def test_patch_me_refuses_platform_owned_fields(client: TestClient, db: Database) -> None:
    session = signup(client)
    headers = bearer(session["access_token"])
    for field, value in [
        ("role", "admin"),
        ("subscription_tier", "pro"),
        ("verification_status", "id_verified"),
        ("account_status", "active"),
        ("stripe_customer_id", "cus_x"),
        ("email_verified_at", "2020-01-01"),
    ]:
        error = assert_error(
            client.patch("/api/users/me", headers=headers, json={field: value}),
            403,
            "forbidden_change",
        )
        assert error["details"] == {"fields": [field]}
    (row,) = db.execute(
        "SELECT role, subscription_tier FROM users WHERE id = %s", (session["user"]["id"],)
    )
    assert row == {"role": "talent", "subscription_tier": "free"}


def test_patch_me_refuses_unknown_fields_and_bad_values(client: TestClient) -> None:
    headers = bearer(signup(client)["access_token"])
    error = assert_error(
        client.patch("/api/users/me", headers=headers, json={"nickname": "x"}),
        422,
        "validation_error",
    )
    assert error["details"][0]["field"] == "nickname"
    error = assert_error(
        client.patch("/api/users/me", headers=headers, json={"email": "nope"}),
        422,
        "validation_error",
    )
    assert error["details"][0]["field"] == "email"


def test_patch_me_refuses_an_email_someone_else_has(client: TestClient) -> None:
    signup(client, email="first@example.com")
    headers = bearer(signup(client)["access_token"])
    assert_error(
        client.patch("/api/users/me", headers=headers, json={"email": "FIRST@example.com"}),
        409,
        "email_taken",
    )


def test_me_requires_a_token(client: TestClient) -> None:
    assert_error(client.get("/api/users/me"), 401, "unauthorized")
    assert_error(
        client.patch("/api/users/me", json={"email": "a@example.com"}), 401, "unauthorized"
    )


def test_the_database_guard_maps_to_forbidden_change(client: TestClient, db: Database) -> None:
    # Defence in depth: even a query that slipped past the service would be refused by the
    # guard trigger (42501), and that refusal is a 403, never a 500.
    from psycopg import errors as pg_errors

    from preset.api.errors import database_error_response

    session = signup(client)
    try:
        with db.as_user(session["user"]["id"]) as conn:
            conn.execute("UPDATE users SET role = 'admin' WHERE id = auth.uid()")
    except pg_errors.InsufficientPrivilege as exc:
        from starlette.requests import Request

        request = Request({"type": "http", "preset.request_id": "r1", "headers": []})
        response = database_error_response(request, exc)
        assert response is not None
        assert response.status_code == 403
        assert b'"forbidden_change"' in response.body
        assert b'"field":"role"' in response.body
    else:
        raise AssertionError("the guard trigger let a user change their own role")
