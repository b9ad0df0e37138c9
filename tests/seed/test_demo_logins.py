"""The demo people can log in, in development only: one shared password, printed at seeding."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from preset.accounts.dev_passwords import NotDevelopmentError
from preset.cli import app
from preset.seed.demo import DEMO_EMAIL_DOMAIN
from preset.seed.demo.logins import assign_demo_password
from preset.settings import AppSettings, Environment, Settings
from tests.support.api import assert_error, client, smtp
from tests.support.database import Database

__all__ = ["client", "smtp"]

DEMO_USERS = 12
PRINTED_PASSWORD = re.compile(r"has the password (dev-\S+)")


def _demo_emails(db: Database) -> list[str]:
    rows = db.execute(
        "SELECT email FROM users WHERE email LIKE %s ORDER BY email", (f"%@{DEMO_EMAIL_DOMAIN}",)
    )
    return [row["email"] for row in rows]


def _seed(db: Database, monkeypatch: pytest.MonkeyPatch, env: str, *extra: str) -> str:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("PRESET_ENV", env)
    result = CliRunner().invoke(app, ["db", "seed", "--demo", "--users", str(DEMO_USERS), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_demo_person_logs_in_with_the_printed_password(
    db: Database, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _seed(db, monkeypatch, "development")
    printed = PRINTED_PASSWORD.search(" ".join(output.split()))
    assert printed, output
    password = printed.group(1)
    emails = _demo_emails(db)
    assert len(emails) == DEMO_USERS

    for email in (emails[0], emails[-1]):
        response = client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        me = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["email"] == email
    wrong = client.post("/api/auth/login", json={"email": emails[0], "password": password + "x"})
    assert_error(wrong, 401, "invalid_credentials")


def test_the_password_is_shown_once_and_reset_on_request(
    db: Database, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = PRINTED_PASSWORD.search(" ".join(_seed(db, monkeypatch, "development").split()))
    assert first
    again = _seed(db, monkeypatch, "development")
    assert PRINTED_PASSWORD.search(" ".join(again.split())) is None  # not silently changed
    reset = PRINTED_PASSWORD.search(
        " ".join(_seed(db, monkeypatch, "development", "--reset-passwords").split())
    )
    assert reset and reset.group(1) != first.group(1)

    email = _demo_emails(db)[0]
    old = client.post("/api/auth/login", json={"email": email, "password": first.group(1)})
    assert_error(old, 401, "invalid_credentials")
    new = client.post("/api/auth/login", json={"email": email, "password": reset.group(1)})
    assert new.status_code == 200, new.text


def test_outside_development_no_demo_person_can_log_in(
    db: Database, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _seed(db, monkeypatch, "test")
    assert "demo logins" not in output
    assert db.execute("SELECT count(*) AS n FROM user_credentials") == [{"n": 0}]
    for env in (Environment.TEST, Environment.PRODUCTION):
        settings = Settings.model_construct(app=AppSettings(env=env))
        with db.connect() as conn, pytest.raises(NotDevelopmentError):
            assign_demo_password(conn, settings=settings)
    response = client.post(
        "/api/auth/login", json={"email": _demo_emails(db)[0], "password": "dev-anything"}
    )
    assert_error(response, 401, "invalid_credentials")
