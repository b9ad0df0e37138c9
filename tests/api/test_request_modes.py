"""Every way a request reaches the database holds one pooled connection at a time.

The app runs here with pools of ONE connection each (request pool and pinned anonymous pool) and
a short pool wait: a request that tried to hold a second connection of the same pool would wait
for itself and answer 503 ``database_unavailable``. Each mode of ``preset.db.session`` is
exercised through a real endpoint, several times in a row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from preset.settings import DatabaseSettings
from tests.gigs.helpers import account
from tests.support import factories as f
from tests.support.api import (
    DEFAULT_PASSWORD,
    SmtpServer,
    api_client,
    app_settings_for,
    bearer,
    signup,
)
from tests.support.database import Database


@pytest.fixture()
def tiny(db: Database, smtp: SmtpServer) -> Iterator[TestClient]:
    settings = app_settings_for(db, smtp, pool_max_size=1, anon_pool_max_size=1)
    db_settings = settings.db.model_dump()
    db_settings["pool_timeout_seconds"] = 1.0
    settings = settings.model_copy(update={"db": DatabaseSettings(**db_settings)})
    assert settings.db.pool_max_size == 1 and settings.db.anon_pool_max_size == 1
    with api_client(settings) as client:
        yield client


def test_every_request_mode_works_on_a_pool_of_one(tiny: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="pro")
    gig = f.make_gig(db, owner_user_id=owner.id)
    talent = account(db)
    for _ in range(3):
        # Mode 3, the pinned anonymous read; and reads as a user (their own transaction).
        assert tiny.get("/api/gigs").status_code == 200
        assert tiny.get("/api/gigs", headers=talent.headers).status_code == 200
        assert (
            tiny.get(
                "/api/gigs/map",
                params={"min_lat": -90, "min_lng": -180, "max_lat": 90, "max_lng": 180},
            ).status_code
            == 200
        )
        # Mode 1, the caller's transaction: anonymous, logged in, writing.
        assert tiny.get(f"/api/gigs/{gig['id']}").status_code == 200
        assert tiny.get(f"/api/gigs/{gig['id']}", headers=owner.headers).status_code == 200
        created = tiny.post(
            "/api/gigs",
            headers=owner.headers,
            json={
                "title": "Studio test shoot",
                "description": "A short studio session, lit.",
                "comp_type": "tfp",
                "location_text": "Dublin",
            },
        )
        assert created.status_code == 201, created.text
        # Mode 2, the pipelined single read.
        assert tiny.get("/api/users/me", headers=talent.headers).status_code == 200
        assert tiny.get("/health").status_code == 200


def test_the_service_modes_and_the_email_change_on_a_pool_of_one(
    tiny: TestClient, smtp: SmtpServer
) -> None:
    # Mode 4, service-role transactions one after the other (sign-up, login, refresh, logout).
    email = f"pool_{uuid.uuid4().hex[:8]}@example.com"
    tokens = signup(tiny, email=email)
    login = tiny.post("/api/auth/login", json={"email": email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200, login.text
    refreshed = tiny.post(
        "/api/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    # The caller's transaction that needs the platform's rights part-way (a new e-mail address,
    # re-verified): one connection, not the caller's plus a service one.
    new_email = f"moved_{uuid.uuid4().hex[:8]}@example.com"
    changed = tiny.patch(
        "/api/users/me", headers=bearer(tokens["access_token"]), json={"email": new_email}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == new_email
    assert changed.json()["email_verified_at"] is None
    out = tiny.post("/api/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]})
    assert out.status_code == 204, out.text


def test_a_request_that_cannot_get_a_connection_is_a_quick_503(
    tiny: TestClient, db: Database
) -> None:
    """The pool's wait is bounded: with the only connection taken, a request answers 503
    ``database_unavailable`` with Retry-After after the configured second, never a hang or 500."""
    talent = account(db)
    app = tiny.app
    pool = app.state.pool  # type: ignore[attr-defined]
    portal = tiny.portal  # type: ignore[attr-defined]  # runs coroutines on the app's loop
    held = portal.call(pool.getconn)
    try:
        answer = tiny.get("/api/users/me", headers=talent.headers)
    finally:
        portal.call(pool.putconn, held)
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "database_unavailable"
    assert answer.headers["Retry-After"] == "1"
    assert tiny.get("/api/users/me", headers=talent.headers).status_code == 200
