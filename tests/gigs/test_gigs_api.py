"""Gigs through HTTP: drafts, validity (§3), tier caps (§2), editing, deleting, own lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.gigs.helpers import (
    account,
    create_gig,
    events_of,
    gig_body,
    iso,
    published_gig,
    soon,
)
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database


def test_a_contributor_creates_a_draft_and_the_event_is_recorded(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    response = client.post("/api/gigs", json=gig_body(), headers=owner.headers)
    assert response.status_code == 201, response.text
    gig = response.json()
    assert gig["status"] == "draft"
    assert gig["owner_user_id"] == str(owner.id)
    # Free tier: min(20, cap 10).
    assert gig["max_applicants"] == 10
    assert events_of(db, gig["id"]) == ["gig.created"]
    row = db.execute(
        "SELECT actor_user_id FROM domain_events WHERE aggregate_id = %s", (gig["id"],)
    )
    assert row == [{"actor_user_id": owner.id}]


@pytest.mark.parametrize(("tier", "default"), [("free", 10), ("plus", 20), ("pro", 20)])
def test_max_applicants_defaults_to_min_of_20_and_the_tier_cap(
    client: TestClient, db: Database, tier: str, default: int
) -> None:
    owner = account(db, role="contributor", tier=tier)
    assert create_gig(client, owner)["max_applicants"] == default


def test_talent_cannot_post_gigs_and_anonymous_callers_must_log_in(
    client: TestClient, db: Database
) -> None:
    talent = account(db)
    assert_error(
        client.post("/api/gigs", json=gig_body(), headers=talent.headers), 403, "contributor_only"
    )
    assert_error(client.post("/api/gigs", json=gig_body()), 401, "unauthorized")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "Shoo"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "too short"}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"comp_type": "barter"}, "comp_type"),
        ({"comp_type": "paid", "comp_amount": 100, "comp_currency": "JPY"}, "comp_currency"),
        ({"location_text": "  "}, "location_text"),
        ({"location_lat": 90.5}, "location_lat"),
        ({"location_lng": -180.5}, "location_lng"),
        ({"location_radius": 0}, "location_radius"),
        ({"location_radius": 101}, "location_radius"),
        ({"looking_for_types": ["astronaut"]}, "looking_for_types.0"),
        ({"looking_for_types": ["model"] * 2}, "looking_for_types"),
        ({"max_applicants": 0}, "max_applicants"),
        ({"max_applicants": 201}, "max_applicants"),
        ({"boost_level": 4}, "boost_level"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_field_rules_are_422_naming_the_field(
    client: TestClient, db: Database, overrides: dict[str, Any], field: str
) -> None:
    owner = account(db, role="contributor", tier="pro")
    error = assert_error(
        client.post("/api/gigs", json=gig_body(**overrides), headers=owner.headers),
        422,
        "validation_error",
    )
    assert field in {d["field"] for d in error["details"]}, error


def test_looking_for_types_allows_at_most_ten_roles(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    roles = [
        "model", "makeup_artist", "hair_stylist", "stylist", "dancer", "actor",
        "set_designer", "retoucher", "photographer", "videographer",
    ]  # fmt: skip
    assert create_gig(client, owner, looking_for_types=roles)["looking_for_types"] == roles
    error = assert_error(
        client.post(
            "/api/gigs",
            json=gig_body(looking_for_types=[*roles, "assistant"]),
            headers=owner.headers,
        ),
        422,
        "validation_error",
    )
    assert error["details"][0]["field"] == "looking_for_types"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"comp_type": "paid"}, "comp_amount"),
        ({"comp_type": "paid", "comp_amount": 0}, "comp_amount"),
        ({"location_lat": 10.0, "location_lng": None}, "location_lng"),
        ({"end_time": iso(soon(14) - timedelta(hours=1))}, "end_time"),
        ({"application_deadline": iso(soon(15))}, "application_deadline"),
    ],
)
def test_cross_field_rules_are_422_invalid_gig(
    client: TestClient, db: Database, overrides: dict[str, Any], field: str
) -> None:
    owner = account(db, role="contributor")
    error = assert_error(
        client.post("/api/gigs", json=gig_body(**overrides), headers=owner.headers),
        422,
        "invalid_gig",
    )
    assert field in {d["field"] for d in error["details"]}, error


def test_a_paid_gig_gets_the_default_currency(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = create_gig(client, owner, comp_type="paid", comp_amount="150.00")
    assert (gig["comp_amount"], gig["comp_currency"]) == ("150.00", "EUR")
    gig = create_gig(client, owner, comp_type="paid", comp_amount=80, comp_currency="GBP")
    assert gig["comp_currency"] == "GBP"


def test_max_applicants_above_the_tier_cap_is_402_with_the_documented_payload(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="free")
    response = client.post("/api/gigs", json=gig_body(max_applicants=11), headers=owner.headers)
    error = assert_error(response, 402, "subscription_limit_exceeded")
    body = response.json()
    # §2's fields at the top level, and the same numbers inside the envelope.
    assert (body["limit"], body["current_tier"], body["required_tier"]) == (10, "free", "plus")
    assert error["details"]["limit"] == 10
    assert error["details"]["required_tier"] == "plus"
    plus = account(db, role="contributor", tier="plus")
    assert create_gig(client, plus, max_applicants=50)["max_applicants"] == 50
    response = client.post("/api/gigs", json=gig_body(max_applicants=51), headers=plus.headers)
    assert_error(response, 402, "subscription_limit_exceeded")
    assert response.json()["required_tier"] == "pro"
    pro = account(db, role="contributor", tier="pro")
    assert create_gig(client, pro, max_applicants=200)["max_applicants"] == 200


@pytest.mark.parametrize("tier", ["free", "plus"])
def test_boosts_are_for_pro_only(client: TestClient, db: Database, tier: str) -> None:
    owner = account(db, role="contributor", tier=tier)
    response = client.post("/api/gigs", json=gig_body(boost_level=1), headers=owner.headers)
    assert_error(response, 402, "subscription_limit_exceeded")
    assert response.json()["required_tier"] == "pro"
    gig = create_gig(client, owner)
    response = client.patch(
        f"/api/gigs/{gig['id']}", json={"boost_level": 2}, headers=owner.headers
    )
    assert_error(response, 402, "subscription_limit_exceeded")


def test_a_pro_owner_boosts_1_to_3(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="pro")
    for level in (1, 2, 3):
        assert create_gig(client, owner, boost_level=level)["boost_level"] == level


def test_who_sees_a_gig(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    stranger = account(db)
    draft = create_gig(client, owner)
    assert client.get(f"/api/gigs/{draft['id']}", headers=owner.headers).status_code == 200
    assert_error(
        client.get(f"/api/gigs/{draft['id']}", headers=stranger.headers), 404, "gig_not_found"
    )
    assert_error(client.get(f"/api/gigs/{draft['id']}"), 404, "gig_not_found")
    live = published_gig(client, owner)
    assert client.get(f"/api/gigs/{live['id']}").json()["status"] == "published"
    assert_error(client.get("/api/gigs/not-a-uuid"), 422, "validation_error")


def test_drafts_and_published_gigs_are_editable_by_their_owner(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    draft = create_gig(client, owner)
    response = client.patch(
        f"/api/gigs/{draft['id']}",
        json={"title": "Sunrise portraits", "usage_rights": "Portfolio use"},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Sunrise portraits"
    live = published_gig(client, owner)
    response = client.patch(
        f"/api/gigs/{live['id']}",
        json={"looking_for_types": ["model", "stylist"]},
        headers=owner.headers,
    )
    assert response.json()["looking_for_types"] == ["model", "stylist"]
    assert "gig.updated" in events_of(db, live["id"])
    # A published gig stays publishable.
    assert_error(
        client.patch(
            f"/api/gigs/{live['id']}", json={"looking_for_types": []}, headers=owner.headers
        ),
        422,
        "invalid_gig",
    )
    assert_error(
        client.patch(
            f"/api/gigs/{live['id']}", json={"start_time": iso(soon(-1))}, headers=owner.headers
        ),
        422,
        "invalid_gig",
    )
    assert_error(
        client.patch(f"/api/gigs/{live['id']}", json={"title": None}, headers=owner.headers),
        422,
        "invalid_gig",
    )
    # The merged gig is checked: a deadline after the (unchanged) start.
    error = assert_error(
        client.patch(
            f"/api/gigs/{draft['id']}",
            json={"application_deadline": iso(soon(20))},
            headers=owner.headers,
        ),
        422,
        "invalid_gig",
    )
    assert error["details"][0]["field"] == "application_deadline"


@pytest.mark.parametrize("status", ["closed", "completed", "cancelled"])
def test_other_statuses_are_not_editable(client: TestClient, db: Database, status: str) -> None:
    owner = account(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner.id, status=status)
    assert_error(
        client.patch(
            f"/api/gigs/{gig['id']}", json={"title": "New title here"}, headers=owner.headers
        ),
        409,
        "gig_not_editable",
    )


def test_only_the_owner_edits(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    other = account(db, role="contributor")
    live = published_gig(client, owner)
    assert_error(
        client.patch(
            f"/api/gigs/{live['id']}", json={"title": "Hijacked gig"}, headers=other.headers
        ),
        403,
        "not_gig_owner",
    )
    draft = create_gig(client, owner)
    assert_error(
        client.patch(
            f"/api/gigs/{draft['id']}", json={"title": "Hijacked gig"}, headers=other.headers
        ),
        404,
        "gig_not_found",
    )


def test_max_applicants_never_drops_below_the_applications(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="plus")
    live = published_gig(client, owner, max_applicants=5)
    for _ in range(3):
        f.make_application(db, gig_id=live["id"], applicant_user_id=f.make_user(db)["id"])
    withdrawn = f.make_user(db)["id"]
    f.make_application(db, gig_id=live["id"], applicant_user_id=withdrawn, status="withdrawn")
    error = assert_error(
        client.patch(f"/api/gigs/{live['id']}", json={"max_applicants": 2}, headers=owner.headers),
        409,
        "max_applicants_below_applications",
    )
    assert error["details"] == {"max_applicants": 2, "applications": 3}
    # Withdrawn applications do not count.
    response = client.patch(
        f"/api/gigs/{live['id']}", json={"max_applicants": 3}, headers=owner.headers
    )
    assert response.status_code == 200, response.text


def test_the_database_refuses_max_applicants_below_the_applications(db: Database) -> None:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"], max_applicants=5)
    for _ in range(2):
        f.make_application(db, gig_id=gig["id"], applicant_user_id=f.make_user(db)["id"])
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        with db.as_user(owner["id"]) as conn:
            conn.execute("UPDATE gigs SET max_applicants = 1 WHERE id = %s", (gig["id"],))
    assert caught.value.diag.constraint_name == "gigs_max_applicants_below_applications"


def test_only_drafts_are_deleted(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    draft = create_gig(client, owner)
    response = client.delete(f"/api/gigs/{draft['id']}", headers=owner.headers)
    assert response.status_code == 204
    assert db.execute("SELECT id FROM gigs WHERE id = %s", (draft["id"],)) == []
    assert sorted(events_of(db, draft["id"])) == ["gig.created", "gig.deleted"]
    live = published_gig(client, owner)
    assert_error(
        client.delete(f"/api/gigs/{live['id']}", headers=owner.headers), 409, "gig_not_deletable"
    )
    other = account(db, role="contributor")
    assert_error(
        client.delete(f"/api/gigs/{live['id']}", headers=other.headers), 403, "not_gig_owner"
    )


def test_my_gigs_lists_own_gigs_newest_first_with_a_cursor(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="pro")
    other = account(db, role="contributor")
    created = [create_gig(client, owner, title=f"Shoot number {i}")["id"] for i in range(5)]
    create_gig(client, other)
    client.post(f"/api/gigs/{created[0]}/publish", headers=owner.headers)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/gigs/mine", params=params, headers=owner.headers).json()
        seen += [g["id"] for g in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))
    published = client.get("/api/gigs/mine", params={"status": "published"}, headers=owner.headers)
    assert [g["id"] for g in published.json()["items"]] == [created[0]]
    assert_error(
        client.get("/api/gigs/mine", params={"cursor": "garbage"}, headers=owner.headers),
        422,
        "invalid_cursor",
    )
    assert_error(client.get("/api/gigs/mine"), 401, "unauthorized")
