"""The request path: transaction per request as the caller, nothing leaks between requests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from preset.db.migrations import head_revision
from preset.db.session import caller_transaction
from tests.support.api import (
    SmtpServer,
    api_client,
    app_settings_for,
    assert_error,
    bearer,
    signup,
)
from tests.support.database import Database

# Outside a request the connection is plain `authenticator`, which cannot even use the auth
# schema, so the subject is read from the claims setting directly.
WHO = (
    "SELECT session_user::text AS session_user, current_user::text AS current_user, "
    "nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub' AS uid, "
    "nullif(current_setting('request.jwt.claims', true), '') AS claims, "
    "pg_backend_pid() AS pid"
)


def _who_outside_request(client: TestClient) -> dict[str, Any]:
    pool = client.app.state.pool  # type: ignore[attr-defined]

    async def run() -> dict[str, Any]:
        async with pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(WHO)
            row: dict[str, Any] = await cur.fetchone()
            return row

    assert client.portal is not None
    return client.portal.call(run)


def _who_as_anonymous_request(client: TestClient) -> dict[str, Any]:
    pool = client.app.state.pool  # type: ignore[attr-defined]

    async def run() -> dict[str, Any]:
        async with caller_transaction(pool, None) as ctx:
            cur = ctx.conn.cursor(row_factory=dict_row)
            await cur.execute(WHO + ", auth.uid() AS auth_uid")
            row: dict[str, Any] = await cur.fetchone()
            return row

    assert client.portal is not None
    return client.portal.call(run)


def test_no_role_or_claims_survive_into_the_next_request(db: Database, smtp: SmtpServer) -> None:
    # One pooled connection, so request B necessarily reuses request A's connection.
    with api_client(app_settings_for(db, smtp, pool_max_size=1)) as client:
        user = signup(client)
        before = _who_outside_request(client)
        assert client.get("/api/users/me", headers=bearer(user["access_token"])).status_code == 200
        # A failing authenticated request (rolled back) must not leak either.
        failed = client.patch(
            "/api/users/profile", headers=bearer(user["access_token"]), json={"handle": "NO!"}
        )
        assert failed.status_code == 422

        after = _who_outside_request(client)
        assert after["pid"] == before["pid"]
        assert after["session_user"] == "authenticator"
        assert after["current_user"] == "authenticator"
        assert after["uid"] is None
        assert after["claims"] is None

        anonymous = _who_as_anonymous_request(client)
        assert anonymous["pid"] == before["pid"]
        assert anonymous["current_user"] == "anon"
        assert anonymous["uid"] is None
        assert anonymous["auth_uid"] is None
        assert '"role": "anon"' in anonymous["claims"] or '"role":"anon"' in anonymous["claims"]


def _who_on_the_anon_pool(client: TestClient) -> dict[str, Any]:
    pool = client.app.state.anon_pool  # type: ignore[attr-defined]

    async def run() -> dict[str, Any]:
        async with pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(
                WHO + ", auth.uid() AS auth_uid, auth.role() AS auth_role, "
                "now() = statement_timestamp() AS own_tx"
            )
            row: dict[str, Any] = await cur.fetchone()
            return row

    assert client.portal is not None
    return client.portal.call(run)


def test_anonymous_discovery_runs_on_connections_pinned_to_anon(
    db: Database, smtp: SmtpServer
) -> None:
    with api_client(app_settings_for(db, smtp, pool_max_size=1, anon_pool_max_size=1)) as client:
        pinned = _who_on_the_anon_pool(client)
        assert pinned["session_user"] == "authenticator"
        assert pinned["current_user"] == "anon"
        assert pinned["auth_uid"] is None
        assert pinned["auth_role"] == "anon"
        assert pinned["claims"].replace(" ", "") == '{"role":"anon"}'
        # Autocommit: each statement is its own transaction, nothing is held open.
        assert pinned["own_tx"] is True
        request_pool_before = _who_outside_request(client)

        user = signup(client)
        last_statement = "SELECT query, query_start FROM pg_stat_activity WHERE pid = %s"
        for headers in ({}, bearer(user["access_token"]), {}):
            [before] = db.execute(last_statement, (pinned["pid"],))
            page = client.get(
                "/api/gigs", params={"lat": 51.5, "lng": -0.12, "radius_km": 5}, headers=headers
            )
            assert page.status_code == 200, page.text
            # An anonymous page is read on the pinned connection, a signed-in one is not.
            [last] = db.execute(last_statement, (pinned["pid"],))
            if headers:
                assert last == before
            else:
                assert last["query_start"] > before["query_start"]
                assert "discover_gig_page" in last["query"]
        # The same single pinned connection served the anonymous pages and is still anon…
        after = _who_on_the_anon_pool(client)
        assert after["pid"] == pinned["pid"]
        assert (after["current_user"], after["auth_uid"]) == ("anon", None)
        # …and the request pool's connection (which served the signed-in page) is untouched.
        request_pool_after = _who_outside_request(client)
        assert request_pool_after["pid"] == request_pool_before["pid"] != pinned["pid"]
        assert request_pool_after["current_user"] == "authenticator"
        assert request_pool_after["claims"] is None


def test_requests_never_connect_as_the_table_owner(client: TestClient) -> None:
    who = _who_outside_request(client)
    assert who["session_user"] == "authenticator"


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    ok = client.get("/health")
    assert ok.status_code == 200
    assert len(ok.headers["X-Request-ID"]) >= 16
    echoed = client.get("/health", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["X-Request-ID"] == "trace-123"
    # An unsafe incoming id is replaced, not echoed into logs and headers.
    replaced = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["X-Request-ID"] != "bad id\twith spaces"


def test_unknown_route_is_404_in_the_envelope(client: TestClient) -> None:
    assert_error(client.get("/api/nowhere"), 404, "not_found")


def test_wrong_method_is_405_in_the_envelope(client: TestClient) -> None:
    assert_error(client.delete("/api/users/me"), 405, "method_not_allowed")


def test_validation_errors_are_422_and_name_the_fields(client: TestClient) -> None:
    response = client.post("/api/auth/signup", json={"email": "not-an-email", "role": "admin"})
    error = assert_error(response, 422, "validation_error")
    fields = {d["field"] for d in error["details"]}
    assert {"email", "role", "password", "display_name", "handle"} <= fields
    assert "email" in error["message"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 422, "validation_error")


def test_health_reports_database_and_migrations(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["migrations"] == {"current": head_revision(), "head": head_revision()}


def test_health_is_503_when_migrations_are_behind(db: Database, client: TestClient) -> None:
    db.execute("UPDATE alembic_version SET version_num = '0001'")
    error = assert_error(client.get("/health"), 503, "migrations_pending")
    assert error["details"] == {"current": "0001", "head": head_revision()}


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/api/auth/signup",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/auth/verify",
        "/api/auth/password-reset/request",
        "/api/auth/password-reset/confirm",
        "/api/users/me",
        "/api/users/profile",
        "/api/profiles/{handle}",
        "/api/profiles/check-handle",
        "/api/users/me/content-preferences",
        "/health",
    }
    assert expected <= set(paths)
    # One-line docstrings become the operation descriptions.
    assert paths["/api/users/me"]["get"]["description"] == "The caller's account."
    assert client.get("/docs").status_code == 200
