"""The gig lifecycle of PRODUCT_RULES §3, every row allowed and refused, through HTTP; the
conditions of each row; the database guard behind it; the automatic close."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from preset.constants import GIG_STATUSES, GIG_TRANSITIONS
from preset.events import DomainEvent
from preset.gigs.service import close_expired_gigs
from preset.gigs.tasks import notify_gig_cancelled
from tests.gigs.helpers import Account, account, create_gig, event_rows, events_of, published_gig
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

NOW = datetime.now(UTC)
EVENT_OF = {
    "publish": "gig.published",
    "close": "gig.closed",
    "reopen": "gig.reopened",
    "complete": "gig.completed",
    "cancel": "gig.cancelled",
}


async def _as_service_async(db: Database, job: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run ``job`` on an async connection in a service_role transaction (as the worker does)."""
    async with await psycopg.AsyncConnection.connect(
        db.url, options="-c search_path=public,extensions", row_factory=dict_row
    ) as conn:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('role', 'service_role', true), "
                "set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true)"
            )
            return await job(conn)


def _gig_in(db: Database, owner: Account, status: str, action: str) -> dict[str, Any]:
    """A gig in ``status`` that meets every condition of ``action`` except the status itself."""
    start = NOW - timedelta(days=1) if action == "complete" else NOW + timedelta(days=10)
    gig = f.make_gig(
        db,
        owner_user_id=owner.id,
        status=status,
        start_time=start,
        application_deadline=NOW + timedelta(days=5) if action != "complete" else None,
    )
    if action == "complete":
        f.make_application(
            db, gig_id=gig["id"], applicant_user_id=f.make_user(db)["id"], status="accepted"
        )
    return gig


@pytest.mark.parametrize("action", list(GIG_TRANSITIONS))
def test_every_row_of_the_lifecycle_table(client: TestClient, db: Database, action: str) -> None:
    owner = account(db, role="contributor", tier="pro")
    from_statuses, to_status = GIG_TRANSITIONS[action]
    for status in GIG_STATUSES:
        gig = _gig_in(db, owner, status, action)
        response = client.post(f"/api/gigs/{gig['id']}/{action}", headers=owner.headers)
        stored = db.execute("SELECT status FROM gigs WHERE id = %s", (gig["id"],))[0]["status"]
        if status in from_statuses:
            assert response.status_code == 200, (status, response.text)
            assert response.json()["status"] == to_status
            assert stored == to_status
            assert events_of(db, gig["id"]) == [EVENT_OF[action]]
        else:
            error = assert_error(response, 409, "invalid_transition")
            assert error["details"] == {"action": action, "from": status, "to": to_status}
            assert stored == status
            assert events_of(db, gig["id"]) == []


def test_the_database_guard_allows_exactly_the_same_transitions(db: Database) -> None:
    allowed = {(s, to) for froms, to in GIG_TRANSITIONS.values() for s in froms}
    rows = db.execute(
        "SELECT a AS from_status, b AS to_status, public.gig_transition_allowed(a, b) AS ok "
        "FROM unnest(%(s)s::text[]) a, unnest(%(s)s::text[]) b WHERE a <> b",
        {"s": list(GIG_STATUSES)},
    )
    assert {(r["from_status"], r["to_status"]) for r in rows if r["ok"]} == allowed


@pytest.mark.parametrize(
    ("status", "to"), [("completed", "published"), ("cancelled", "draft"), ("draft", "closed")]
)
def test_the_database_refuses_a_transition_outside_the_table(
    db: Database, status: str, to: str
) -> None:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"], status=status)
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        with db.as_user(owner["id"]) as conn:
            conn.execute("UPDATE gigs SET status = %s WHERE id = %s", (to, gig["id"]))
    assert caught.value.diag.constraint_name == "gigs_status_transition"


