"""Development passwords for seeded users: they log in in development, nowhere else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from preset.accounts.dev_passwords import NotDevelopmentError, assign_development_passwords
from preset.settings import AppSettings, Environment, Settings
from tests.support.api import assert_error
from tests.support.database import Database

SEED_USERS = [
    ("00000000-0000-0000-0000-000000000001", "admin@preset.ie", "admin", "pro"),
    ("00000000-0000-0000-0000-000000000002", "talent@example.com", "talent", "plus"),
    ("00000000-0000-0000-0000-000000000003", "contributor@example.com", "contributor", "pro"),
]


def _seed(db: Database) -> None:
    for user_id, email, role, tier in SEED_USERS:
        db.execute(
            "INSERT INTO users (id, email, role, subscription_tier) VALUES (%s, %s, %s, %s)",
            (user_id, email, role, tier),
        )


def test_seeded_users_log_in_with_development_passwords(db: Database, client: TestClient) -> None:
    _seed(db)
    settings = Settings(app=AppSettings(env=Environment.DEVELOPMENT))
    with db.connect() as conn:
        passwords = assign_development_passwords(
            conn, [u[0] for u in SEED_USERS], settings=settings
        )
        conn.commit()
    assert set(passwords) == {u[1] for u in SEED_USERS}
    assert len(set(passwords.values())) == 3
    for email, password in passwords.items():
        response = client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        assert response.json()["user"]["email"] == email


def test_outside_development_no_seeded_user_has_a_known_password(
    db: Database, client: TestClient
) -> None:
    _seed(db)
    for env in (Environment.TEST, Environment.PRODUCTION):
        settings = Settings.model_construct(app=AppSettings(env=env))
        with db.connect() as conn, pytest.raises(NotDevelopmentError):
            assign_development_passwords(conn, [SEED_USERS[0][0]], settings=settings)
    assert db.execute("SELECT count(*) AS n FROM user_credentials") == [{"n": 0}]
    # Without credentials, nothing logs in: not an empty password, not the e-mail itself.
    for guess in ("", "admin@preset.ie", "password", "admin"):
        response = client.post(
            "/api/auth/login", json={"email": "admin@preset.ie", "password": guess or "x"}
        )
        assert_error(response, 401, "invalid_credentials")
