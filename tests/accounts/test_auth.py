"""Sign-up, login, throttling, refresh rotation, logout, verification and password reset."""

from __future__ import annotations

import hashlib
import time
import uuid

from fastapi.testclient import TestClient

from tests.support.api import DEFAULT_PASSWORD, SmtpServer, assert_error, bearer, signup
from tests.support.database import Database
from tests.support.worker import deliver_mail


def _login(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> object:
    return client.post("/api/auth/login", json={"email": email, "password": password})


# ------------------------------------------------------------------ sign-up
def test_signup_creates_account_profile_wallet_and_safe_preferences(
    client: TestClient, db: Database
) -> None:
    body = signup(client, email="New.Person@Example.com", handle="new_person", role="contributor")
    assert body["token_type"] == "bearer"  # noqa: S105
    assert body["expires_in"] > 0
    user = body["user"]
    assert user["email"] == "new.person@example.com"
    assert user["role"] == "contributor"
    assert user["verification_status"] == "unverified"
    assert user["subscription_tier"] == "free"
    user_id = user["id"]
    profile = db.execute("SELECT handle, display_name FROM profiles WHERE user_id = %s", (user_id,))
    assert profile == [{"handle": "new_person", "display_name": "Test Person"}]
    assert db.execute("SELECT current_balance FROM user_credits WHERE user_id = %s", (user_id,))
    prefs = db.execute(
        "SELECT allow_nsfw_content, content_filter_level FROM user_content_preferences "
        "WHERE user_id = %s",
        (user_id,),
    )
    assert prefs == [{"allow_nsfw_content": False, "content_filter_level": "moderate"}]


def test_passwords_are_argon2id_at_owasp_parameters(client: TestClient, db: Database) -> None:
    user = signup(client)["user"]
    (row,) = db.execute(
        "SELECT password_hash FROM user_credentials WHERE user_id = %s", (user["id"],)
    )
    assert row["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert DEFAULT_PASSWORD not in row["password_hash"]


def test_raw_tokens_are_never_stored(client: TestClient, db: Database) -> None:
    body = signup(client)
    digest = hashlib.sha256(body["refresh_token"].encode()).hexdigest()
    rows = db.execute(
        "SELECT token_hash FROM refresh_tokens WHERE user_id = %s", (body["user"]["id"],)
    )
    assert rows == [{"token_hash": digest}]
    dump = str(db.execute("SELECT * FROM refresh_tokens")) + str(
        db.execute("SELECT * FROM email_tokens")
    )
    assert body["refresh_token"] not in dump
    # The audit trail redacts the hashes too.
    audit = str(
        db.execute(
            "SELECT changes FROM audit_logs WHERE table_name IN "
            "('refresh_tokens', 'email_tokens', 'user_credentials')"
        )
    )
    assert digest not in audit and "$argon2id$" not in audit


def test_signup_refuses_taken_email_regardless_of_case(client: TestClient) -> None:
    signup(client, email="taken@example.com")
    response = client.post(
        "/api/auth/signup",
        json={
            "email": "TAKEN@example.com",
            "password": DEFAULT_PASSWORD,
            "role": "talent",
            "display_name": "X",
            "handle": "someone_else",
        },
    )
    assert_error(response, 409, "email_taken")


def test_signup_refuses_taken_handle_regardless_of_case(client: TestClient) -> None:
    signup(client, handle="studio_one")
    response = client.post(
        "/api/auth/signup",
        json={
            "email": "other@example.com",
            "password": DEFAULT_PASSWORD,
            "role": "talent",
            "display_name": "X",
            "handle": "Studio_One",
        },
    )
    assert_error(response, 409, "handle_taken")


def test_signup_validation(client: TestClient) -> None:
    base = {
        "email": "v@example.com",
        "password": DEFAULT_PASSWORD,
        "role": "talent",
        "display_name": "V",
        "handle": "valid_handle",
    }
    cases = {
        "handle": [
            {"handle": "ab"},
            {"handle": "x" * 31},
            {"handle": "has-dash"},
            {"handle": "é_x"},
        ],
        "role": [{"role": "admin"}],
        "password": [{"password": "short"}, {"password": "x" * 129}],
        "email": [{"email": "nope"}],
        "display_name": [{"display_name": "   "}],
        "is_admin": [{"is_admin": True}],
    }
    for field, overrides in cases.items():
        for override in overrides:
            error = assert_error(
                client.post("/api/auth/signup", json={**base, **override}), 422, "validation_error"
            )
            assert field in {d["field"] for d in error["details"]}, (field, error)


def test_signup_refuses_a_password_containing_the_email(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup",
        json={
            "email": "me@example.com",
            "password": "xx-me@example.com-xx",
            "role": "talent",
            "display_name": "X",
            "handle": "me_myself",
        },
    )
    assert_error(response, 422, "weak_password")


# ------------------------------------------------------------------ login
def test_login_returns_a_session(client: TestClient, db: Database) -> None:
    user = signup(client, email="login@example.com")["user"]
    response = _login(client, "LOGIN@example.com")
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["user"]["id"] == user["id"]
    assert body["user"]["last_login_at"] is not None
    me = client.get("/api/users/me", headers=bearer(body["access_token"]))
    assert me.json()["email"] == "login@example.com"


def test_wrong_password_and_unknown_email_get_the_same_answer(client: TestClient) -> None:
    signup(client, email="known@example.com")
    wrong = assert_error(
        _login(client, "known@example.com", "wrong password"), 401, "invalid_credentials"
    )
    unknown = assert_error(_login(client, "nobody@example.com"), 401, "invalid_credentials")
    assert wrong["message"] == unknown["message"]


def test_login_for_unknown_email_costs_as_much_as_for_a_real_one(client: TestClient) -> None:
    signup(client, email="timing@example.com")

    def fastest_seconds(email: str) -> float:
        samples = []
        # Five: the account throttle allows exactly five failures.
        for _ in range(5):
            started = time.perf_counter()
            _login(client, email, "wrong password")
            samples.append(time.perf_counter() - started)
        # The fastest of several runs: contention on a shared machine only adds time.
        return min(samples)

    known = fastest_seconds("timing@example.com")
    unknown = fastest_seconds("ghost@example.com")
    # Without the dummy hash an unknown address answers 20-50x faster; the bounds leave room
    # for a noisy machine while still catching that.
    assert 0.25 < unknown / known < 4.0, (known, unknown)


def test_failed_logins_are_limited_per_account(client: TestClient) -> None:
    signup(client, email="victim@example.com")
    for _ in range(5):
        assert_error(_login(client, "victim@example.com", "guess"), 401, "invalid_credentials")
    # Even the right password is refused while the account is throttled.
    response = _login(client, "victim@example.com")
    error = assert_error(response, 429, "login_throttled")
    assert error["details"] == {"scope": "account"}
    retry_after = int(response.headers["Retry-After"])  # type: ignore[attr-defined]
    assert 1 <= retry_after <= 15 * 60


def test_failed_logins_are_limited_per_address(client: TestClient) -> None:
    for i in range(20):
        assert_error(_login(client, f"spray{i}@example.com", "guess"), 401, "invalid_credentials")
    response = _login(client, "spray-next@example.com", "guess")
    error = assert_error(response, 429, "login_throttled")
    assert error["details"] == {"scope": "address"}
    assert int(response.headers["Retry-After"]) >= 1  # type: ignore[attr-defined]


def test_a_successful_login_clears_the_account_counter(client: TestClient) -> None:
    signup(client, email="forgetful@example.com")
    for _ in range(4):
        _login(client, "forgetful@example.com", "guess")
    assert _login(client, "forgetful@example.com").status_code == 200  # type: ignore[attr-defined]
    for _ in range(4):
        assert_error(_login(client, "forgetful@example.com", "guess"), 401, "invalid_credentials")


def _suspend(db: Database, user_id: str, *, status: str = "suspended", days: int = 3) -> None:
    db.execute(
        "UPDATE users SET account_status = %s, suspended_until = "
        "CASE WHEN %s = 'suspended' THEN now() + make_interval(days => %s) END WHERE id = %s",
        (status, status, days, user_id),
    )


def test_suspended_and_banned_users_cannot_log_in(client: TestClient, db: Database) -> None:
    suspended = signup(client, email="suspended@example.com")["user"]
    banned = signup(client, email="banned@example.com")["user"]
    _suspend(db, suspended["id"])
    _suspend(db, banned["id"], status="banned")
    error = assert_error(_login(client, "suspended@example.com"), 403, "account_suspended")
    assert "suspended_until" in error["details"]
    assert_error(_login(client, "banned@example.com"), 403, "account_banned")
    # A wrong password still says only "wrong credentials" (no account-state oracle).
    assert_error(_login(client, "banned@example.com", "guess"), 401, "invalid_credentials")


def test_a_lapsed_suspension_lets_the_user_back_in(client: TestClient, db: Database) -> None:
    user = signup(client, email="back@example.com")["user"]
    db.execute(
        "UPDATE users SET account_status = 'suspended', suspended_until = now() - interval '1 s' "
        "WHERE id = %s",
        (user["id"],),
    )
    assert _login(client, "back@example.com").status_code == 200  # type: ignore[attr-defined]


def test_a_suspended_users_tokens_stop_working(client: TestClient, db: Database) -> None:
    session = signup(client)
    headers = bearer(session["access_token"])
    assert client.get("/api/users/me", headers=headers).status_code == 200
    _suspend(db, session["user"]["id"])
    assert_error(client.get("/api/users/me", headers=headers), 401, "account_suspended")
    assert_error(client.get("/api/users/profile", headers=headers), 401, "account_suspended")
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert_error(refreshed, 401, "account_suspended")
    _suspend(db, session["user"]["id"], status="banned")
    assert_error(client.get("/api/users/me", headers=headers), 401, "account_banned")


def test_a_deleted_users_token_stops_working(client: TestClient, db: Database) -> None:
    session = signup(client)
    db.execute("DELETE FROM users WHERE id = %s", (session["user"]["id"],))
    assert_error(
        client.get("/api/users/me", headers=bearer(session["access_token"])), 401, "invalid_token"
    )


# ------------------------------------------------------------------ refresh and logout
def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient, db: Database) -> None:
    first = signup(client)
    second = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert client.get("/api/users/me", headers=bearer(pair["access_token"])).status_code == 200

    # The rotated (old) token is presented again: theft. The whole family is revoked.
    reused = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_error(reused, 401, "refresh_token_reused")
    current = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_error(current, 401, "invalid_refresh_token")
    rows = db.execute(
        "SELECT revoked_reason FROM refresh_tokens WHERE user_id = %s ORDER BY issued_at",
        (first["user"]["id"],),
    )
    assert [r["revoked_reason"] for r in rows] == ["rotated", "reuse_detected"]


def test_refresh_reuse_does_not_touch_other_sessions(client: TestClient) -> None:
    signup(client, email="two@example.com")
    laptop = client.post(
        "/api/auth/login", json={"email": "two@example.com", "password": DEFAULT_PASSWORD}
    ).json()
    phone = client.post(
        "/api/auth/login", json={"email": "two@example.com", "password": DEFAULT_PASSWORD}
    ).json()
    client.post("/api/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    client.post("/api/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    ok = client.post("/api/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert ok.status_code == 200


def test_refresh_refuses_unknown_and_expired_tokens(client: TestClient, db: Database) -> None:
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": "x" * 43}),
        401,
        "invalid_refresh_token",
    )
    assert_error(client.post("/api/auth/refresh", json={}), 422, "validation_error")
    session = signup(client)
    db.execute(
        "UPDATE refresh_tokens SET issued_at = now() - interval '2 days', "
        "expires_at = now() - interval '1 day' WHERE user_id = %s",
        (session["user"]["id"],),
    )
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}),
        401,
        "refresh_token_expired",
    )


