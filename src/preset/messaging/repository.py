"""Conversation rows as the marketplace needs them: one per (gig, owner, applicant), opened when
the talent applies or the owner accepts (PRODUCT_RULES §5). Messaging itself comes later."""

from __future__ import annotations

import uuid

from preset.db import kit
from preset.db.session import Connection


async def find_conversation(
    conn: Connection, gig_id: uuid.UUID, owner_id: uuid.UUID, applicant_id: uuid.UUID
) -> uuid.UUID | None:
    found: uuid.UUID | None = await kit.fetch_value(
        conn,
        "SELECT id FROM conversations WHERE gig_id = %s AND participants @> ARRAY[%s, %s]::uuid[]",
        (gig_id, owner_id, applicant_id),
    )
    return found


async def open_conversation(
    conn: Connection, gig_id: uuid.UUID, owner_id: uuid.UUID, applicant_id: uuid.UUID
) -> tuple[uuid.UUID, bool]:
    """The gig's conversation between owner and applicant, created if missing; returns its id
    and whether this call created it. The unique index idx_conversations_gig_pair makes a
    concurrent second opening a no-op."""
    existing = await find_conversation(conn, gig_id, owner_id, applicant_id)
    if existing is not None:
        return existing, False
    created: uuid.UUID | None = await kit.fetch_value(
        conn,
        "INSERT INTO conversations (gig_id, participants) VALUES (%s, ARRAY[%s, %s]::uuid[]) "
        "ON CONFLICT DO NOTHING RETURNING id",
        (gig_id, owner_id, applicant_id),
    )
    if created is not None:
        return created, True
    found = await find_conversation(conn, gig_id, owner_id, applicant_id)
    assert found is not None
    return found, False
