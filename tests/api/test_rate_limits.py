"""Rate limits per route group, with X-RateLimit-* headers and 429 + Retry-After."""

from __future__ import annotations

import time

from preset.api.ratelimit import WINDOW_SECONDS
from preset.settings import RateLimitSettings
from tests.support.api import SmtpServer, api_client, app_settings_for, assert_error, bearer, signup
from tests.support.database import Database


def test_route_groups_are_limited_with_headers(db: Database, smtp: SmtpServer) -> None:
    limits = RateLimitSettings(auth_per_minute=3, read_per_minute=4, write_per_minute=2)
    # Windows are whole minutes: start well inside one so the counts cannot reset mid-test.
    into_window = time.time() % WINDOW_SECONDS
    if into_window > WINDOW_SECONDS - 15:
        time.sleep(WINDOW_SECONDS - into_window + 0.1)
    with api_client(app_settings_for(db, smtp, rate_limit=limits)) as client:
        user = signup(client)  # 1 of 3 auth requests from this address
        first = client.post("/api/auth/login", json={"email": "x@example.com", "password": "x"})
        assert first.headers["X-RateLimit-Limit"] == "3"
        assert first.headers["X-RateLimit-Remaining"] == "1"
        assert 1 <= int(first.headers["X-RateLimit-Reset"]) <= 60
        client.post("/api/auth/login", json={"email": "x@example.com", "password": "x"})
        limited = client.post("/api/auth/login", json={"email": "x@example.com", "password": "x"})
        error = assert_error(limited, 429, "rate_limited")
        assert error["details"] == {"group": "auth", "limit": 3}
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.headers["X-RateLimit-Remaining"] == "0"

        # Groups count separately: reads still go through, per user.
        headers = bearer(user["access_token"])
        for remaining in (3, 2, 1, 0):
            ok = client.get("/api/users/me", headers=headers)
            assert ok.status_code == 200
            assert ok.headers["X-RateLimit-Remaining"] == str(remaining)
        assert_error(client.get("/api/users/me", headers=headers), 429, "rate_limited")
        # Writes have their own budget.
        ok = client.patch("/api/users/profile", headers=headers, json={"bio": "hello"})
        assert ok.status_code == 200
        assert ok.headers["X-RateLimit-Limit"] == "2"
