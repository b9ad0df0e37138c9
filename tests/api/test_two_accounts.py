"""Two real accounts: neither can read or change the other's private data through any endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.api import SmtpServer, assert_error, bearer, signup
from tests.support.database import Database
from tests.support.worker import deliver_mail


def _snapshot(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "me": client.get("/api/users/me", headers=headers).json(),
        "profile": client.get("/api/users/profile", headers=headers).json(),
        "prefs": client.get("/api/users/me/content-preferences", headers=headers).json(),
    }


def test_two_accounts_cannot_reach_each_others_private_data(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    alice = signup(client, email="alice@example.com", handle="alice")
    bob = signup(client, email="bob@example.com", handle="bob")
    a, b = bearer(alice["access_token"]), bearer(bob["access_token"])
    bob_before = _snapshot(client, b)

    # Every own-data endpoint answers about the caller only.
    seen = _snapshot(client, a)
    assert seen["me"]["id"] == alice["user"]["id"]
    assert seen["profile"]["user_id"] == alice["user"]["id"]
    assert "bob@example.com" not in str(seen)

    # Every write endpoint changes the caller's own rows only, whatever ids the body names.
    client.patch("/api/users/profile", headers=a, json={"bio": "Alice's bio"})
    client.put(
        "/api/users/profile",
        headers=a,
        json={"display_name": "Alice", "handle": "alice", "city": "Galway"},
    )
    assert_error(
        client.patch(
            "/api/users/profile", headers=a, json={"user_id": bob["user"]["id"], "bio": "hijack"}
        ),
        403,
        "forbidden_change",
    )
    assert_error(
        client.patch("/api/users/me", headers=a, json={"id": bob["user"]["id"]}),
        403,
        "forbidden_change",
    )
    client.put(
        "/api/users/me/content-preferences",
        headers=a,
        json={
            "allow_nsfw_content": True,
            "show_nsfw_warnings": False,
            "auto_hide_nsfw": False,
            "content_filter_level": "lenient",
            "blocked_categories": [],
        },
    )
    # Alice cannot take Bob's handle or his e-mail address.
    assert_error(
        client.patch("/api/users/profile", headers=a, json={"handle": "BOB"}), 409, "handle_taken"
    )
    assert_error(
        client.patch("/api/users/me", headers=a, json={"email": "bob@example.com"}),
        409,
        "email_taken",
    )
    # Bob's tokens are his: his refresh token does not give Alice anything but Bob's session,
    # and Alice's logout ends only her own.
    client.post("/api/auth/logout", json={"refresh_token": alice["refresh_token"]})
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": bob["refresh_token"]}).status_code
        == 200
    )
    # Alice's verification token verifies Alice, never Bob.
    client.post(
        "/api/auth/verify",
        json={"token": deliver_mail(db, smtp).latest_token("alice@example.com", "confirm")},
    )

    bob_after = _snapshot(client, b)
    for key in ("me", "profile", "prefs"):
        assert bob_after[key] == bob_before[key], key

    # Publicly, Bob's profile shows no private data: no e-mail, no preferences.
    public = client.get("/api/profiles/bob", headers=a).json()
    assert "email" not in public and "allow_nsfw_content" not in public

    # And underneath, the database itself refuses: as Alice, Bob's private rows do not exist.
    with db.as_user(alice["user"]["id"]) as conn:
        assert (
            conn.execute("SELECT * FROM users WHERE id = %s", (bob["user"]["id"],)).fetchall() == []
        )
        assert (
            conn.execute(
                "SELECT * FROM user_content_preferences WHERE user_id = %s", (bob["user"]["id"],)
            ).fetchall()
            == []
        )
        updated = conn.execute(
            "UPDATE profiles SET bio = 'x' WHERE user_id = %s", (bob["user"]["id"],)
        )
        assert updated.rowcount == 0


def test_account_tables_are_invisible_to_users_and_anonymous(
    db: Database, client: TestClient
) -> None:
    from psycopg import errors as pg_errors

    session = signup(client)
    for role in ("authenticated", "anon"):
        for table in ("user_credentials", "refresh_tokens", "email_tokens", "login_attempts"):
            user_id = session["user"]["id"] if role == "authenticated" else None
            with pytest.raises(pg_errors.InsufficientPrivilege), db.as_role(role, user_id) as conn:
                conn.execute(f"SELECT 1 FROM {table}")
