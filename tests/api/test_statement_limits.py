"""Every mode's transaction runs under the settings' statement limits, set per transaction (or
per session on the pinned anon pool), never on a role; the worker's pool sets none."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from preset.auth.tokens import decode_access_token
from preset.db import kit
from preset.db.session import (
    caller_transaction,
    read_all_as_anon,
    read_one_as_user,
    service_transaction,
)
from preset.settings import DatabaseSettings, Settings
from preset.worker import create_worker_pool
from tests.support.api import SmtpServer, api_client, app_settings_for, signup
from tests.support.database import Database


@dataclass(frozen=True)
class Limits:
    statement_timeout: str
    idle: str


SET = Limits("1234ms", "5678ms")
UNSET = Limits("0", "0")
LIMITS = (
    "SELECT current_setting('statement_timeout') AS statement_timeout, "
    "current_setting('idle_in_transaction_session_timeout') AS idle"
)


def _settings(db: Database, smtp: SmtpServer) -> Settings:
    settings = app_settings_for(db, smtp)
    return settings.model_copy(
        update={
            "db": settings.db.model_copy(
                update={"statement_timeout_ms": 1234, "idle_in_transaction_timeout_ms": 5678}
            )
        }
    )


def test_each_mode_runs_under_the_configured_limits(db: Database, smtp: SmtpServer) -> None:
    settings = _settings(db, smtp)
    with api_client(settings) as client:
        claims = decode_access_token(settings.auth, signup(client)["access_token"])
        pool = client.app.state.pool  # type: ignore[attr-defined]
        anon_pool = client.app.state.anon_pool  # type: ignore[attr-defined]

        async def run() -> list[Limits | None]:
            seen: list[Limits | None] = []
            for who in (None, claims):
                async with caller_transaction(pool, who) as ctx:
                    seen.append(await kit.fetch_one(ctx.conn, Limits, LIMITS))
            seen.append(await read_one_as_user(pool, claims, Limits, LIMITS))
            seen += await read_all_as_anon(anon_pool, Limits, LIMITS)
            async with service_transaction(pool, uuid.uuid4()) as conn:
                seen.append(await kit.fetch_one(conn, Limits, LIMITS))
            # Outside any mode the session keeps the server's own values (set locally only).
            async with pool.connection() as conn:
                seen.append(await kit.fetch_one(conn, Limits, LIMITS))
            return seen

        assert client.portal is not None
        seen = client.portal.call(run)
    assert seen[:5] == [SET] * 5, seen
    assert seen[5] == UNSET, seen


def test_the_worker_pool_sets_no_limits(db: Database) -> None:
    async def run() -> Limits | None:
        pool = create_worker_pool(db.url)
        await pool.open(wait=True)
        try:
            async with service_transaction(pool) as conn:
                return await kit.fetch_one(conn, Limits, LIMITS)
        finally:
            await pool.close()

    assert asyncio.run(run()) == UNSET


def test_settings_default_to_bounded_limits() -> None:
    fields = DatabaseSettings.model_fields
    assert fields["statement_timeout_ms"].default == 5000
    assert fields["idle_in_transaction_timeout_ms"].default == 10_000
    assert fields["pool_timeout_seconds"].default == 2.0
    assert fields["reconnect_timeout_seconds"].default == 0.5
