"""Own profile (GET/PUT/PATCH), public profiles, handle checks, completion percentage."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from preset.profiles.service import COMPLETION_WEIGHTS, completion_percentage
from tests.support.api import assert_error, bearer, signup
from tests.support.database import Database

FULL_PROFILE: dict[str, Any] = {
    "display_name": "Ada Lens",
    "handle": "ada_lens",
    "avatar_url": "https://cdn.example.com/ada.jpg",
    "bio": "Portrait photographer.",
    "city": "Dublin",
    "country": "IE",
    "style_tags": ["portrait", "editorial"],
    "looking_for_types": ["model", "stylist"],
    "experience_years": 6,
    "equipment": ["Sony A7 IV"],
    "portfolio_urls": ["https://ada.example.com"],
    "social_links": {"instagram": "https://instagram.com/ada"},
}


def _headers(client: TestClient, **kwargs: Any) -> dict[str, str]:
    return bearer(signup(client, **kwargs)["access_token"])


def test_own_profile_after_signup(client: TestClient) -> None:
    session = signup(client, handle="fresh_face", display_name="Fresh Face")
    body = client.get("/api/users/profile", headers=bearer(session["access_token"])).json()
    assert body["user_id"] == session["user"]["id"]
    assert body["handle"] == "fresh_face"
    assert body["display_name"] == "Fresh Face"
    # display_name and handle only: 20 of 100 points.
    assert body["profile_completion_percentage"] == 20
    assert body["is_verified"] is False and body["rating"] is None and body["review_count"] == 0


def test_put_replaces_the_profile_and_completion_follows(client: TestClient) -> None:
    headers = _headers(client)
    response = client.put("/api/users/profile", headers=headers, json=FULL_PROFILE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in FULL_PROFILE} == FULL_PROFILE
    assert body["profile_completion_percentage"] == 100
    # PUT replaces: omitted optional fields are cleared, and completion drops with them.
    minimal = client.put(
        "/api/users/profile", headers=headers, json={"display_name": "Ada", "handle": "ada_lens"}
    ).json()
    assert minimal["bio"] is None and minimal["style_tags"] == []
    assert minimal["profile_completion_percentage"] == 20
    assert_error(
        client.put("/api/users/profile", headers=headers, json={"bio": "no name"}),
        422,
        "validation_error",
    )


def test_patch_changes_only_what_is_sent(client: TestClient) -> None:
    headers = _headers(client)
    body = client.patch(
        "/api/users/profile", headers=headers, json={"bio": "Stylist.", "city": "Cork"}
    ).json()
    assert body["bio"] == "Stylist." and body["city"] == "Cork"
    assert body["profile_completion_percentage"] == 20 + 15 + 10
    body = client.patch("/api/users/profile", headers=headers, json={"bio": None}).json()
    assert body["bio"] is None and body["city"] == "Cork"
    assert body["profile_completion_percentage"] == 30
    assert_error(
        client.patch("/api/users/profile", headers=headers, json={"handle": None}),
        422,
        "validation_error",
    )


def test_completion_weighting_matches_the_database(client: TestClient, db: Database) -> None:
    headers = _headers(client)
    for fields in (
        ["bio"],
        ["avatar_url", "country"],
        ["style_tags", "experience_years"],
        list(COMPLETION_WEIGHTS),
    ):
        changes = {k: FULL_PROFILE[k] for k in fields if k not in ("display_name", "handle")}
        body = client.patch("/api/users/profile", headers=headers, json=changes).json()
        assert body["profile_completion_percentage"] == completion_percentage(body)
    # Kept current whoever writes the row (here: the owner connection, bypassing the API).
    db.execute(
        "UPDATE profiles SET bio = NULL, avatar_url = NULL WHERE user_id = "
        "(SELECT user_id FROM profiles WHERE handle = %s)",
        (body["handle"],),
    )
    (row,) = db.execute(
        "SELECT profile_completion_percentage FROM profiles WHERE handle = %s", (body["handle"],)
    )
    assert row["profile_completion_percentage"] == 70


def test_platform_owned_profile_fields_are_refused(client: TestClient) -> None:
    headers = _headers(client)
    for field, value in [
        ("is_verified", True),
        ("rating", 5),
        ("review_count", 99),
        ("verification_badge", "gold"),
        ("profile_completion_percentage", 100),
        ("user_id", "00000000-0000-0000-0000-000000000001"),
    ]:
        error = assert_error(
            client.patch("/api/users/profile", headers=headers, json={field: value}),
            403,
            "forbidden_change",
        )
        assert error["details"] == {"fields": [field]}
    assert_error(
        client.patch("/api/users/profile", headers=headers, json={"mood": "x"}),
        422,
        "validation_error",
    )


def test_profile_validation(client: TestClient) -> None:
    headers = _headers(client)
    bad: list[dict[str, Any]] = [
        {"handle": "no"},
        {"handle": "white space"},
        {"display_name": ""},
        {"avatar_url": "javascript:alert(1)"},
        {"experience_years": -1},
        {"experience_years": 81},
        {"bio": "x" * 2001},
        {"style_tags": ["x"] * 21},
        {"portfolio_urls": ["ftp://x"]},
        {"social_links": {"Bad Key": "https://x.example"}},
    ]
    for change in bad:
        error = assert_error(
            client.patch("/api/users/profile", headers=headers, json=change),
            422,
            "validation_error",
        )
        assert error["details"][0]["field"].split(".")[0] == next(iter(change)), error


def test_handles_are_unique_regardless_of_case(client: TestClient) -> None:
    signup(client, handle="lens_master")
    headers = _headers(client)
    assert_error(
        client.patch("/api/users/profile", headers=headers, json={"handle": "Lens_Master"}),
        409,
        "handle_taken",
    )
    renamed = client.patch("/api/users/profile", headers=headers, json={"handle": "New_Handle"})
    assert renamed.json()["handle"] == "new_handle"


def test_public_profile_by_handle(client: TestClient) -> None:
    session = signup(client, handle="public_face")
    client.patch(
        "/api/users/profile", headers=bearer(session["access_token"]), json={"bio": "Hello"}
    )
    body = client.get("/api/profiles/Public_Face").json()  # anonymous, any case
    assert body["handle"] == "public_face" and body["bio"] == "Hello"
    assert "email" not in body
    assert_error(client.get("/api/profiles/nobody_here"), 404, "profile_not_found")


def test_check_handle(client: TestClient) -> None:
    signup(client, handle="occupied")
    assert client.get("/api/profiles/check-handle", params={"handle": "free_one"}).json() == {
        "handle": "free_one",
        "available": True,
        "reason": None,
    }
    assert client.get("/api/profiles/check-handle", params={"handle": "OCCUPIED"}).json() == {
        "handle": "occupied",
        "available": False,
        "reason": "taken",
    }
    error = assert_error(
        client.get("/api/profiles/check-handle", params={"handle": "a!"}), 422, "validation_error"
    )
    assert error["details"][0]["field"] == "handle"
    assert_error(client.get("/api/profiles/check-handle"), 422, "validation_error")


def test_own_profile_requires_a_token(client: TestClient) -> None:
    assert_error(client.get("/api/users/profile"), 401, "unauthorized")
    assert_error(client.put("/api/users/profile", json=FULL_PROFILE), 401, "unauthorized")
    assert_error(client.patch("/api/users/profile", json={"bio": "x"}), 401, "unauthorized")


def test_a_user_without_a_profile_gets_404(client: TestClient, db: Database) -> None:
    session = signup(client)
    db.execute("DELETE FROM profiles WHERE user_id = %s", (session["user"]["id"],))
    headers = bearer(session["access_token"])
    assert_error(client.get("/api/users/profile", headers=headers), 404, "profile_not_found")
    assert_error(
        client.patch("/api/users/profile", headers=headers, json={"bio": "x"}),
        404,
        "profile_not_found",
    )
