"""The owner's list of a gig's applications, the applicant's own list, bulk shortlisting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.gigs.helpers import account, event_rows, published_gig
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

NOW = datetime.now(UTC)


def _pages(
    client: TestClient, url: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params, limit=2) | ({"cursor": cursor} if cursor else {})
        response = client.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def _seed_applications(db: Database, gig_id: Any) -> list[dict[str, Any]]:
    specs = [
        ("0.40", "pending"),
        ("0.90", "shortlisted"),
        ("0.90", "pending"),
        ("0.10", "declined"),
        ("0.65", "pending"),
    ]
    return [
        f.make_application(
            db,
            gig_id=gig_id,
            applicant_user_id=f.make_user(db)["id"],
            status=status,
            compatibility_score=Decimal(score),
            applied_at=NOW - timedelta(hours=i),
        )
        for i, (score, status) in enumerate(specs)
    ]


def test_the_owner_lists_applications_by_date_or_compatibility(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    rows = _seed_applications(db, gig["id"])
    url = f"/api/gigs/{gig['id']}/applications"
    by_date = _pages(client, url, owner.headers)
    assert [a["id"] for a in by_date] == [str(r["id"]) for r in rows]
    by_score = _pages(client, url, owner.headers, sort="compatibility")
    expected = sorted(rows, key=lambda r: (r["compatibility_score"], r["applied_at"]), reverse=True)
    assert [a["id"] for a in by_score] == [str(r["id"]) for r in expected]
    pending = _pages(client, url, owner.headers, status="pending", sort="compatibility")
    assert [Decimal(a["compatibility_score"]) for a in pending] == [
        Decimal("0.90"),
        Decimal("0.65"),
        Decimal("0.40"),
    ]
    assert_error(
        client.get(url, params={"sort": "rating"}, headers=owner.headers), 422, "validation_error"
    )
    assert_error(
        client.get(url, params={"status": "lost"}, headers=owner.headers), 422, "validation_error"
    )
    # A cursor of one ordering is refused by the other.
    first = client.get(url, params={"limit": 2}, headers=owner.headers).json()
    assert_error(
        client.get(
            url,
            params={"sort": "compatibility", "cursor": first["next_cursor"]},
            headers=owner.headers,
        ),
        422,
        "invalid_cursor",
    )


def test_only_the_owner_or_an_admin_lists_a_gigs_applications(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    _seed_applications(db, gig["id"])
    url = f"/api/gigs/{gig['id']}/applications"
    assert_error(client.get(url, headers=account(db).headers), 403, "not_gig_owner")
    assert_error(
        client.get(url, headers=account(db, role="contributor").headers), 403, "not_gig_owner"
    )
    assert_error(client.get(url), 401, "unauthorized")
    assert len(client.get(url, headers=account(db, role="admin").headers).json()["items"]) == 5


def test_my_applications_come_with_gig_details(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="pro")
    talent = account(db, tier="plus")
    other = account(db, tier="plus")
    gigs = [published_gig(client, owner, title=f"Shoot number {i}") for i in range(3)]
    for gig in gigs:
        assert (
            client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).status_code == 201
        )
    client.post(f"/api/gigs/{gigs[0]['id']}/apply", headers=other.headers)
    client.post(f"/api/gigs/{gigs[0]['id']}/cancel", headers=owner.headers)
    mine = _pages(client, "/api/applications/mine", talent.headers)
    assert [a["gig_id"] for a in mine] == [g["id"] for g in reversed(gigs)]
    assert {a["applicant_user_id"] for a in mine} == {str(talent.id)}
    cancelled = next(a for a in mine if a["gig_id"] == gigs[0]["id"])
    assert (cancelled["title"], cancelled["gig_status"], cancelled["status"]) == (
        "Shoot number 0",
        "cancelled",
        "declined",
    )
    assert cancelled["start_time"] is not None
    assert_error(client.get("/api/applications/mine"), 401, "unauthorized")


# ===================================================================== bulk shortlist
@pytest.mark.parametrize("tier", ["plus", "pro"])
def test_plus_and_pro_owners_shortlist_several_at_once(
    client: TestClient, db: Database, tier: str
) -> None:
    owner = account(db, role="contributor", tier=tier)
    gig = published_gig(client, owner)
    rows = _seed_applications(db, gig["id"])
    chosen = [rows[0]["id"], rows[1]["id"], rows[2]["id"]]  # pending, shortlisted, pending
    response = client.post(
        f"/api/gigs/{gig['id']}/applications/shortlist",
        json={"application_ids": [str(i) for i in chosen]},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    assert [a["status"] for a in response.json()["items"]] == ["shortlisted"] * 3
    # The already shortlisted one is left as it was: two events.
    assert {e["aggregate_id"] for e in event_rows(db, "application.shortlisted")} == {
        chosen[0],
        chosen[2],
    }
    stored = db.execute("SELECT reviewed_by FROM applications WHERE id = %s", (chosen[0],))
    assert stored == [{"reviewed_by": owner.id}]


def test_free_owners_get_402_for_bulk_shortlisting(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="free")
    gig = published_gig(client, owner)
    rows = _seed_applications(db, gig["id"])
    response = client.post(
        f"/api/gigs/{gig['id']}/applications/shortlist",
        json={"application_ids": [str(rows[0]["id"]), str(rows[2]["id"])]},
        headers=owner.headers,
    )
    assert_error(response, 402, "subscription_limit_exceeded")
    assert (response.json()["current_tier"], response.json()["required_tier"]) == ("free", "plus")
    assert db.execute("SELECT count(*) AS n FROM applications WHERE status = 'shortlisted'") == [
        {"n": 1}
    ]


def test_bulk_shortlisting_is_all_or_nothing(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="plus")
    gig = published_gig(client, owner)
    rows = _seed_applications(db, gig["id"])
    url = f"/api/gigs/{gig['id']}/applications/shortlist"
    other_gig = published_gig(client, owner)
    foreign = f.make_application(
        db, gig_id=other_gig["id"], applicant_user_id=f.make_user(db)["id"]
    )
    error = assert_error(
        client.post(
            url,
            json={"application_ids": [str(rows[0]["id"]), str(foreign["id"])]},
            headers=owner.headers,
        ),
        404,
        "application_not_found",
    )
    assert error["details"] == {"application_ids": [str(foreign["id"])]}
    error = assert_error(
        client.post(
            url,
            json={"application_ids": [str(rows[0]["id"]), str(rows[3]["id"])]},
            headers=owner.headers,
        ),
        409,
        "invalid_transition",
    )
    assert error["details"]["applications"] == [{"id": str(rows[3]["id"]), "status": "declined"}]
    assert db.execute("SELECT status FROM applications WHERE id = %s", (rows[0]["id"],)) == [
        {"status": "pending"}
    ]
    assert_error(
        client.post(url, json={"application_ids": []}, headers=owner.headers),
        422,
        "validation_error",
    )
    same = str(rows[0]["id"])
    assert_error(
        client.post(url, json={"application_ids": [same, same]}, headers=owner.headers),
        422,
        "validation_error",
    )
    stranger = account(db, role="contributor", tier="pro")
    assert_error(
        client.post(url, json={"application_ids": [same]}, headers=stranger.headers),
        403,
        "not_gig_owner",
    )
    assert_error(
        client.post(
            f"/api/gigs/{uuid.uuid4()}/applications/shortlist",
            json={"application_ids": [same]},
            headers=owner.headers,
        ),
        404,
        "gig_not_found",
    )


def test_unscored_applications_sort_after_scored_ones_across_pages(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    specs = [None, "0.50", None, "0.80", None]
    rows = [
        f.make_application(
            db,
            gig_id=gig["id"],
            applicant_user_id=f.make_user(db)["id"],
            compatibility_score=Decimal(score) if score else None,
            applied_at=NOW - timedelta(hours=i),
        )
        for i, score in enumerate(specs)
    ]
    url = f"/api/gigs/{gig['id']}/applications"
    listed = _pages(client, url, owner.headers, sort="compatibility")
    # Scored best first, then the unscored newest first; every row once across pages of 2.
    assert [a["id"] for a in listed] == [str(rows[i]["id"]) for i in (3, 1, 0, 2, 4)]
    assert [a["compatibility_score"] for a in listed[2:]] == [None, None, None]


def test_a_cursor_of_another_list_or_a_forged_one_is_refused(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="pro")
    talent = account(db, tier="plus")
    for i in range(3):
        gig = published_gig(client, owner, title=f"Shoot number {i}")
        assert client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).is_success
    mine = client.get("/api/applications/mine", params={"limit": 1}, headers=talent.headers)
    cursor = mine.json()["next_cursor"]
    assert cursor is not None
    owner_list = f"/api/gigs/{gig['id']}/applications"
    for url, headers, bad in [
        (owner_list, owner.headers, cursor),
        ("/api/applications/mine", talent.headers, cursor[:-4]),
        ("/api/applications/mine", talent.headers, "not-a-cursor"),
    ]:
        assert_error(
            client.get(url, params={"cursor": bad}, headers=headers), 422, "invalid_cursor"
        )
