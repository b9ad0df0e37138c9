"""The background worker: scheduled jobs and at-least-once delivery of domain events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from preset import worker
from tests.gigs.helpers import account
from tests.support import factories as f
from tests.support.database import Database


def _events(db: Database, event_type: str) -> list[dict[str, Any]]:
    return db.execute(
        "SELECT id, processed_at, attempts, last_error, available_at FROM domain_events "
        "WHERE event_type = %s",
        (event_type,),
    )


def test_cancelled_gig_notifies_applicants_once_through_the_worker(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner.id, status="published")
    applicants = [f.make_user(db)["id"] for _ in range(3)]
    for applicant in applicants:
        f.make_application(db, gig_id=gig["id"], applicant_user_id=applicant)
    response = client.post(f"/api/gigs/{gig['id']}/cancel", headers=owner.headers)
    assert response.status_code == 200, response.text
    [event] = _events(db, "gig.cancelled")
    assert event["processed_at"] is None

    jobs, result = worker.run_once(db.url)
    assert jobs == {"gigs_closed": 0}
    assert result.failed == 0
    assert result.processed >= 1  # gig.cancelled plus the application.declined events
    [event] = _events(db, "gig.cancelled")
    assert event["processed_at"] is not None and event["attempts"] == 1
    notified = db.execute("SELECT user_id FROM notifications WHERE type = 'gig.cancelled'")
    assert sorted(n["user_id"] for n in notified) == sorted(applicants)
    assert (
        db.execute("SELECT count(*) AS n FROM domain_events WHERE processed_at IS NULL")[0]["n"]
        == 0
    )

    # Delivered again (a crash between handling and marking): nothing is written twice.
    db.execute("UPDATE domain_events SET processed_at = NULL WHERE event_type = 'gig.cancelled'")
    _, again = worker.run_once(db.url)
    assert again.processed == 1
    assert len(db.execute("SELECT 1 FROM notifications WHERE type = 'gig.cancelled'")) == 3


def test_expired_gigs_are_closed_with_an_event(db: Database) -> None:
    owner = f.make_user(db, role="contributor")
    now = datetime.now(UTC)
    expired = f.make_gig(
        db, owner_user_id=owner["id"], application_deadline=now - timedelta(hours=1)
    )
    open_gig = f.make_gig(
        db, owner_user_id=owner["id"], application_deadline=now + timedelta(days=1)
    )
    jobs, _ = worker.run_once(db.url)
    assert jobs == {"gigs_closed": 1}
    statuses = {
        r["id"]: r["status"]
        for r in db.execute(
            "SELECT id, status FROM gigs WHERE id IN (%s, %s)", (expired["id"], open_gig["id"])
        )
    }
    assert statuses == {expired["id"]: "closed", open_gig["id"]: "published"}
    closed_events = db.execute(
        "SELECT aggregate_id FROM domain_events WHERE event_type = 'gig.closed'"
    )
    assert [e["aggregate_id"] for e in closed_events] == [expired["id"]]


def test_a_failing_handler_is_retried_later_and_others_still_run(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: psycopg.Connection[Any], event: dict[str, Any]) -> None:
        conn.execute("SELECT * FROM table_that_does_not_exist")

    monkeypatch.setitem(worker.HANDLERS, "test.broken", broken)
    for event_type in ("test.broken", "test.fine"):
        db.execute(
            "INSERT INTO domain_events (event_type, aggregate_type) VALUES (%s, 'test')",
            (event_type,),
        )
    _, result = worker.run_once(db.url)
    assert (result.processed, result.failed) == (1, 1)
    [failed] = _events(db, "test.broken")
    assert failed["processed_at"] is None and failed["attempts"] == 1
    assert "table_that_does_not_exist" in failed["last_error"]
    assert failed["available_at"] > datetime.now(UTC)  # backed off, not retried at once
    [fine] = _events(db, "test.fine")
    assert fine["processed_at"] is not None

    # Not yet due: the next pass leaves it alone.
    _, later = worker.run_once(db.url)
    assert (later.processed, later.failed) == (0, 0)


def test_retry_delay_grows_and_is_capped() -> None:
    assert worker.retry_delay(0) == worker.RETRY_BASE
    assert worker.retry_delay(1) == 2 * worker.RETRY_BASE
    assert worker.retry_delay(50) == worker.RETRY_CAP


def test_two_workers_never_take_the_same_event(db: Database) -> None:
    db.execute("INSERT INTO domain_events (event_type, aggregate_type) VALUES ('test.one', 'test')")
    with db.connect() as holder:
        # Another worker has claimed the event and is still working on it.
        claimed = holder.execute(
            "SELECT id FROM domain_events WHERE processed_at IS NULL FOR UPDATE SKIP LOCKED"
        ).fetchall()
        assert len(claimed) == 1
        with db.connect() as second:
            result = worker.process_pending_events(second)
        assert (result.processed, result.failed) == (0, 0)
        holder.rollback()
    _, result = worker.run_once(db.url)
    assert result.processed == 1
