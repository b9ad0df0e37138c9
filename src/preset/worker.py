"""The background worker: scheduled jobs and the domain-events outbox (PRODUCT_RULES §9).

Events are written by the request's own transaction; the worker claims pending ones with
`FOR UPDATE SKIP LOCKED` (several workers never take the same event), runs the handler for each
in a savepoint, and marks it processed in the same transaction. A handler that fails is retried
later with a growing delay; a worker that crashes mid-batch loses nothing, because its claim
rolls back with it. Handlers are idempotent, so at-least-once delivery is safe.

Every job runs as `service_role` (the platform), on the owner connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import psycopg
from psycopg.rows import dict_row

from preset.gigs.tasks import notify_gig_cancelled

Handler = Callable[[psycopg.Connection[Any], dict[str, Any]], object]

#: Event type → handler. Events of other types need no background work and are marked processed.
HANDLERS: Final[dict[str, Handler]] = {
    "gig.cancelled": notify_gig_cancelled,
}
#: After this many failed attempts an event stays pending for an operator to look at.
MAX_ATTEMPTS: Final = 10
BATCH_SIZE: Final = 100
#: Retry delay after the n-th failure: base * 2^(n-1), capped.
RETRY_BASE: Final = timedelta(seconds=5)
RETRY_CAP: Final = timedelta(hours=1)

_CLAIM_SQL = """
SELECT id, event_type, aggregate_type, aggregate_id, actor_user_id, payload, occurred_at, attempts
  FROM domain_events
 WHERE processed_at IS NULL AND available_at <= now() AND attempts < %s
 ORDER BY occurred_at, id
 LIMIT %s
   FOR UPDATE SKIP LOCKED
"""
_DONE_SQL = """
UPDATE domain_events SET processed_at = now(), attempts = attempts + 1, last_error = NULL
 WHERE id = %s
"""
_FAILED_SQL = """
UPDATE domain_events
   SET attempts = attempts + 1, last_error = %s, available_at = now() + %s
 WHERE id = %s
"""


@dataclass
class BatchResult:
    processed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts_so_far: int) -> timedelta:
    """The wait before the next try, after ``attempts_so_far + 1`` failures."""
    delay: timedelta = RETRY_BASE * 2 ** min(attempts_so_far, 20)
    return min(delay, RETRY_CAP)


def _as_service(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "SELECT set_config('role', 'service_role', true), "
        "set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true)"
    )


def process_pending_events(
    conn: psycopg.Connection[Any], *, batch_size: int = BATCH_SIZE
) -> BatchResult:
    """Claim and handle one batch of pending events in one transaction."""
    result = BatchResult()
    with conn.transaction():
        _as_service(conn)
        with conn.cursor(row_factory=dict_row) as cur:
            events = cur.execute(_CLAIM_SQL, (MAX_ATTEMPTS, batch_size)).fetchall()
        for event in events:
            handler = HANDLERS.get(event["event_type"])
            try:
                with conn.transaction():
                    if handler is not None:
                        handler(conn, event)
            except psycopg.Error as exc:
                message = f"{event['event_type']} {event['id']}: {exc}"
                result.failed += 1
                result.errors.append(message)
                conn.execute(
                    _FAILED_SQL, (str(exc)[:2000], retry_delay(event["attempts"]), event["id"])
                )
                continue
            conn.execute(_DONE_SQL, (event["id"],))
            result.processed += 1
    return result


def _close_expired_gigs(conn: psycopg.Connection[Any]) -> list[Any]:
    # Interim: the async worker replaces this with gigs.service.close_expired_gigs.
    from preset.events import record_event_sync

    closed = conn.execute(
        "UPDATE gigs SET status = 'closed', closed_at = now() WHERE status = 'published' "
        "AND application_deadline IS NOT NULL AND application_deadline <= now() RETURNING id"
    ).fetchall()
    for (gig_id,) in closed:
        record_event_sync(
            conn,
            "gig.closed",
            "gig",
            gig_id,
            None,
            {"from": "published", "to": "closed", "reason": "deadline_passed"},
        )
    return closed


def run_scheduled_jobs(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """The periodic jobs: close gigs whose application deadline has passed (§3)."""
    with conn.transaction():
        _as_service(conn)
        closed = _close_expired_gigs(conn)
    return {"gigs_closed": len(closed)}


def run_once(database_url: str) -> tuple[dict[str, int], BatchResult]:
    """One pass: scheduled jobs, then events until none are pending."""
    with psycopg.connect(database_url, options="-c search_path=public,extensions") as conn:
        jobs = run_scheduled_jobs(conn)
        total = BatchResult()
        while True:
            batch = process_pending_events(conn)
            total.processed += batch.processed
            total.failed += batch.failed
            total.errors += batch.errors
            if batch.processed + batch.failed == 0 or batch.failed:
                break
    return jobs, total


def run_forever(database_url: str, *, interval_seconds: float, log: Callable[[str], None]) -> None:
    """Poll until interrupted."""
    while True:
        jobs, events = run_once(database_url)
        if jobs["gigs_closed"] or events.processed or events.failed:
            log(
                f"closed {jobs['gigs_closed']} gigs, processed {events.processed} events, "
                f"{events.failed} failed"
            )
        for error in events.errors:
            log(f"event failed: {error}")
        time.sleep(interval_seconds)
