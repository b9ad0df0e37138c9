"""GET /health: the database answers and its schema is at the code's head revision."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi import APIRouter, Request

from preset.api.context import app_pool
from preset.api.errors import RETRY_AFTER_SECONDS, envelope, request_id_of
from preset.api.responses import OrjsonResponse
from preset.db import kit
from preset.db.session import caller_transaction

router = APIRouter(tags=["health"])


@router.get("/health", response_model=None)
async def health(request: Request) -> dict[str, Any] | OrjsonResponse:
    """Database reachable and migrations at head (503 otherwise)."""
    head: str = request.app.state.head_revision
    try:
        # The probe opens its mode itself (not through a dependency) so that an unreachable
        # database is its answer (503), not an error.
        async with caller_transaction(app_pool(request), None) as ctx:
            current = await kit.fetch_value(ctx.conn, "SELECT public.current_schema_revision()")
    except (psycopg.Error, TimeoutError) as exc:
        return envelope(
            503,
            "database_unreachable",
            "the database does not answer",
            request_id=request_id_of(request),
            details={"reason": type(exc).__name__},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if current != head:
        return envelope(
            503,
            "migrations_pending",
            "the database schema is not at the code's head revision",
            request_id=request_id_of(request),
            details={"current": current, "head": head},
        )
    return {
        "status": "ok",
        "database": "reachable",
        "migrations": {"current": current, "head": head},
    }
