"""The domain-events outbox writer (PRODUCT_RULES §9 "Domain events").

Every state change writes one ``domain_events`` row in the same transaction as the change, so
the event exists exactly when the change committed. Workers consume the rows after commit, at
least once, with idempotent handlers. Request transactions insert as the acting user (policy
"Users can record own events": ``actor_user_id`` must be the caller); the platform's own jobs
insert as ``service_role`` with ``actor_user_id`` NULL.
"""

from __future__ import annotations

import uuid
from typing import Any

from psycopg import AsyncConnection, Connection
from psycopg.types.json import Jsonb

INSERT_EVENT_SQL = """
INSERT INTO domain_events (event_type, aggregate_type, aggregate_id, actor_user_id, payload)
VALUES (%s, %s, %s, %s, %s)
"""


def _params(
    event_type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID | None,
    actor_user_id: uuid.UUID | None,
    payload: dict[str, Any] | None,
) -> tuple[Any, ...]:
    return (event_type, aggregate_type, aggregate_id, actor_user_id, Jsonb(payload or {}))


async def record_event(
    conn: AsyncConnection[Any],
    event_type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID | None,
    actor_user_id: uuid.UUID | None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one event to the outbox inside the caller's open transaction (never commits).

    No RETURNING: the authenticated role may insert events but not read them back.
    """
    await conn.execute(
        INSERT_EVENT_SQL,
        _params(event_type, aggregate_type, aggregate_id, actor_user_id, payload),
    )


def record_event_sync(
    conn: Connection[Any],
    event_type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID | None,
    actor_user_id: uuid.UUID | None,
    payload: dict[str, Any] | None = None,
) -> None:
    """The same, on a synchronous connection (CLI, worker jobs)."""
    conn.execute(
        INSERT_EVENT_SQL,
        _params(event_type, aggregate_type, aggregate_id, actor_user_id, payload),
    )
