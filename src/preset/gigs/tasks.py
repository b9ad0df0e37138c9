"""Background handlers of the gigs domain (run by the worker as service_role, after commit).

Handlers are idempotent: a notification is unique per (user, source event, type), so running a
handler twice for one event (at-least-once delivery) writes nothing new.
"""

from __future__ import annotations

import uuid
from typing import Final

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.kit import AnyConnection
from preset.events import DomainEvent

GIG_CANCELLED_NOTIFICATION: Final = "gig.cancelled"

_INSERT_NOTIFICATION = """
INSERT INTO notifications (user_id, type, title, body, data, source_event_id)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT ON CONSTRAINT notifications_once_per_event DO NOTHING
"""


async def notify_gig_cancelled(conn: AnyConnection, event: DomainEvent) -> int:
    """§3: "applicants are notified" when a gig is cancelled. ``event`` is the `gig.cancelled`
    domain event; returns how many notifications were written now."""
    if event.event_type != "gig.cancelled":
        raise ValueError(f"not a gig.cancelled event: {event.event_type}")
    written = 0
    for user_id in event.payload.get("notify_user_ids", []):
        written += await kit.execute(
            conn,
            _INSERT_NOTIFICATION,
            (
                uuid.UUID(user_id),
                GIG_CANCELLED_NOTIFICATION,
                "A gig you applied to was cancelled",
                "The owner cancelled the gig; your application is closed.",
                Jsonb({"gig_id": str(event.aggregate_id)}),
                event.id,
            ),
        )
    return written
