"""The request path: one dependency owns each request's transaction.

It takes a pooled connection (as the `authenticator` login role), begins, switches to `anon` or
`authenticated` with the caller's claims set transaction-locally in one round trip (exactly as
Supabase's API layer does), hands the connection to the endpoint, and commits or rolls back at
the end. Services and repositories never commit. Because both settings are transaction-local,
nothing of one request survives into the next on the same pooled connection.

Service-role work (signup, login bookkeeping, refresh tokens) runs in transactions opened by
:class:`ServiceTransactions` on the same pool, never with a user's token.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
import psycopg
from fastapi import Depends, Request
from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg_pool import AsyncConnectionPool

from preset.auth.constants import ANON_ROLE, AUTHENTICATED_ROLE, SERVICE_ROLE
from preset.auth.tokens import AccessClaims, decode_access_token
from preset.errors import Unauthorized
from preset.settings import Settings

Connection = AsyncConnection[DictRow]

# One statement, one round trip: role and claims, and (for users) the account's state, so a
# suspended or banned user's unexpired token stops working at once. Target-list expressions are
# evaluated left to right, so current_account_state() already sees the claims.
_BEGIN_AUTHENTICATED = (
    "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true), "
    "public.current_account_state() AS account_state"
)
_BEGIN_OTHER = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"

_ANON_CLAIMS = orjson.dumps({"role": ANON_ROLE}).decode()


@dataclass(slots=True)
class RequestContext:
    """The caller and their transaction, as handed to endpoints and services."""

    conn: Connection
    role: str
    claims: AccessClaims | None

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.claims.sub if self.claims else None

    def require_user_id(self) -> uuid.UUID:
        if self.claims is None:
            raise Unauthorized()
        return self.claims.sub


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_pool(request: Request) -> AsyncConnectionPool[Connection]:
    pool: AsyncConnectionPool[Connection] = request.app.state.pool
    return pool


def caller_claims(request: Request) -> AccessClaims | None:
    """The verified claims of the bearer token, or None for an anonymous caller."""
    cached = request.scope.get("preset.claims", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    header = request.headers.get("authorization")
    claims: AccessClaims | None = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("expected 'Authorization: Bearer <token>'", code="invalid_token")
        claims = decode_access_token(settings_of(request).auth, token.strip())
    request.scope["preset.claims"] = claims
    return claims


def _check_account_state(row: DictRow | None) -> None:
    state = row["account_state"] if row else "missing"
    if state != "active":
        # Suspended, banned or deleted: the token is valid cryptographically but no longer
        # admits its holder.
        code = {"suspended": "account_suspended", "banned": "account_banned"}.get(
            state, "invalid_token"
        )
        raise Unauthorized("this account cannot act at the moment", code=code)


@asynccontextmanager
async def _transaction_as(
    pool: AsyncConnectionPool[Connection], role: str, claims_json: str, *, check_account: bool
) -> AsyncIterator[Connection]:
    """BEGIN and the role/claims statement go out together (pipeline: one round trip); the
    block's queries follow; COMMIT at the end, ROLLBACK on any exception."""
    async with pool.connection() as conn:
        async with conn.pipeline():
            await conn.execute("BEGIN")
            cur = await conn.execute(
                _BEGIN_AUTHENTICATED if check_account else _BEGIN_OTHER, (role, claims_json)
            )
        try:
            if check_account:
                _check_account_state(await cur.fetchone())
            yield conn
        except BaseException:
            # A broken connection cannot roll back; the pool discards it either way.
            with contextlib.suppress(psycopg.Error):
                await conn.execute("ROLLBACK")
            raise
        else:
            await conn.execute("COMMIT")


@asynccontextmanager
async def request_transaction(
    pool: AsyncConnectionPool[Connection], claims: AccessClaims | None
) -> AsyncIterator[RequestContext]:
    """Run one transaction as the caller; commit at the end, roll back on any exception."""
    if claims is None:
        async with _transaction_as(pool, ANON_ROLE, _ANON_CLAIMS, check_account=False) as conn:
            yield RequestContext(conn=conn, role=ANON_ROLE, claims=None)
        return
    claims_json = orjson.dumps(claims.raw).decode()
    async with _transaction_as(pool, AUTHENTICATED_ROLE, claims_json, check_account=True) as conn:
        yield RequestContext(conn=conn, role=AUTHENTICATED_ROLE, claims=claims)


async def _caller_transaction(request: Request) -> AsyncIterator[RequestContext]:
    async with request_transaction(app_pool(request), caller_claims(request)) as ctx:
        yield ctx


async def _user_transaction(request: Request) -> AsyncIterator[RequestContext]:
    claims = caller_claims(request)
    if claims is None:
        raise Unauthorized()
    async with request_transaction(app_pool(request), claims) as ctx:
        yield ctx


