"""The background worker: scheduled jobs and at-least-once delivery of domain events."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from preset import worker
from preset.cli import app
from preset.db import kit
from preset.db.session import Connection
from preset.events import DomainEvent
from preset.settings import Settings
from tests.gigs.helpers import account
from tests.support import factories as f
from tests.support.api import SmtpServer, app_settings_for, signup
from tests.support.database import Database
from tests.support.worker import run_worker


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

    jobs, result = run_worker(db)
    assert jobs == {"gigs_closed": 0, "mail_secrets_scrubbed": 0}
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
    _, again = run_worker(db)
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
    jobs, _ = run_worker(db)
    assert jobs["gigs_closed"] == 1
    statuses = {
        r["id"]: r["status"]
        for r in db.execute(
            "SELECT id, status FROM gigs WHERE id IN (%s, %s)", (expired["id"], open_gig["id"])
        )
    }
    assert statuses == {expired["id"]: "closed", open_gig["id"]: "published"}
    closed_events = db.execute(
        "SELECT aggregate_id, actor_user_id FROM domain_events WHERE event_type = 'gig.closed'"
    )
    assert closed_events == [{"aggregate_id": expired["id"], "actor_user_id": None}]
    # The scheduled job ran as the platform: the audit trail says service_role.
    [audit] = db.execute(
        "SELECT actor_role FROM audit_logs WHERE table_name = 'gigs' AND operation = 'UPDATE' "
        "AND row_id = %s",
        (str(expired["id"]),),
    )
    assert audit["actor_role"] == "service_role"


def _settings(db: Database) -> Settings:
    return app_settings_for(db, None)


def test_a_failing_handler_is_retried_later_and_others_still_run(db: Database) -> None:
    async def broken(conn: Connection, event: DomainEvent) -> None:
        # Writes something first: the savepoint must undo it.
        await kit.execute(conn, "UPDATE gigs SET title = 'half done'")
        await kit.execute(conn, "SELECT * FROM table_that_does_not_exist")

    async def fails_outside_sql(conn: Connection, event: DomainEvent) -> None:
        raise ConnectionRefusedError("smtp server down")

    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"])
    for event_type in ("test.broken", "test.refused", "test.fine"):
        db.execute(
            "INSERT INTO domain_events (event_type, aggregate_type) VALUES (%s, 'test')",
            (event_type,),
        )

    async def run() -> tuple[worker.BatchResult, worker.BatchResult]:
        async with worker.open_worker(db.url, _settings(db)) as w:
            w.handlers = {**w.handlers, "test.broken": broken, "test.refused": fails_outside_sql}
            _, first = await w.run_once()
            _, later = await w.run_once()
            return first, later

    result, later = asyncio.run(run())
    assert (result.processed, result.failed) == (1, 2)
    [failed] = _events(db, "test.broken")
    assert failed["processed_at"] is None and failed["attempts"] == 1
    assert "table_that_does_not_exist" in failed["last_error"]
    assert failed["available_at"] > datetime.now(UTC)  # backed off, not retried at once
    [refused] = _events(db, "test.refused")
    assert refused["attempts"] == 1 and "smtp server down" in refused["last_error"]
    [fine] = _events(db, "test.fine")
    assert fine["processed_at"] is not None
    assert db.execute("SELECT title FROM gigs WHERE id = %s", (gig["id"],)) == [
        {"title": gig["title"]}
    ]
    # Not yet due: the next pass leaves them alone.
    assert (later.processed, later.failed) == (0, 0)


def test_an_event_that_failed_too_often_stays_for_an_operator(db: Database) -> None:
    db.execute(
        "INSERT INTO domain_events (event_type, aggregate_type, attempts) "
        "VALUES ('test.stuck', 'test', %s)",
        (worker.MAX_ATTEMPTS,),
    )
    _, result = run_worker(db)
    assert (result.processed, result.failed) == (0, 0)
    [stuck] = _events(db, "test.stuck")
    assert stuck["processed_at"] is None


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
        _, result = run_worker(db)
        assert (result.processed, result.failed) == (0, 0)
        holder.rollback()
    _, result = run_worker(db)
    assert result.processed == 1


def test_the_worker_loop_wakes_on_notify_and_stops_on_request(db: Database) -> None:
    """A queued event is handled long before the next poll: the NOTIFY woke the loop."""
    lines: list[str] = []

    async def run() -> float:
        stop = asyncio.Event()
        loop_task = asyncio.create_task(
            worker.run_forever(
                db.url,
                _settings(db),
                jobs_interval=3600,
                poll_interval=30,
                log=lines.append,
                stop=stop,
            )
        )
        await asyncio.sleep(1.0)  # the loop is waiting on its listener by now
        started = asyncio.get_running_loop().time()
        await asyncio.to_thread(
            db.execute,
            "INSERT INTO domain_events (event_type, aggregate_type) VALUES ('test.wake', 'test'); "
            "SELECT pg_notify('preset_outbox', '')",
        )
        while not _events(db, "test.wake")[0]["processed_at"]:
            await asyncio.sleep(0.05)
            assert asyncio.get_running_loop().time() - started < 10, lines
        waited = asyncio.get_running_loop().time() - started
        stop.set()
        # Stops within one wait: notify it so the wait ends now.
        await asyncio.to_thread(db.execute, "SELECT pg_notify('preset_outbox', '')")
        await asyncio.wait_for(loop_task, timeout=10)
        return waited

    waited = asyncio.run(run())
    assert waited < 5, waited  # the poll interval is 30 s
    assert any("processed 1 events" in line for line in lines), lines


def test_preset_worker_once_sends_queued_mail_and_reports(
    client: TestClient, db: Database, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = f"cli_{uuid.uuid4().hex[:8]}@example.com"
    signup(client, email=email)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("PRESET_ENV", "test")
    monkeypatch.setenv("PRESET_MAIL_SMTP_HOST", smtp.host)
    monkeypatch.setenv("PRESET_MAIL_SMTP_PORT", str(smtp.port))
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "processed 1 events, 0 failed" in result.output
    assert len(smtp.mailbox.to(email)) == 1
    again = CliRunner().invoke(app, ["worker", "--once"])
    assert "processed 0 events" in again.output
    assert len(smtp.mailbox.to(email)) == 1