def test_logout_ends_the_session(client: TestClient) -> None:
    session = signup(client)
    response = client.post("/api/auth/logout", json={"refresh_token": session["refresh_token"]})
    assert response.status_code == 204
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    # Unknown tokens are accepted silently (nothing to end), malformed bodies are not.
    assert client.post("/api/auth/logout", json={"refresh_token": "y" * 43}).status_code == 204
    assert_error(
        client.post("/api/auth/logout", json={"refresh_token": 5}), 422, "validation_error"
    )


# ------------------------------------------------------------------ e-mail verification
def test_email_verification_is_single_use(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"verify_{uuid.uuid4().hex[:8]}@example.com"
    session = signup(client, email=email)
    token = deliver_mail(db, smtp).latest_token(email, "confirm")
    response = client.post("/api/auth/verify", json={"token": token})
    assert response.status_code == 200
    assert response.json()["verification_status"] == "email_verified"
    assert response.json()["email_verified_at"] is not None
    me = client.get("/api/users/me", headers=bearer(session["access_token"])).json()
    assert me["verification_status"] == "email_verified"
    assert_error(client.post("/api/auth/verify", json={"token": token}), 400, "token_used")


def test_email_verification_expires(client: TestClient, smtp: SmtpServer, db: Database) -> None:
    email = f"late_{uuid.uuid4().hex[:8]}@example.com"
    session = signup(client, email=email)
    token = deliver_mail(db, smtp).latest_token(email, "confirm")
    db.execute(
        "UPDATE email_tokens SET created_at = now() - interval '3 days', "
        "expires_at = now() - interval '1 day' WHERE user_id = %s",
        (session["user"]["id"],),
    )
    assert_error(client.post("/api/auth/verify", json={"token": token}), 400, "token_expired")
    me = client.get("/api/users/me", headers=bearer(session["access_token"])).json()
    assert me["verification_status"] == "unverified"


def test_verification_refuses_unknown_tokens(client: TestClient) -> None:
    assert_error(client.post("/api/auth/verify", json={"token": "z" * 43}), 400, "invalid_token")
    assert_error(client.post("/api/auth/verify", json={"token": "short"}), 422, "validation_error")


def test_a_reset_token_does_not_verify_an_address(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"mix_{uuid.uuid4().hex[:8]}@example.com"
    signup(client, email=email)
    client.post("/api/auth/password-reset/request", json={"email": email})
    reset_token = deliver_mail(db, smtp).latest_token(email, "reset")
    assert_error(client.post("/api/auth/verify", json={"token": reset_token}), 400, "invalid_token")


# ------------------------------------------------------------------ password reset
def test_password_reset_flow(client: TestClient, smtp: SmtpServer, db: Database) -> None:
    email = f"reset_{uuid.uuid4().hex[:8]}@example.com"
    session = signup(client, email=email)
    response = client.post("/api/auth/password-reset/request", json={"email": email.upper()})
    assert response.status_code == 202
    token = deliver_mail(db, smtp).latest_token(email, "reset")

    new_password = "a brand new passphrase"  # noqa: S105
    confirm = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": new_password}
    )
    assert confirm.status_code == 204
    assert _login(client, email, new_password).status_code == 200  # type: ignore[attr-defined]
    assert_error(_login(client, email), 401, "invalid_credentials")
    # Sessions from before the reset are over.
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    # The token worked once.
    again = client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "yet another passphrase"},
    )
    assert_error(again, 400, "token_used")


