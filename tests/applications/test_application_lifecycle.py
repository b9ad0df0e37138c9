"""The application lifecycle of PRODUCT_RULES §4, every row allowed and refused, through HTTP."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from preset.constants import (
    APPLICATION_APPLICANT_TRANSITIONS,
    APPLICATION_OWNER_TRANSITIONS,
    APPLICATION_STATUSES,
)
from tests.gigs.helpers import account, events_of, published_gig, token_for
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

ALLOWED = {(s, to) for to, froms in APPLICATION_OWNER_TRANSITIONS.items() for s in froms} | {
    (s, to) for to, froms in APPLICATION_APPLICANT_TRANSITIONS.items() for s in froms
}


@pytest.mark.parametrize("wanted", ["shortlisted", "accepted", "declined", "withdrawn"])
def test_every_row_of_the_application_lifecycle(
    client: TestClient, db: Database, wanted: str
) -> None:
    owner = account(db, role="contributor", tier="pro")
    gig = published_gig(client, owner, max_applicants=20)
    for status in APPLICATION_STATUSES:
        applicant = f.make_user(db)
        application = f.make_application(
            db, gig_id=gig["id"], applicant_user_id=applicant["id"], status=status
        )
        actor = token_for(applicant) if wanted == "withdrawn" else owner.headers
        response = client.patch(
            f"/api/applications/{application['id']}", json={"status": wanted}, headers=actor
        )
        stored = db.execute(
            "SELECT status, reviewed_by, reviewed_at FROM applications WHERE id = %s",
            (application["id"],),
        )[0]
        if (status, wanted) in ALLOWED:
            assert response.status_code == 200, (status, response.text)
            assert response.json()["status"] == wanted == stored["status"]
            assert events_of(db, application["id"]) == [f"application.{wanted}"]
            if wanted == "withdrawn":
                assert stored["reviewed_by"] is None
            else:
                assert stored["reviewed_by"] == owner.id
                assert stored["reviewed_at"] is not None
        else:
            error = assert_error(response, 409, "invalid_transition")
            assert error["details"] == {"from": status, "to": wanted}
            assert stored["status"] == status
            assert events_of(db, application["id"]) == []


def test_the_database_guard_allows_exactly_the_same_transitions(db: Database) -> None:
    rows = db.execute(
        "SELECT a AS from_status, b AS to_status, "
        "public.application_transition_allowed(a, b) AS ok "
        "FROM unnest(%(s)s::text[]) a, unnest(%(s)s::text[]) b WHERE a <> b",
        {"s": list(APPLICATION_STATUSES)},
    )
    assert {(r["from_status"], r["to_status"]) for r in rows if r["ok"]} == ALLOWED


def test_each_side_makes_only_its_own_moves(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    stranger = account(db)
    application = client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).json()
    url = f"/api/applications/{application['id']}"
    for wanted in ("shortlisted", "accepted", "declined"):
        assert_error(
            client.patch(url, json={"status": wanted}, headers=talent.headers), 403, "owner_only"
        )
    assert_error(
        client.patch(url, json={"status": "withdrawn"}, headers=owner.headers),
        403,
        "applicant_only",
    )
    assert_error(
        client.patch(url, json={"note": "Owner's words"}, headers=owner.headers),
        403,
        "applicant_only",
    )
    assert_error(
        client.patch(url, json={"status": "declined"}, headers=stranger.headers),
        404,
        "application_not_found",
    )
    assert_error(
        client.patch(url, json={"status": "pending"}, headers=owner.headers),
        422,
        "validation_error",
    )
    assert_error(client.patch(url, json={}, headers=talent.headers), 422, "validation_error")
    assert_error(client.patch(url, json={"status": "declined"}), 401, "unauthorized")
    assert_error(
        client.patch(
            f"/api/applications/{uuid.uuid4()}", json={"status": "declined"}, headers=owner.headers
        ),
        404,
        "application_not_found",
    )


def test_an_admin_decides_like_the_owner(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    admin = account(db, role="admin")
    gig = published_gig(client, owner)
    talent = account(db)
    application = client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).json()
    response = client.patch(
        f"/api/applications/{application['id']}",
        json={"status": "shortlisted"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["reviewed_by"] == str(admin.id)


def test_the_applicant_edits_the_note_only_while_pending(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    application = client.post(
        f"/api/gigs/{gig['id']}/apply", json={"note": "First words"}, headers=talent.headers
    ).json()
    url = f"/api/applications/{application['id']}"
    response = client.patch(url, json={"note": "Better words"}, headers=talent.headers)
    assert (response.status_code, response.json()["note"]) == (200, "Better words")
    assert_error(
        client.patch(url, json={"note": "text me on 0871234567"}, headers=talent.headers),
        422,
        "contact_details_in_note",
    )
    client.patch(url, json={"status": "shortlisted"}, headers=owner.headers)
    assert_error(
        client.patch(url, json={"note": "Too late"}, headers=talent.headers),
        409,
        "application_not_pending",
    )
    stored = db.execute("SELECT note FROM applications WHERE id = %s", (application["id"],))
    assert stored == [{"note": "Better words"}]


def test_accepting_opens_the_conversation_when_it_is_missing(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    applicant = f.make_user(db)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=applicant["id"])
    assert db.execute("SELECT id FROM conversations WHERE gig_id = %s", (gig["id"],)) == []
    response = client.patch(
        f"/api/applications/{application['id']}", json={"status": "accepted"}, headers=owner.headers
    )
    assert response.status_code == 200, response.text
    conversations = db.execute(
        "SELECT id, participants FROM conversations WHERE gig_id = %s", (gig["id"],)
    )
    assert conversations == [
        {"id": conversations[0]["id"], "participants": [owner.id, applicant["id"]]}
    ]
    assert events_of(db, conversations[0]["id"]) == ["conversation.opened"]


def test_accepting_keeps_the_conversation_opened_on_apply(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = published_gig(client, owner)
    talent = account(db)
    application = client.post(f"/api/gigs/{gig['id']}/apply", headers=talent.headers).json()
    before = db.execute("SELECT id FROM conversations WHERE gig_id = %s", (gig["id"],))
    client.patch(
        f"/api/applications/{application['id']}", json={"status": "accepted"}, headers=owner.headers
    )
    assert db.execute("SELECT id FROM conversations WHERE gig_id = %s", (gig["id"],)) == before
    assert len(before) == 1


@pytest.mark.parametrize("gig_status", ["completed", "cancelled"])
def test_settled_gigs_take_no_more_decisions(
    client: TestClient, db: Database, gig_status: str
) -> None:
    owner = account(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner.id, status=gig_status)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=f.make_user(db)["id"])
    assert_error(
        client.patch(
            f"/api/applications/{application['id']}",
            json={"status": "accepted"},
            headers=owner.headers,
        ),
        409,
        "gig_not_active",
    )
