"""The background worker: scheduled jobs and the domain-events outbox (PRODUCT_RULES §9).

Events are written by the request's own transaction. The worker takes them one at a time, each
in its own ``service_role`` transaction (``preset.db.session.service_transaction``, mode 4, on
an async pool of owner connections): it claims the oldest due event with ``FOR UPDATE SKIP
LOCKED`` (two workers never take the same one), runs its handler in a savepoint, and marks it
processed in the same transaction. A handler that fails is rolled back to the savepoint, and
the event is retried later with a growing delay, up to ``MAX_ATTEMPTS``. A worker that dies
mid-event loses nothing: the claim rolls back with its connection and the event is due again.
Handlers are idempotent, so at-least-once delivery is safe (docs/worker.md).

The loop wakes on ``NOTIFY preset_outbox`` (sent at commit by writers that someone waits on,
such as queued e-mails) and polls every ``poll_interval`` seconds otherwise.

The loop outlives the database: when it goes away the worker logs it once, waits with a capped
back-off (``RECONNECT_BACKOFF_CAP``), reconnects (the pool replaces its dead connections, the
listener is made again and LISTENs again), logs that it is back, and polls at once, so whatever
was written meanwhile is delivered without waiting for a NOTIFY that was never heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import psycopg
import structlog
from psycopg_pool import AsyncConnectionPool

from preset import constants as c
from preset.accounts import mails as account_mails
from preset.db import kit
from preset.db.session import Connection, Pool, service_transaction
from preset.events import WORKER_CHANNEL, DomainEvent
from preset.gigs.service import close_expired_gigs
from preset.gigs.tasks import notify_gig_cancelled
from preset.mail import Mailer, build_mailer
from preset.mail.outbox import MAIL_REQUESTED, MailDelivery, scrub_stale_secrets
from preset.settings import Settings

logger = structlog.get_logger("preset.worker")

#: A handler runs inside the event's transaction (in a savepoint) as service_role.
Handler = Callable[[Connection, DomainEvent], Awaitable[object]]

#: After this many failed attempts an event stays pending for an operator to look at.
MAX_ATTEMPTS: Final = 10
#: Events handled per pass before the loop looks at its scheduled jobs again.
BATCH_SIZE: Final = 100
#: Retry delay after the n-th failure: base * 2^(n-1), capped.
RETRY_BASE: Final = timedelta(seconds=5)
RETRY_CAP: Final = timedelta(hours=1)
#: Tokens of e-mails still unsent after this long have expired: their secrets are dropped.
MAIL_SECRET_MAX_AGE_SECONDS: Final = max(
    c.EMAIL_VERIFICATION_TTL_SECONDS, c.PASSWORD_RESET_TTL_SECONDS
)
APPLICATION_NAME: Final = "preset-worker"
#: While the database is unreachable: first wait before trying again, and the longest one.
RECONNECT_BACKOFF_FIRST: Final = 0.25
RECONNECT_BACKOFF_CAP: Final = 5.0
#: How long the worker's own requests wait for a pooled connection.
POOL_TIMEOUT_SECONDS: Final = 5.0

_CLAIM_SQL = f"""
SELECT {kit.columns(DomainEvent)}
  FROM domain_events
 WHERE processed_at IS NULL AND available_at <= now() AND attempts < %s
 ORDER BY occurred_at, id
 LIMIT 1
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

    def add(self, other: BatchResult) -> None:
        self.processed += other.processed
        self.failed += other.failed
        self.errors += other.errors


def retry_delay(attempts_so_far: int) -> timedelta:
    """The wait before the next try, after ``attempts_so_far + 1`` failures."""
    delay: timedelta = RETRY_BASE * 2 ** min(attempts_so_far, 20)
    return min(delay, RETRY_CAP)


def default_handlers(settings: Settings, mailer: Mailer | None = None) -> dict[str, Handler]:
    """Event type → handler. Events of other types need no background work and are marked
    processed."""
    return {
        "gig.cancelled": notify_gig_cancelled,
        MAIL_REQUESTED: MailDelivery(
            mailer or build_mailer(settings.mail), settings.mail, dict(account_mails.TEMPLATES)
        ),
    }