def test_password_reset_for_unknown_address_looks_the_same(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    response = client.post(
        "/api/auth/password-reset/request", json={"email": "ghost-reset@example.com"}
    )
    assert response.status_code == 202
    assert response.json() == {"status": "accepted"}
    # Nothing was queued, so the worker sends nothing.
    assert db.execute("SELECT count(*) AS n FROM outbound_emails")[0]["n"] == 0
    assert deliver_mail(db, smtp).to("ghost-reset@example.com") == []


def test_password_reset_token_expires_and_validates(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"expire_{uuid.uuid4().hex[:8]}@example.com"
    user = signup(client, email=email)["user"]
    client.post("/api/auth/password-reset/request", json={"email": email})
    token = deliver_mail(db, smtp).latest_token(email, "reset")
    weak = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": "123"})
    assert_error(weak, 422, "validation_error")
    db.execute(
        "UPDATE email_tokens SET created_at = now() - interval '2 hours', "
        "expires_at = now() - interval '1 hour' WHERE user_id = %s AND purpose = 'password_reset'",
        (user["id"],),
    )
    expired = client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "long enough passphrase"},
    )
    assert_error(expired, 400, "token_expired")


def test_verification_mail_travels_over_smtp(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"smtp_{uuid.uuid4().hex[:8]}@example.com"
    user = signup(client, email=email)["user"]
    # The request only queued it: nothing leaves before the worker runs.
    assert smtp.mailbox.to(email) == []
    [event] = db.execute(
        "SELECT id FROM domain_events WHERE event_type = 'mail.requested' AND aggregate_id = %s",
        (user["id"],),
    )
    (message,) = deliver_mail(db, smtp).to(email)
    assert "Confirm your e-mail" in message["Subject"]
    assert message["From"]
    assert message["Message-ID"] == f"<{event['id']}@preset.local>"
