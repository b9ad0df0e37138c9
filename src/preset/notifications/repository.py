"""Every query of the notifications domain (written by the platform's background handlers)."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb

from preset.db import kit
from preset.db.kit import AnyConnection


async def notify_once(
    conn: AnyConnection,
    *,
    user_id: uuid.UUID,
    kind: str,
    title: str,
    body: str,
    data: dict[str, Any],
    source_event_id: uuid.UUID,
) -> bool:
    """One notification per (user, source event, type): a handler run twice for one event
    (at-least-once delivery) writes nothing new. True when it was written now."""
    written = await kit.execute(
        conn,
        """
        INSERT INTO notifications (user_id, type, title, body, data, source_event_id)
        VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT ON CONSTRAINT notifications_once_per_event DO NOTHING
        """,
        (user_id, kind, title, body, Jsonb(data), source_event_id),
    )
    return written > 0
