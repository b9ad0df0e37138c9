"""Input a fuzzer sends: every refusal is the documented 4xx and code, and nothing is written.

Found by running a fuzzer against the API as a client would (each of these was a 500): NUL
characters and unpaired surrogates anywhere (422 ``invalid_character``), timestamps whose UTC
value leaves years 1-9999 (422 ``validation_error``), doctored cursors (422 ``invalid_cursor``),
drafts that could not be cancelled without roles or schedule (now they can), and what else a
fuzzer tries. Body size limits: test_body_limits.py; what 4xx answers log:
test_client_error_logs.py; every route walked with a NUL: test_fuzz_routes.py.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import AT, GIG_ID, assert_invalid_character, count_rows, cursor_of
from tests.gigs.helpers import Account, account, create_gig, gig_body, published_gig
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

FAR_FUTURE_OVERFLOW = "9999-12-31T23:00:00-14:00"  # 10000-01-01T13:00Z
FAR_PAST_OVERFLOW = "0001-01-01T00:00:00+14:00"  # 1 BC in UTC


# ===================================================================== 1. NUL and surrogates
def test_a_nul_in_the_discovery_query_is_a_422_naming_the_parameter(client: TestClient) -> None:
    # Anonymous: read on the pinned anon pool.
    assert_invalid_character(client.get("/api/gigs?q=a%00b"), "query", "q")
    assert_invalid_character(
        client.get("/api/gigs?looking_for=model&looking_for=a%00"), "query", "looking_for"
    )
    # A NUL in a parameter's name is named too (escaped, so the message stays printable).
    assert_invalid_character(client.get("/api/gigs?q%00=x"), "query", "q\\u0000")


def test_a_nul_in_a_query_parameter_of_a_fastapi_route(client: TestClient, owner: Account) -> None:
    assert_invalid_character(
        client.get("/api/profiles/check-handle?handle=ab%00c"), "query", "handle"
    )
    assert_invalid_character(
        client.get("/api/gigs/mine?cursor=%00", headers=owner.headers), "query", "cursor"
    )


def test_a_nul_in_a_path_segment_names_the_path_parameter(client: TestClient) -> None:
    assert_invalid_character(client.get("/api/profiles/ab%00c"), "path", "handle")
    assert_invalid_character(client.get("/api/gigs/not%00a-uuid"), "path", "gig_id")
    # No documented route has this path: the guard still refuses it, naming the path.
    assert_invalid_character(client.get("/nowhere/a%00b"), "path", "path")


def test_a_nul_in_a_header_is_refused(client: TestClient) -> None:
    assert_invalid_character(
        client.get("/api/gigs", headers={"X-Anything": "a\x00b"}), "header", "x-anything"
    )


def test_a_nul_in_a_body_field_writes_nothing(
    client: TestClient, db: Database, owner: Account
) -> None:
    response = client.post(
        "/api/gigs", json=gig_body(title="Golden\u0000hour"), headers=owner.headers
    )
    assert_invalid_character(response, "body", "title")
    nested = gig_body(applicant_preferences={"city": "Dub\u0000lin"}, looking_for_types=["model"])
    assert_invalid_character(
        client.post("/api/gigs", json=nested, headers=owner.headers),
        "body",
        "applicant_preferences.city",
    )
    listed = gig_body(looking_for_types=["model", "stylist\u0000"])
    assert_invalid_character(
        client.post("/api/gigs", json=listed, headers=owner.headers), "body", "looking_for_types.1"
    )
    assert count_rows(db, "gigs") == 0


def test_a_nul_in_a_profile_patch_leaves_the_profile_as_it_was(
    client: TestClient, db: Database, owner: Account
) -> None:
    [before] = db.execute("SELECT * FROM profiles WHERE user_id = %s", (owner.id,))
    for body, field in (
        ({"bio": "hello\u0000"}, "bio"),
        ({"social_links": {"instagram": "https://x.example/\u0000"}}, "social_links.instagram"),
        ({"bio\u0000": "x"}, "bio\\u0000"),  # a key: extra="allow" models keep unknown keys
    ):
        response = client.patch("/api/users/profile", json=body, headers=owner.headers)
        assert_invalid_character(response, "body", field)
    [after] = db.execute("SELECT * FROM profiles WHERE user_id = %s", (owner.id,))
    assert after == before


def test_an_unpaired_surrogate_is_refused_like_a_nul(
    client: TestClient, db: Database, owner: Account, talent: Account
) -> None:
    gig = published_gig(client, owner)
    response = client.post(
        f"/api/gigs/{gig['id']}/apply",
        content=b'{"note": "hi \\ud83d there"}',
        headers=talent.headers | {"Content-Type": "application/json"},
    )
    assert_invalid_character(response, "body", "note")
    assert count_rows(db, "applications") == 0
    # A paired surrogate (an emoji written as escapes) is a character like any other.
    response = client.post(
        f"/api/gigs/{gig['id']}/apply",
        content=b'{"note": "hi \\ud83d\\ude00 there"}',
        headers=talent.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["note"] == "hi \U0001f600 there"


@pytest.mark.parametrize(
    "body",
    [
        b'{"note": "hi \xed\xa0\xbd there"}',  # a surrogate encoded as UTF-8 ("surrogatepass")
        '{"note": "hi \\u0000 there"}'.encode("utf-16"),  # JSON in UTF-16, parsed all the same
        '{"note": "hi \ud83d there"}'.encode("utf-16-le", "surrogatepass"),
        b'{"note": "ok", "x": ' + b"[" * 900 + b'"\\u0000"' + b"]" * 900 + b"}",  # deep
    ],
)
def test_unstorable_characters_in_any_json_encoding_are_refused(
    client: TestClient, db: Database, owner: Account, talent: Account, body: bytes
) -> None:
    gig = published_gig(client, owner)
    response = client.post(
        f"/api/gigs/{gig['id']}/apply",
        content=body,
        headers=talent.headers | {"Content-Type": "application/json"},
    )
    assert_error(response, 422, "invalid_character")
    assert count_rows(db, "applications") == 0


def test_an_escaped_backslash_before_u0000_is_not_a_nul(
    client: TestClient, db: Database, owner: Account
) -> None:
    body = json.dumps(gig_body(description="A literal \\u0000 in a description is fine here."))
    response = client.post(
        "/api/gigs", content=body, headers=owner.headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert "\\u0000" in response.json()["description"]
    assert count_rows(db, "gigs") == 1


def test_a_nul_in_signup_creates_no_account(client: TestClient, db: Database) -> None:
    users = count_rows(db, "users")
    body = {
        "email": "nul@example.com",
        "password": "correct horse\u0000battery",
        "role": "talent",
        "display_name": "Nul",
        "handle": "nul_person",
    }
    assert_invalid_character(client.post("/api/auth/signup", json=body), "body", "password")
    assert count_rows(db, "users") == users


# ===================================================================== 2. timestamps
@pytest.mark.parametrize("moment", [FAR_FUTURE_OVERFLOW, FAR_PAST_OVERFLOW, "9999-12-31T12:00:00Z"])
def test_a_timestamp_outside_years_1_to_9999_in_utc_is_refused(
    client: TestClient, db: Database, owner: Account, moment: str
) -> None:
    body = gig_body(start_time=moment, end_time=..., application_deadline=...)
    error = assert_error(
        client.post("/api/gigs", json=body, headers=owner.headers), 422, "validation_error"
    )
    assert [d["field"] for d in error["details"]] == ["start_time"]
    assert count_rows(db, "gigs") == 0

    gig = create_gig(client, owner)
    response = client.patch(
        f"/api/gigs/{gig['id']}", json={"end_time": moment}, headers=owner.headers
    )
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["end_time"]
    [row] = db.execute("SELECT end_time FROM gigs WHERE id = %s", (gig["id"],))
    assert row["end_time"] == datetime.fromisoformat(gig["end_time"])
    assert client.get(f"/api/gigs/{gig['id']}", headers=owner.headers).status_code == 200


def test_the_last_timestamp_that_reads_back_everywhere_is_accepted(
    client: TestClient, db: Database, owner: Account
) -> None:
    body = gig_body(start_time="9999-12-30T12:00:00Z", end_time=..., application_deadline=...)
    gig = client.post("/api/gigs", json=body, headers=owner.headers)
    assert gig.status_code == 201, gig.text
    read = client.get(f"/api/gigs/{gig.json()['id']}", headers=owner.headers)
    assert read.status_code == 200 and read.json()["start_time"] == "9999-12-30T12:00:00Z"


@pytest.mark.parametrize("parameter", ["starts_after", "starts_before"])
def test_discovery_dates_outside_the_range_are_refused(
    client: TestClient, owner: Account, parameter: str
) -> None:
    for headers in ({}, owner.headers):  # anonymous (pinned pool) and logged in
        response = client.get("/api/gigs", params={parameter: FAR_FUTURE_OVERFLOW}, headers=headers)
        error = assert_error(response, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == [parameter]


# ===================================================================== 3. cursors
@pytest.mark.parametrize(
    "score", ["1E+999999999", "1E-999999999", "NaN", "Infinity", "-Infinity", 1, None, "1e20"]
)
def test_a_doctored_compatibility_cursor_is_invalidcursor_of(
    client: TestClient, db: Database, owner: Account, talent: Account, score: Any
) -> None:
    gig = published_gig(client, owner)
    applied = client.post(f"/api/gigs/{gig['id']}/apply", json={}, headers=talent.headers)
    assert applied.status_code == 201, applied.text
    [before] = db.execute("SELECT * FROM applications")
    cursor = cursor_of({"k": "applications.gig.compatibility", "v": [score, AT, GIG_ID]})
    response = client.get(
        f"/api/gigs/{gig['id']}/applications",
        params={"sort": "compatibility", "cursor": cursor},
        headers=owner.headers,
    )
    assert_error(response, 422, "invalid_cursor")
    assert db.execute("SELECT * FROM applications") == [before]


def test_the_compatibility_cursor_the_api_writes_still_pages(
    client: TestClient, db: Database, owner: Account
) -> None:
    gig = published_gig(client, owner)
    for _ in range(3):
        applicant = account(db, role="talent", tier="pro")
        assert (
            client.post(
                f"/api/gigs/{gig['id']}/apply", json={}, headers=applicant.headers
            ).status_code
            == 201
        )
    url = f"/api/gigs/{gig['id']}/applications"
    first = client.get(url, params={"sort": "compatibility", "limit": 2}, headers=owner.headers)
    assert first.status_code == 200, first.text
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    second = client.get(
        url, params={"sort": "compatibility", "limit": 2, "cursor": cursor}, headers=owner.headers
    )
    assert second.status_code == 200, second.text
    assert len(second.json()["items"]) == 1


@pytest.mark.parametrize(
    "values",
    [
        [AT, 123],  # a number where the id goes
        [123, GIG_ID],
        [FAR_FUTURE_OVERFLOW, GIG_ID],
        ["2026-01-01T00:00:00", GIG_ID],  # no zone
        [[AT], {"id": GIG_ID}],
    ],
)
def test_a_doctored_keyset_cursor_is_invalidcursor_of(
    client: TestClient, owner: Account, values: list[Any]
) -> None:
    for url, kind in (
        ("/api/gigs/mine", "gigs.mine"),
        ("/api/moodboards", "moodboards.mine"),
        ("/api/applications/mine", "applications.mine"),
    ):
        cursor = cursor_of({"k": kind, "v": values})
        response = client.get(url, params={"cursor": cursor}, headers=owner.headers)
        assert_error(response, 422, "invalid_cursor")


@pytest.mark.parametrize(
    "payload",
    [
        {"v": 1, "b": 0, "c": AT, "i": 123},
        {"v": 1, "b": 0, "c": 20260101, "i": GIG_ID},
        {"v": 1, "b": 0, "c": FAR_FUTURE_OVERFLOW, "i": GIG_ID},
        {"v": 1, "b": 1e999, "c": AT, "i": GIG_ID},
        {"v": 1, "b": 99999999999999999999, "c": AT, "i": GIG_ID},
    ],
)
def test_a_doctored_discovery_cursor_is_invalidcursor_of(
    client: TestClient, owner: Account, payload: dict[str, Any]
) -> None:
    for headers in ({}, owner.headers):
        response = client.get("/api/gigs", params={"cursor": cursor_of(payload)}, headers=headers)
        assert_error(response, 422, "invalid_cursor")


# ===================================================================== 4. cancelling drafts
def test_a_draft_without_roles_or_schedule_can_be_cancelled(
    client: TestClient, db: Database, owner: Account
) -> None:
    bare = create_gig(
        client, owner, looking_for_types=[], start_time=..., end_time=..., application_deadline=...
    )
    response = client.post(f"/api/gigs/{bare['id']}/cancel", headers=owner.headers)
    assert response.status_code == 200, response.text
    [row] = db.execute(
        "SELECT status, cancelled_at, start_time, looking_for_types FROM gigs WHERE id = %s",
        (bare["id"],),
    )
    assert row["status"] == "cancelled" and row["cancelled_at"] is not None
    assert row["start_time"] is None and row["looking_for_types"] == []


def test_live_gigs_still_need_roles_and_a_schedule(db: Database) -> None:
    """0009 exempts cancelled gigs only: the checks still hold for published, closed and
    completed gigs, written as the owner of the table (no API rule in between)."""
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"], status="published")
    for column in ("end_time", "start_time"):
        with pytest.raises(psycopg.errors.CheckViolation) as raised:
            db.execute(f"UPDATE gigs SET {column} = NULL WHERE id = %s", (gig["id"],))
        assert raised.value.diag.constraint_name == "gigs_published_has_schedule"
    with pytest.raises(psycopg.errors.CheckViolation) as raised:
        db.execute("UPDATE gigs SET looking_for_types = '{}' WHERE id = %s", (gig["id"],))
    assert raised.value.diag.constraint_name == "gigs_looking_for_types_count"


# ===================================================================== beyond: what else a fuzzer
# sends; each of these must be a 4xx with the envelope (none was a 5xx).
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/gigs?limit=99999999999999999999", 422, "validation_error"),
        ("/api/gigs?lat=NaN&lng=0", 422, "validation_error"),
        ("/api/gigs?lat=1e999&lng=0", 422, "validation_error"),
        ("/api/gigs?lat=0&lng=0&radius_km=Infinity", 422, "validation_error"),
        ("/api/gigs/map?min_lat=-inf&min_lng=0&max_lat=1&max_lng=1", 422, "validation_error"),
        ("/api/gigs/map?min_lat=nan&min_lng=0&max_lat=1&max_lng=1", 422, "validation_error"),
        ("/api/gigs/ffffffff-ffff-ffff-ffff-fffffffffffff", 422, "validation_error"),
        ("/api/gigs/00000000-0000-0000-0000-00000000000g", 422, "validation_error"),
        ("/api/profiles/%ff%fe", 404, "profile_not_found"),  # invalid UTF-8 once decoded
        ("/api/profiles/%zz", 404, "profile_not_found"),  # not percent-encoding at all
        ("/api/gigs?cursor=" + "%ff" * 100, 422, "invalid_cursor"),
    ],
)
def test_odd_query_and_path_values_are_4xx(
    client: TestClient, path: str, status: int, code: str
) -> None:
    assert_error(client.get(path), status, code)


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "bad_request"),  # deep
        (b"", "application/json", 422, "validation_error"),
        (b"not json", "text/plain", 422, "validation_error"),
        (b'{"title": "\xff\xfe"}', "application/json", 400, "bad_request"),  # invalid UTF-8
        (b'{"title": NaN, "max_applicants": 1e999}', "application/json", 422, "validation_error"),
        (
            b'{"max_applicants": 99999999999999999999999999}',
            "application/json",
            422,
            "validation_error",
        ),
        (
            b'{"comp_type": "paid", "comp_amount": "NaN", "comp_currency": "EUR"}',
            "application/json",
            422,
            "validation_error",
        ),
    ],
)
def test_odd_bodies_are_4xx_and_write_nothing(
    client: TestClient,
    db: Database,
    owner: Account,
    content: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    response = client.post(
        "/api/gigs", content=content, headers=owner.headers | {"Content-Type": content_type}
    )
    assert_error(response, status, code)
    assert count_rows(db, "gigs") == 0


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",  # alg none
        "Bearer " + "A" * 5000,
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
def test_doctored_tokens_are_401(client: TestClient, authorization: str) -> None:
    response = client.get("/api/users/me", headers={"Authorization": authorization})
    assert_error(response, 401, "invalid_token")


def test_a_signed_token_with_a_doctored_subject_is_401(client: TestClient) -> None:
    import jwt as pyjwt

    from preset.auth.tokens import issue_access_token
    from preset.settings import AuthSettings

    token, _ = issue_access_token(
        AuthSettings(),
        user_id="00000000-0000-0000-0000-000000000009",  # type: ignore[arg-type]
        email="x@example.com",
        user_role="talent",
    )
    claims = pyjwt.decode(token, options={"verify_signature": False})
    for subject in ("not-a-uuid", "a\x00b", 12345, None):
        doctored = pyjwt.encode(
            {**claims, "sub": subject},
            AuthSettings().jwt_secret.get_secret_value(),
            algorithm="HS256",
        )
        response = client.get("/api/users/me", headers={"Authorization": f"Bearer {doctored}"})
        assert response.status_code == 401, (subject, response.text)
