"""GET/PUT /api/users/me/content-preferences with the safe defaults (PRODUCT_RULES §9)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import assert_error, bearer, signup
from tests.support.database import Database

SAFE = {
    "allow_nsfw_content": False,
    "show_nsfw_warnings": True,
    "auto_hide_nsfw": True,
    "content_filter_level": "moderate",
    "blocked_categories": [],
}


def _strip(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k != "updated_at"}


def test_defaults_are_the_safe_ones(client: TestClient) -> None:
    headers = bearer(signup(client)["access_token"])
    response = client.get("/api/users/me/content-preferences", headers=headers)
    assert response.status_code == 200
    assert _strip(response.json()) == SAFE


def test_defaults_apply_when_no_row_exists(client: TestClient, db: Database) -> None:
    session = signup(client)
    db.execute("DELETE FROM user_content_preferences WHERE user_id = %s", (session["user"]["id"],))
    body = client.get(
        "/api/users/me/content-preferences", headers=bearer(session["access_token"])
    ).json()
    assert _strip(body) == SAFE


def test_put_replaces_preferences(client: TestClient, db: Database) -> None:
    session = signup(client)
    headers = bearer(session["access_token"])
    wanted = {
        "allow_nsfw_content": True,
        "show_nsfw_warnings": False,
        "auto_hide_nsfw": False,
        "content_filter_level": "strict",
        "blocked_categories": ["fetish", "Weapons"],
    }
    response = client.put("/api/users/me/content-preferences", headers=headers, json=wanted)
    assert response.status_code == 200, response.text
    assert _strip(response.json()) == {**wanted, "blocked_categories": ["fetish", "weapons"]}
    again = client.get("/api/users/me/content-preferences", headers=headers).json()
    assert again["content_filter_level"] == "strict"
    (row,) = db.execute(
        "SELECT allow_nsfw_content FROM user_content_preferences WHERE user_id = %s",
        (session["user"]["id"],),
    )
    assert row["allow_nsfw_content"] is True


def test_put_validation(client: TestClient) -> None:
    headers = bearer(signup(client)["access_token"])
    for body, field in [
        ({**SAFE, "content_filter_level": "off"}, "content_filter_level"),
        ({k: v for k, v in SAFE.items() if k != "auto_hide_nsfw"}, "auto_hide_nsfw"),
        ({**SAFE, "blocked_categories": ["no spaces"]}, "blocked_categories.0"),
        ({**SAFE, "user_id": "x"}, "user_id"),
    ]:
        error = assert_error(
            client.put("/api/users/me/content-preferences", headers=headers, json=body),
            422,
            "validation_error",
        )
        assert field in {d["field"] for d in error["details"]}, error


def test_preferences_require_a_token(client: TestClient) -> None:
    assert_error(client.get("/api/users/me/content-preferences"), 401, "unauthorized")
    assert_error(client.put("/api/users/me/content-preferences", json=SAFE), 401, "unauthorized")