def create_worker_pool(database_url: str, *, max_size: int = 2) -> Pool:
    """An async pool of owner connections (autocommit: each mode opens its own transaction)."""
    pool: Pool = AsyncConnectionPool(
        database_url,
        min_size=1,
        max_size=max_size,
        kwargs={
            "autocommit": True,
            "options": "-c search_path=public,extensions",
            "application_name": APPLICATION_NAME,
            "connect_timeout": 2,
        },
        timeout=POOL_TIMEOUT_SECONDS,
        # A slot that cannot reconnect is given up quickly and made again on demand: no long
        # back-off inside the pool once the database is back (the loop has its own).
        reconnect_timeout=0.5,
        open=False,
        name=APPLICATION_NAME,
    )
    return pool


@dataclass
class Worker:
    pool: Pool
    handlers: Mapping[str, Handler]

    async def process_one_event(self) -> BatchResult | None:
        """Claim, handle and mark the oldest due event in one transaction; None when no event
        is due (or every due one is being handled by another worker)."""
        async with service_transaction(self.pool) as conn:
            event = await kit.fetch_one(conn, DomainEvent, _CLAIM_SQL, (MAX_ATTEMPTS,))
            if event is None:
                return None
            handler = self.handlers.get(event.event_type)
            try:
                async with conn.transaction():  # a savepoint: a failure undoes only the handler
                    if handler is not None:
                        await handler(conn, event)
            except Exception as exc:  # any failure of a handler is retried later
                message = f"{event.event_type} {event.id}: {type(exc).__name__}: {exc}"
                logger.warning("worker.event_failed", event_id=str(event.id), error=message)
                await kit.execute(
                    conn, _FAILED_SQL, (message[:2000], retry_delay(event.attempts), event.id)
                )
                return BatchResult(failed=1, errors=[message])
            await kit.execute(conn, _DONE_SQL, (event.id,))
            return BatchResult(processed=1)

    async def process_pending_events(
        self, *, limit: int = BATCH_SIZE, stop: asyncio.Event | None = None
    ) -> BatchResult:
        """Handle due events, one transaction each, until none is due, ``limit`` were tried or
        ``stop`` is set (the event in hand is finished first)."""
        total = BatchResult()
        for _ in range(limit):
            if stop is not None and stop.is_set():
                break
            outcome = await self.process_one_event()
            if outcome is None:
                break
            total.add(outcome)
        return total

    async def run_scheduled_jobs(self) -> dict[str, int]:
        """The periodic jobs: close gigs whose application deadline has passed (§3), drop the
        tokens of e-mails that never went out once they have expired."""
        async with service_transaction(self.pool) as conn:
            closed = await close_expired_gigs(conn)
            scrubbed = await scrub_stale_secrets(
                conn, older_than_seconds=MAIL_SECRET_MAX_AGE_SECONDS
            )
        return {"gigs_closed": len(closed), "mail_secrets_scrubbed": scrubbed}

    async def run_once(self) -> tuple[dict[str, int], BatchResult]:
        """One pass: scheduled jobs, then events until none is due."""
        jobs = await self.run_scheduled_jobs()
        total = BatchResult()
        while True:
            batch = await self.process_pending_events()
            total.add(batch)
            if batch.processed + batch.failed < BATCH_SIZE:
                break
        return jobs, total

    async def run_forever(
        self,
        database_url: str,
        *,
        jobs_interval: float,
        poll_interval: float,
        log: Callable[[str], None],
        stop: asyncio.Event,
    ) -> None:
        """Until ``stop`` is set: scheduled jobs every ``jobs_interval`` seconds, events as soon
        as a NOTIFY arrives or every ``poll_interval`` seconds."""
        listener: psycopg.AsyncConnection[Any] | None = None
        next_jobs = 0.0
        outage = _Outage(log)
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() >= next_jobs:
                        jobs = await self.run_scheduled_jobs()
                        next_jobs = time.monotonic() + jobs_interval
                        if any(jobs.values()):
                            log(", ".join(f"{name}: {n}" for name, n in jobs.items()))
                    events = await self.process_pending_events(stop=stop)
                    if events.processed or events.failed:
                        log(f"processed {events.processed} events, {events.failed} failed")
                    for error in events.errors:
                        log(f"event failed: {error}")
                    if events.processed + events.failed >= BATCH_SIZE:
                        continue  # more may be due: no waiting
                    if listener is None or listener.closed or listener.broken:
                        if listener is not None:
                            await listener.close()
                        listener = await _listen(database_url)
                        if outage.ended():
                            continue  # back: poll once more now that LISTEN holds again
                    await _wait_for_notify(listener, poll_interval)
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    # The database went away: the pool replaces its connections, the listener
                    # is made again (and LISTENs again) once it answers.
                    if listener is not None:
                        await listener.close()
                        listener = None
                    delay = outage.failed(exc)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
        finally:
            if listener is not None:
                await listener.close()


