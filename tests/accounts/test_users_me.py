"""GET/PATCH /api/users/me: the caller's account, and only what a user may change."""

from __future__ import annotations

import time
import uuid

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from preset.accounts.repository import User
from preset.db import kit
from tests.support.api import (
    DEFAULT_PASSWORD,
    SmtpServer,
    api_client,
    app_settings_for,
    assert_error,
    bearer,
    signup,
)
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


def test_me_is_encoded_byte_for_byte_as_pydantic_would(client: TestClient, db: Database) -> None:
    """GET /api/users/me writes the row with orjson: the same bytes as pydantic's JSON of its
    response model (the row type), for a row with nulls and for one with every time set
    (fractional seconds, UTC "Z")."""
    as_json = TypeAdapter(User)
    session = signup(client)
    headers = bearer(session["access_token"])
    for _ in range(2):
        response = client.get("/api/users/me", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        [row] = db.execute(
            f"SELECT {kit.columns(User)} FROM users WHERE id = %s", (session["user"]["id"],)
        )
        assert response.content == as_json.dump_json(as_json.validate_python(row))
        # Second round: every nullable time filled, one of them on a whole second.
        db.execute(
            "UPDATE users SET subscription_started_at = now(), "
            "subscription_expires_at = date_trunc('second', now()) + interval '30 days', "
            "email_verified_at = now(), last_login_at = now() WHERE id = %s",
            (session["user"]["id"],),
        )
    body = response.json()
    assert body["subscription_expires_at"].endswith("Z") and body["last_login_at"] is not None


def test_an_email_change_holds_one_pooled_connection(db: Database, smtp: SmtpServer) -> None:
    """PATCH /api/users/me with a new address runs in the caller's own transaction (switched to
    service_role for the change): with a pool of one connection it still succeeds at once."""
    with api_client(app_settings_for(db, smtp, pool_max_size=1)) as single:
        session = signup(single)
        new_email = f"single_{uuid.uuid4().hex[:8]}@example.com"
        started = time.monotonic()
        response = single.patch(
            "/api/users/me", headers=bearer(session["access_token"]), json={"email": new_email}
        )
        assert response.status_code == 200, response.text
        # A second connection would have waited for the pool's timeout (30 s) instead.
        assert time.monotonic() - started < 10
    user_id = session["user"]["id"]
    [audit] = db.execute(
        "SELECT actor_user_id, actor_role, changes -> 'email' ->> 'new' AS new_email "
        "FROM audit_logs WHERE table_name = 'users' AND operation = 'UPDATE' AND row_id = %s",
        (user_id,),
    )
    assert audit == {
        "actor_user_id": uuid.UUID(user_id),
        "actor_role": "service_role",
        "new_email": new_email,
    }
    token = deliver_mail(db, smtp).latest_token(new_email, "new e-mail")
    assert len(token) >= 16


def test_a_failed_email_change_queues_no_mail(client: TestClient, db: Database) -> None:
    signup(client, email="owner.of.it@example.com")
    session = signup(client)
    before = db.execute("SELECT count(*) AS n FROM outbound_emails")[0]["n"]
    assert_error(
        client.patch(
            "/api/users/me",
            headers=bearer(session["access_token"]),
            json={"email": "owner.of.it@example.com"},
        ),
        409,
        "email_taken",
    )
    assert db.execute("SELECT count(*) AS n FROM outbound_emails")[0]["n"] == before