# ===================================================================== publish
def test_publishing_needs_a_valid_gig_starting_in_the_future(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    past = f.make_gig(
        db, owner_user_id=owner.id, status="draft", start_time=NOW - timedelta(hours=1)
    )
    error = assert_error(
        client.post(f"/api/gigs/{past['id']}/publish", headers=owner.headers), 422, "invalid_gig"
    )
    assert {d["field"] for d in error["details"]} == {"start_time"}
    unscheduled = create_gig(
        client,
        owner,
        start_time=None,
        end_time=None,
        application_deadline=None,
        looking_for_types=[],
    )
    error = assert_error(
        client.post(f"/api/gigs/{unscheduled['id']}/publish", headers=owner.headers),
        422,
        "invalid_gig",
    )
    assert {d["field"] for d in error["details"]} == {"start_time", "end_time", "looking_for_types"}
    late = f.make_gig(
        db, owner_user_id=owner.id, status="draft", application_deadline=NOW - timedelta(hours=1)
    )
    error = assert_error(
        client.post(f"/api/gigs/{late['id']}/publish", headers=owner.headers), 422, "invalid_gig"
    )
    assert {d["field"] for d in error["details"]} == {"application_deadline"}


def test_a_free_contributor_publishes_two_gigs_per_calendar_month(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="free")
    # Published last month: does not count.
    f.make_gig(db, owner_user_id=owner.id, published_at=NOW.replace(day=1) - timedelta(days=3))
    first = published_gig(client, owner)
    published_gig(client, owner)
    third = create_gig(client, owner)
    response = client.post(f"/api/gigs/{third['id']}/publish", headers=owner.headers)
    error = assert_error(response, 402, "subscription_limit_exceeded")
    body = response.json()
    assert (body["limit"], body["current_tier"], body["required_tier"]) == (2, "free", "plus")
    assert error["details"]["used"] == 2
    # Closing and reopening a gig published this month does not spend the quota again.
    assert client.post(f"/api/gigs/{first['id']}/close", headers=owner.headers).status_code == 200
    assert client.post(f"/api/gigs/{first['id']}/reopen", headers=owner.headers).status_code == 200
    plus = account(db, role="contributor", tier="plus")
    for _ in range(3):
        published_gig(client, plus)


def test_publishing_rechecks_the_tier_caps(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="free")
    # Written when the owner was on pro (the factory writes as the platform).
    big = f.make_gig(db, owner_user_id=owner.id, status="draft", max_applicants=40)
    response = client.post(f"/api/gigs/{big['id']}/publish", headers=owner.headers)
    assert_error(response, 402, "subscription_limit_exceeded")
    boosted = f.make_gig(
        db, owner_user_id=owner.id, status="draft", boost_level=2, max_applicants=5
    )
    response = client.post(f"/api/gigs/{boosted['id']}/publish", headers=owner.headers)
    assert_error(response, 402, "subscription_limit_exceeded")
    assert response.json()["required_tier"] == "pro"


# ===================================================================== reopen, complete
def test_reopening_needs_the_deadline_ahead(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = f.make_gig(
        db, owner_user_id=owner.id, status="closed", application_deadline=NOW - timedelta(hours=1)
    )
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/reopen", headers=owner.headers), 409, "deadline_passed"
    )
    open_ended = f.make_gig(db, owner_user_id=owner.id, status="closed")
    assert (
        client.post(f"/api/gigs/{open_ended['id']}/reopen", headers=owner.headers).status_code
        == 200
    )


def test_completing_needs_a_started_shoot_and_an_accepted_application(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    future = f.make_gig(db, owner_user_id=owner.id, status="closed")
    f.make_application(
        db, gig_id=future["id"], applicant_user_id=f.make_user(db)["id"], status="accepted"
    )
    assert_error(
        client.post(f"/api/gigs/{future['id']}/complete", headers=owner.headers),
        409,
        "gig_not_started",
    )
    started = f.make_gig(
        db, owner_user_id=owner.id, status="published", start_time=NOW - timedelta(hours=2)
    )
    f.make_application(
        db, gig_id=started["id"], applicant_user_id=f.make_user(db)["id"], status="shortlisted"
    )
    assert_error(
        client.post(f"/api/gigs/{started['id']}/complete", headers=owner.headers),
        409,
        "no_accepted_application",
    )


# ===================================================================== cancel
def test_cancelling_declines_open_applications_and_notifies_applicants(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner.id, status="published")
    applicants = {
        s: f.make_user(db)["id"] for s in ("pending", "shortlisted", "accepted", "withdrawn")
    }
    applications = {
        s: f.make_application(db, gig_id=gig["id"], applicant_user_id=u, status=s)["id"]
        for s, u in applicants.items()
    }
    response = client.post(f"/api/gigs/{gig['id']}/cancel", headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["cancelled_at"] is not None
    rows = {
        r["id"]: r
        for r in db.execute(
            "SELECT id, status, reviewed_by FROM applications WHERE gig_id = %s", (gig["id"],)
        )
    }
    assert rows[applications["pending"]]["status"] == "declined"
    assert rows[applications["shortlisted"]]["status"] == "declined"
    assert rows[applications["pending"]]["reviewed_by"] == owner.id
    assert rows[applications["accepted"]]["status"] == "accepted"
    assert rows[applications["withdrawn"]]["status"] == "withdrawn"
    declined_events = event_rows(db, "application.declined")
    assert {e["aggregate_id"] for e in declined_events} == {
        applications["pending"],
        applications["shortlisted"],
    }
    assert all(e["payload"]["reason"] == "gig_cancelled" for e in declined_events)
    [cancelled] = event_rows(db, "gig.cancelled")
    expected = {str(applicants[s]) for s in ("pending", "shortlisted", "accepted")}
    assert set(cancelled["payload"]["notify_user_ids"]) == expected

    # The notifications job (service role, after commit) writes one row per applicant, once.
    event = DomainEvent(**{k.name: cancelled[k.name] for k in dataclasses.fields(DomainEvent)})
    for _ in range(2):
        asyncio.run(_as_service_async(db, lambda conn: notify_gig_cancelled(conn, event)))
    notified = db.execute(
        "SELECT user_id, type, source_event_id FROM notifications WHERE type = 'gig.cancelled'"
    )
    assert {str(n["user_id"]) for n in notified} == expected
    assert len(notified) == 3
    assert {n["source_event_id"] for n in notified} == {cancelled["id"]}


def test_an_admin_may_cancel_anyone_else_may_not(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    admin = account(db, role="admin")
    other = account(db, role="contributor")
    gig = published_gig(client, owner)
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/cancel", headers=other.headers), 403, "not_gig_owner"
    )
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/close", headers=admin.headers), 403, "not_gig_owner"
    )
    assert_error(client.post(f"/api/gigs/{gig['id']}/cancel"), 401, "unauthorized")
    response = client.post(f"/api/gigs/{gig['id']}/cancel", headers=admin.headers)
    assert response.json()["status"] == "cancelled"
    [event] = event_rows(db, "gig.cancelled")
    assert event["actor_user_id"] == admin.id


@pytest.mark.parametrize("action", list(GIG_TRANSITIONS))
def test_strangers_cannot_move_someone_elses_gig(
    client: TestClient, db: Database, action: str
) -> None:
    owner = account(db, role="contributor")
    talent = account(db)
    gig = published_gig(client, owner)
    assert_error(
        client.post(f"/api/gigs/{gig['id']}/{action}", headers=talent.headers), 403, "not_gig_owner"
    )
    draft = create_gig(client, owner)
    assert_error(
        client.post(f"/api/gigs/{draft['id']}/{action}", headers=talent.headers),
        404,
        "gig_not_found",
    )


# ===================================================================== automatic close
def test_close_expired_gigs_closes_published_gigs_past_their_deadline(db: Database) -> None:
    owner = f.make_user(db, role="contributor")
    expired = f.make_gig(
        db, owner_user_id=owner["id"], application_deadline=NOW - timedelta(minutes=1)
    )
    ongoing = f.make_gig(
        db, owner_user_id=owner["id"], application_deadline=NOW + timedelta(days=1)
    )
    no_deadline = f.make_gig(db, owner_user_id=owner["id"])
    draft = f.make_gig(
        db, owner_user_id=owner["id"], status="draft", application_deadline=NOW - timedelta(days=1)
    )
    closed = asyncio.run(_as_service_async(db, close_expired_gigs))
    assert [g.id for g in closed] == [expired["id"]]
    statuses = {
        r["id"]: r["status"]
        for r in db.execute("SELECT id, status FROM gigs WHERE owner_user_id = %s", (owner["id"],))
    }
    assert statuses == {
        expired["id"]: "closed",
        ongoing["id"]: "published",
        no_deadline["id"]: "published",
        draft["id"]: "draft",
    }
    [event] = event_rows(db, "gig.closed")
    assert (event["aggregate_id"], event["actor_user_id"]) == (expired["id"], None)
    assert event["payload"]["reason"] == "deadline_passed"
    assert asyncio.run(_as_service_async(db, close_expired_gigs)) == []