class _Outage:
    """The worker's view of a database outage: logged once when it starts and once when it
    ends, with a capped exponential back-off between attempts meanwhile."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self._attempts = 0
        self._since = 0.0

    def failed(self, exc: Exception) -> float:
        """Record a failed attempt; the seconds to wait before the next."""
        if self._attempts == 0:
            self._since = time.monotonic()
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self._log(f"database unavailable, retrying with back-off: {reason}")
        delay: float = min(RECONNECT_BACKOFF_FIRST * 2.0**self._attempts, RECONNECT_BACKOFF_CAP)
        self._attempts = min(self._attempts + 1, 32)
        return delay

    def ended(self) -> bool:
        """Whether an outage has just ended (logged as such)."""
        if self._attempts == 0:
            return False
        self._attempts = 0
        self._log(f"database reachable again after {time.monotonic() - self._since:.1f}s")
        return True


async def _listen(database_url: str) -> psycopg.AsyncConnection[Any]:
    conn = await psycopg.AsyncConnection.connect(
        database_url,
        autocommit=True,
        application_name=f"{APPLICATION_NAME}-listen",
        connect_timeout=2,
    )
    await conn.execute(f"LISTEN {WORKER_CHANNEL}")
    return conn


async def _wait_for_notify(listener: psycopg.AsyncConnection[Any], timeout: float) -> None:
    async for _ in listener.notifies(timeout=timeout, stop_after=1):
        pass


@asynccontextmanager
async def open_worker(
    database_url: str, settings: Settings, *, mailer: Mailer | None = None, wait: bool = True
) -> AsyncIterator[Worker]:
    """A worker on its own pool of owner connections, closed at the end. ``wait``: fail at once
    when the database cannot be reached (``--once``); otherwise the pool connects when it can
    and the loop waits for it."""
    pool = create_worker_pool(database_url)
    await pool.open(wait=wait, timeout=POOL_TIMEOUT_SECONDS)
    try:
        yield Worker(pool, default_handlers(settings, mailer))
    finally:
        await pool.close()


async def run_once(
    database_url: str, settings: Settings, *, mailer: Mailer | None = None
) -> tuple[dict[str, int], BatchResult]:
    """One pass of a fresh worker (``preset worker --once``, tests)."""
    async with open_worker(database_url, settings, mailer=mailer) as worker:
        return await worker.run_once()


async def run_forever(
    database_url: str,
    settings: Settings,
    *,
    jobs_interval: float,
    poll_interval: float,
    log: Callable[[str], None],
    stop: asyncio.Event,
) -> None:
    """``preset worker``: the loop, until ``stop`` is set."""
    async with open_worker(database_url, settings, wait=False) as worker:
        await worker.run_forever(
            database_url,
            jobs_interval=jobs_interval,
            poll_interval=poll_interval,
            log=log,
            stop=stop,
        )
