"""The domain-events outbox (PRODUCT_RULES §9 "Domain events"): the writer and the row type.

Every state change writes one ``domain_events`` row in the same transaction as the change, so
the event exists exactly when the change committed. The worker (``preset.worker``) consumes the
rows after commit, at least once, with idempotent handlers. Request transactions insert as the
acting user (policy "Users can record own events": ``actor_user_id`` must be the caller); the
platform's own jobs insert as ``service_role``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.kit import AnyConnection

#: The channel the worker LISTENs on; :func:`wake_workers` notifies it (delivered at commit).
WORKER_CHANNEL: Final = "preset_outbox"

INSERT_EVENT_SQL = """
INSERT INTO domain_events (id, event_type, aggregate_type, aggregate_id, actor_user_id, payload)
VALUES (%s, %s, %s, %s, %s, %s)
"""


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """A ``domain_events`` row as the worker claims it."""

    id: uuid.UUID
    event_type: str
    aggregate_type: str
    aggregate_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    payload: dict[str, Any]
    occurred_at: datetime
    attempts: int


async def record_event(
    conn: AnyConnection,
    event_type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID | None,
    actor_user_id: uuid.UUID | None,
    payload: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Append one event to the outbox inside the caller's open transaction (never commits);
    returns its id.

    The id is made here rather than returned by the database: the authenticated role may insert
    events but not read them back, so there is no RETURNING.
    """
    event_id = uuid.uuid4()
    await kit.execute(
        conn,
        INSERT_EVENT_SQL,
        (event_id, event_type, aggregate_type, aggregate_id, actor_user_id, Jsonb(payload or {})),
    )
    return event_id


async def wake_workers(conn: AnyConnection) -> None:
    """Ask listening workers to look at the outbox now (sent when the transaction commits, and
    not at all if it rolls back), instead of at their next poll: for events someone waits on."""
    await kit.execute(conn, "SELECT pg_notify(%s, '')", (WORKER_CHANNEL,))
