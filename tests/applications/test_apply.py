"""Applying to a gig (PRODUCT_RULES §4) through HTTP: every rule holds, and breaking it gets the
documented status and code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from preset.applications.compatibility import GigWants, compatibility_score
from preset.applications.repository import ProfileSnapshot
from tests.gigs.helpers import account, event_rows, published_gig
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

NOW = datetime.now(UTC)


def test_talent_applies_with_a_snapshot_a_score_an_event_and_a_conversation(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(
        client,
        owner,
        looking_for_types=["model", "stylist"],
        applicant_preferences={
            "min_experience_years": 2,
            "city": "Dublin",
            "style_tags": ["editorial"],
        },
    )
    talent = account(
        db,
        display_name="Ada Model",
        bio="Editorial model",
        city="Dublin",
        style_tags=["editorial", "fashion"],
        looking_for_types=["model"],
        experience_years=3,
        rating=Decimal("4.50"),
        review_count=2,
    )
    response = client.post(
        f"/api/gigs/{gig['id']}/apply",
        json={"note": "I would love to join!"},
        headers=talent.headers,
    )
    assert response.status_code == 201, response.text
    application = response.json()
    assert application["status"] == "pending"
    assert application["note"] == "I would love to join!"
    snapshot = application["profile_snapshot"]
    assert snapshot["display_name"] == "Ada Model"
    assert snapshot["city"] == "Dublin"
    assert snapshot["experience_years"] == 3
    assert snapshot["published_showcases"] == 0
    assert snapshot["rating"] == "4.50"
    for key in ("handle", "avatar_url", "bio", "style_tags"):
        assert key in snapshot
    # Every input of the score is kept, so it can be recomputed from the stored row alone.
    for key in ("looking_for_types", "is_verified", "profile_completion_percentage"):
        assert key in snapshot
    # Deterministic: the documented formula on the gig and the snapshot.
    expected = compatibility_score(
        GigWants.of(gig["looking_for_types"], gig["applicant_preferences"]),
        ProfileSnapshot.from_json(snapshot),
    )
    assert Decimal(application["compatibility_score"]) == expected
    assert Decimal("0") <= expected <= Decimal("1")
    [event] = event_rows(db, "application.submitted")
    assert (event["aggregate_id"], event["actor_user_id"]) == (
        uuid.UUID(application["id"]),
        talent.id,
    )
    conversations = db.execute(
        "SELECT participants FROM conversations WHERE gig_id = %s", (gig["id"],)
    )
    assert conversations == [{"participants": [owner.id, talent.id]}]
    # The snapshot is what the profile was at apply time.
    db.execute("UPDATE profiles SET city = 'Cork' WHERE user_id = %s", (talent.id,))
    mine = client.get("/api/applications/mine", headers=talent.headers).json()["items"]
    assert mine[0]["profile_snapshot"]["city"] == "Dublin"


def test_the_body_is_optional(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    response = client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers)
    assert response.status_code == 201, response.text
    assert response.json()["note"] is None


@pytest.mark.parametrize("role", ["contributor", "admin"])
def test_only_talent_apply(client: TestClient, db: Database, role: str) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    other = account(db, role=role)
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=other.headers), 403, "talent_only"
    )
    assert_error(client.post(f"/api/gigs/{gig['id']}/apply"), 401, "unauthorized")


@pytest.mark.parametrize("status", ["draft", "closed", "completed", "cancelled"])
def test_only_published_gigs_take_applications(
    client: TestClient, db: Database, status: str
) -> None:
    """A talent cannot see a gig that is not published (until they applied), so it is a 404:
    the answer never hints that the gig exists."""
    owner = account(db, role="contributor")
    talent = account(db)
    gig = f.make_gig(db, owner_user_id=owner.id, status=status)
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers), 404, "gig_not_found"
    )
    assert db.execute("SELECT id FROM applications WHERE gig_id = %s", (gig["id"],)) == []


def test_applying_again_after_the_gig_closed_is_a_duplicate(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    talent = account(db)
    gig = published_gig(client, owner)
    assert client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).status_code == 201
    assert client.post(f"/api/gigs/{gig['id']}/close", headers=owner.headers).status_code == 200
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers), 409, "already_applied"
    )


def test_the_deadline_must_not_have_passed(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    talent = account(db)
    gig = f.make_gig(db, owner_user_id=owner.id, application_deadline=NOW - timedelta(minutes=5))
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers), 409, "deadline_passed"
    )


def test_one_application_per_gig(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db, tier="plus")
    assert client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).status_code == 201
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers), 409, "already_applied"
    )


def test_a_full_gig_is_409_and_withdrawn_applications_free_a_place(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner, max_applicants=2)
    first, second, third = (account(db) for _ in range(3))
    for talent in (first, second):
        assert (
            client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).status_code == 201
        )
    error = assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", headers=third.headers), 409, "gig_full"
    )
    assert error["details"] == {"max_applicants": 2}
    [mine] = client.get("/api/applications/mine", headers=first.headers).json()["items"]
    response = client.patch(
        f"/api/applications/{mine['id']}", json={"status": "withdrawn"}, headers=first.headers
    )
    assert response.status_code == 200, response.text
    assert client.post(f"/api/gigs/{gig['id']}/apply", headers=third.headers).status_code == 201


def test_a_free_talent_applies_three_times_per_calendar_month(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="pro")
    gigs = [published_gig(client, owner) for _ in range(5)]
    talent = account(db, tier="free")
    # Last month's application does not count.
    old_gig = f.make_gig(db, owner_user_id=owner.id)
    f.make_application(
        db,
        gig_id=old_gig["id"],
        applicant_user_id=talent.id,
        applied_at=NOW.replace(day=1) - timedelta(days=2),
    )
    for gig in gigs[:3]:
        assert (
            client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).status_code == 201
        )
    response = client.post(f"/api/gigs/{gigs[3]['id']}/apply", headers=talent.headers)
    error = assert_error(response, 402, "subscription_limit_exceeded")
    body = response.json()
    assert (body["limit"], body["current_tier"], body["required_tier"]) == (3, "free", "plus")
    assert error["details"]["used"] == 3
    # Withdrawing does not give the quota back.
    [latest, *_] = client.get("/api/applications/mine", headers=talent.headers).json()["items"]
    client.patch(
        f"/api/applications/{latest['id']}", json={"status": "withdrawn"}, headers=talent.headers
    )
    assert_error(
        client.post(f"/api/gigs/{gigs[3]['id']}/apply", headers=talent.headers),
        402,
        "subscription_limit_exceeded",
    )
    plus = account(db, tier="plus")
    for gig in gigs:
        assert client.post(f"/api/gigs/{gig['id']}/apply", headers=plus.headers).status_code == 201


@pytest.mark.parametrize(
    ("note", "kinds"),
    [
        ("Call me on +353 87 123 4567", ["phone_number"]),
        ("ring 0871234567 anytime", ["phone_number"]),
        ("mail me at ada.model@example.com", ["email_address"]),
        ("portfolio at https://ada.example/work", ["url"]),
        ("see www.adamodel.com", ["url"]),
        ("find me on ada.io", ["url"]),
        ("I am @ada_model everywhere", ["handle"]),
        ("let's talk on WhatsApp", ["messenger"]),
        ("my instagram is full of work", ["messenger"]),
        ("telegram works", ["messenger"]),
        ("add me on snapchat", ["messenger"]),
        ("@ada on instagram or ada@example.com", ["email_address", "handle", "messenger"]),
    ],
)
def test_notes_with_contact_details_are_422_naming_what_was_found(
    client: TestClient, db: Database, note: str, kinds: list[str]
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    error = assert_error(
        client.post(f"/api/gigs/{gig['id']}/apply", json={"note": note}, headers=talent.headers),
        422,
        "contact_details_in_note",
    )
    assert error["details"]["field"] == "note"
    assert error["details"]["found"] == kinds
    assert all(m["text"] for m in error["details"]["matches"])
    assert db.execute("SELECT id FROM applications WHERE gig_id = %s", (gig["id"],)) == []


@pytest.mark.parametrize(
    "note",
    [
        "Available 2026-05-01 and 12/05/2026, 5 years of editorial experience.",
        "I love golden hour light. Size 38, height 175 cm.",
        "Email is not needed; I'll message here.",
    ],
)
def test_ordinary_notes_pass_the_screening(client: TestClient, db: Database, note: str) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    response = client.post(
        f"/api/gigs/{gig['id']}/apply", json={"note": note}, headers=talent.headers
    )
    assert response.status_code == 201, response.text


def test_a_note_is_at_most_500_characters(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    error = assert_error(
        client.post(
            f"/api/gigs/{gig['id']}/apply", json={"note": "x" * 501}, headers=talent.headers
        ),
        422,
        "validation_error",
    )
    assert error["details"][0]["field"] == "note"
    response = client.post(
        f"/api/gigs/{gig['id']}/apply", json={"note": "x" * 500}, headers=talent.headers
    )
    assert response.status_code == 201


def test_nobody_applies_to_their_own_gig(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    # An admin moved the account to talent after it posted the gig.
    db.execute("UPDATE users SET role = 'talent' WHERE id = %s", (owner.id,))
    assert_error(client.post(f"/api/gigs/{gig['id']}/apply", headers=owner.headers), 403, "own_gig")
