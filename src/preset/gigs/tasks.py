"""Background handlers of the gigs domain (run by the worker as service_role, after commit).

Handlers are idempotent: a notification is unique per (user, source event, type), so running a
handler twice for one event (at-least-once delivery) writes nothing new.
"""

from __future__ import annotations

import uuid
from typing import Final

from preset.db.kit import AnyConnection
from preset.events import DomainEvent
from preset.notifications import repository as notifications

GIG_CANCELLED_NOTIFICATION: Final = "gig.cancelled"


async def notify_gig_cancelled(conn: AnyConnection, event: DomainEvent) -> int:
    """§3: "applicants are notified" when a gig is cancelled. ``event`` is the `gig.cancelled`
    domain event; returns how many notifications were written now."""
    if event.event_type != "gig.cancelled":
        raise ValueError(f"not a gig.cancelled event: {event.event_type}")
    written = 0
    for user_id in event.payload.get("notify_user_ids", []):
        written += await notifications.notify_once(
            conn,
            user_id=uuid.UUID(user_id),
            kind=GIG_CANCELLED_NOTIFICATION,
            title="A gig you applied to was cancelled",
            body="The owner cancelled the gig; your application is closed.",
            data={"gig_id": str(event.aggregate_id)},
            source_event_id=event.id,
        )
    return written