async def read_one_as_user(
    pool: AsyncConnectionPool[Connection],
    claims: AccessClaims,
    query: str,
    params: Any = None,
) -> DictRow | None:
    """One read-only query as the user, in one round trip: BEGIN, role/claims/account state,
    the query and COMMIT are pipelined together.

    Same outcome as running ``query`` in :func:`request_transaction` (a suspended, banned or
    missing account still gets its 401, decided before the row is used): the query only reads,
    so committing it before the state is inspected changes nothing. Hot read endpoints use
    this to save two round trips (and the event-loop wake-ups around each).
    """
    claims_json = orjson.dumps(claims.raw).decode()
    async with pool.connection() as conn:
        try:
            async with conn.pipeline():
                await conn.execute("BEGIN")
                state = await conn.execute(_BEGIN_AUTHENTICATED, (AUTHENTICATED_ROLE, claims_json))
                cur = await conn.execute(query, params)
                await conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(psycopg.Error):
                await conn.execute("ROLLBACK")
            raise
        _check_account_state(await state.fetchone())
        return await cur.fetchone()


_PIN_ANON = "SELECT set_config('role', %s, false), set_config('request.jwt.claims', %s, false)"


async def pin_to_anon(conn: Connection) -> None:
    """Configure a new connection of the anonymous read pool: role ``anon`` and anonymous claims
    for the whole session (psycopg_pool's ``configure`` hook, run once per connection).

    Session-level rather than per transaction (as :func:`request_transaction` does): the pool
    lends these connections only to :func:`read_all_as_anon`, so no request of any other caller
    ever runs on one, and each read is a single autocommitted statement.
    """
    await conn.execute(_PIN_ANON, (ANON_ROLE, _ANON_CLAIMS))


def anon_pool(request: Request) -> AsyncConnectionPool[Connection]:
    pool: AsyncConnectionPool[Connection] = request.app.state.anon_pool
    return pool


async def read_all_as_anon(
    pool: AsyncConnectionPool[Connection], query: str, params: Any = None
) -> list[DictRow]:
    """One read-only statement as ``anon`` on the anonymous read pool (:func:`pin_to_anon`):
    the connection is already in role ``anon`` with anonymous claims, so the read is the
    statement alone, autocommitted, with no BEGIN, role/claims statement or COMMIT around it.

    Same rows and row level security as running ``query`` in :func:`request_transaction`
    without claims (``tests/api/test_request_path.py`` holds the two to the same identity).
    """
    async with pool.connection() as conn:
        cur = await conn.execute(query, params)
        return await cur.fetchall()


async def _optional_claims(request: Request) -> AccessClaims | None:
    return caller_claims(request)


async def _required_claims(request: Request) -> AccessClaims:
    claims = caller_claims(request)
    if claims is None:
        raise Unauthorized()
    return claims


class ServiceTransactions:
    """Opens service_role transactions on the request pool for the platform's own work.

    The claims name the user on whose behalf the platform acts (if any), so the audit trail
    records who triggered the change; the role is always service_role, never a token's.
    """

    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self._pool = pool

    @asynccontextmanager
    async def transaction(self, acting_user: uuid.UUID | None = None) -> AsyncIterator[Connection]:
        claims: dict[str, Any] = {"role": SERVICE_ROLE}
        if acting_user is not None:
            claims["sub"] = str(acting_user)
        async with _transaction_as(
            self._pool, SERVICE_ROLE, orjson.dumps(claims).decode(), check_account=False
        ) as conn:
            yield conn


async def _pool_dependency(request: Request) -> AsyncConnectionPool[Connection]:
    return app_pool(request)


async def _service_transactions(request: Request) -> ServiceTransactions:
    return ServiceTransactions(app_pool(request))


#: Any caller (anonymous or logged in), in a transaction as that caller.
CallerTx = Annotated[RequestContext, Depends(_caller_transaction, scope="function")]
#: A logged-in caller (401 otherwise), in a transaction as that user.
UserTx = Annotated[RequestContext, Depends(_user_transaction, scope="function")]
#: A logged-in caller's verified claims (401 otherwise), without opening a transaction.
UserClaims = Annotated[AccessClaims, Depends(_required_claims)]
#: The caller's verified claims, None when anonymous (a bad token is still a 401), no transaction.
CallerClaims = Annotated[AccessClaims | None, Depends(_optional_claims)]
#: The request pool (for :func:`read_one_as_user`).
Pool = Annotated[AsyncConnectionPool[Connection], Depends(_pool_dependency)]
#: Service-role transactions for the platform's own bookkeeping.
ServiceTx = Annotated[ServiceTransactions, Depends(_service_transactions)]


async def app_settings(request: Request) -> Settings:
    return settings_of(request)


# Dependencies are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread
# pool, a thread hop per dependency per request.
AppSettingsDep = Annotated[Settings, Depends(app_settings)]
