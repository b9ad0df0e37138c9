"""How code reaches the database: four named modes, the only places a transaction is opened.

=========================  ==============================================================
mode                       what it is for
=========================  ==============================================================
:func:`caller_transaction`  a request's own transaction as its caller (``anon`` or
                            ``authenticated`` with the token's claims), exactly as Supabase's
                            API layer does it; the default for endpoints.
:func:`read_one_as_user`    one read-only statement as a user, pipelined with BEGIN, the
                            role/claims/account check and COMMIT (one round trip): hot reads.
:func:`read_all_as_anon`    one statement on a connection pinned to ``anon`` for its whole
                            life (:func:`pin_to_anon`), autocommitted: anonymous hot reads.
:func:`service_transaction` the platform's own work as ``service_role`` (sign-up, tokens, the
                            worker, the CLI); the claims name the user it acts for, if any.
=========================  ==============================================================

In every mode the role, the claims and the statement limits (``statement_timeout``,
``idle_in_transaction_session_timeout``: :class:`StatementLimits`, from the settings) are set
transaction-locally (or, for the pinned pool, for a
connection nothing else ever borrows), so nothing of one caller survives into the next. A mode
holds one pooled connection at a time; code that needs the platform's rights part-way through a
caller's transaction switches that same transaction with :func:`act_as_service` instead of
borrowing a second connection. Services and repositories never commit; the mode does, at the
end, or rolls back on any exception.

Every mode borrows its connection through :func:`borrow`, which hands out only a live one: a
connection the server has dropped (a restart, a crash) is discarded and the next one taken at
once, so the first request after the database is back succeeds.

The API picks a mode per endpoint through dependencies (``preset.api.context``); the worker and
the CLI call :func:`service_transaction` directly.
"""

from __future__ import annotations

import contextlib
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import orjson
import psycopg
from psycopg import AsyncConnection, AsyncCursor
from psycopg.pq import ConnStatus
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from preset.auth.tokens import AccessClaims
from preset.constants import ANON_ROLE, AUTHENTICATED_ROLE, SERVICE_ROLE
from preset.db import kit
from preset.db.kit import Query
from preset.errors import Unauthorized

RowT = TypeVar("RowT")

#: A connection of the project's pools (rows are typed per query by :mod:`preset.db.kit`).
Connection = AsyncConnection[Any]
Pool = AsyncConnectionPool[Connection]

# One statement, one round trip: role and claims, and (for users) the account's state, so a
# suspended or banned user's unexpired token stops working at once, then the statement limits.
# Target-list expressions are evaluated left to right, so current_account_state() already sees
# the claims. The limits are set here, per transaction, and never on a role: the project alters
# no role it did not create (Supabase sets its own), and this holds on every server.
_LIMITS = (
    "set_config('statement_timeout', %s, {local}), "
    "set_config('idle_in_transaction_session_timeout', %s, {local})"
)
_SWITCH_ROLE = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"
_CHECK_ACCOUNT = ", public.current_account_state()"
#: (check account, with limits) -> the statement.
_BEGIN: Final = {
    (check, limited): _SWITCH_ROLE
    + (_CHECK_ACCOUNT if check else "")
    + (", " + _LIMITS.format(local="true") if limited else "")
    for check in (False, True)
    for limited in (False, True)
}
_PIN_ANON = (
    "SELECT set_config('role', %s, false), set_config('request.jwt.claims', %s, false), "
    + _LIMITS.format(local="false")
)

_ANON_CLAIMS = orjson.dumps({"role": ANON_ROLE}).decode()


@dataclass(frozen=True, slots=True)
class StatementLimits:
    """The server-side time limits of every transaction a mode opens on a pool (milliseconds).
    A pool without limits (the worker's, the CLI's) leaves the server's and roles' own."""

    statement_timeout_ms: int = 5000
    idle_in_transaction_timeout_ms: int = 10_000

    def params(self) -> tuple[str, str]:
        return str(self.statement_timeout_ms), str(self.idle_in_transaction_timeout_ms)


DEFAULT_LIMITS: Final = StatementLimits()
_pool_limits: weakref.WeakKeyDictionary[Pool, StatementLimits] = weakref.WeakKeyDictionary()


def set_statement_limits(pool: Pool, limits: StatementLimits) -> None:
    """The limits of the transactions opened on ``pool`` (before it is opened: the anonymous
    pool's sessions take theirs when each connection is made)."""
    _pool_limits[pool] = limits


def _begin(pool: Pool, role: str, claims_json: str, *, check_account: bool) -> tuple[str, Any]:
    limits = _pool_limits.get(pool)
    if limits is None:
        return _BEGIN[check_account, False], (role, claims_json)
    return _BEGIN[check_account, True], (role, claims_json, *limits.params())


def is_alive(conn: Connection) -> bool:
    """Whether the server still holds this connection, without a round trip: whatever the server
    sent while it sat idle is read, and libpq's status tells. A backend that went away sent its
    FATAL message and closed the socket: the first read takes the message, the second meets the
    end of the stream (libpq marks the connection bad). Two non-blocking reads, no waiting."""
    if conn.closed or conn.broken:
        return False
    pgconn = conn.pgconn
    try:
        pgconn.consume_input()
        pgconn.consume_input()
    except psycopg.OperationalError:
        return False
    return pgconn.status == ConnStatus.OK


@asynccontextmanager
async def borrow(pool: Pool) -> AsyncIterator[Connection]:
    """A live connection of ``pool`` for the block, waiting at most the pool's timeout
    (``PoolTimeout`` past it: 503 ``database_unavailable`` in the API).

    Dead connections (:func:`is_alive`) are handed back at once: the pool discards each and
    connects a replacement. Unlike psycopg_pool's own ``check`` this costs no round trip and
    never sleeps between two dead connections, so a pool full of connections from before a
    restart recovers on its first request.
    """
    deadline = time.monotonic() + pool.timeout
    while True:
        conn = await pool.getconn(timeout=max(deadline - time.monotonic(), 0.001))
        if is_alive(conn):
            break
        await pool.putconn(conn)
    try:
        yield conn
    finally:
        await pool.putconn(conn)


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


def _service_claims(acting_user: uuid.UUID | None) -> str:
    claims: dict[str, Any] = {"role": SERVICE_ROLE}
    if acting_user is not None:
        claims["sub"] = str(acting_user)
    return orjson.dumps(claims).decode()


def _check_account_state(row: tuple[Any, ...] | None) -> None:
    state = row[2] if row else "missing"
    if state != "active":
        # Suspended, banned or deleted: the token is valid cryptographically but no longer
        # admits its holder.
        code = {"suspended": "account_suspended", "banned": "account_banned"}.get(
            state, "invalid_token"
        )
        raise Unauthorized("this account cannot act at the moment", code=code)


async def _rollback_quietly(conn: Connection) -> None:
    # A broken connection cannot roll back; the pool discards it either way.
    with contextlib.suppress(psycopg.Error):
        await conn.execute("ROLLBACK")


@asynccontextmanager
async def _transaction_as(
    pool: Pool, role: str, claims_json: str, *, check_account: bool
) -> AsyncIterator[Connection]:
    """BEGIN and the role/claims statement go out together (pipeline: one round trip); the
    block's queries follow; COMMIT at the end, ROLLBACK on any exception."""
    async with borrow(pool) as conn:
        try:
            async with conn.pipeline():
                await conn.execute("BEGIN")
                cur = conn.cursor(row_factory=tuple_row)
                await cur.execute(*_begin(pool, role, claims_json, check_account=check_account))
            if check_account:
                _check_account_state(await cur.fetchone())
            yield conn
        except BaseException:
            await _rollback_quietly(conn)
            raise
        else:
            await conn.execute("COMMIT")


@asynccontextmanager
async def caller_transaction(
    pool: Pool, claims: AccessClaims | None
) -> AsyncIterator[RequestContext]:
    """Mode 1: one transaction as the caller; commit at the end, roll back on any exception."""
    if claims is None:
        async with _transaction_as(pool, ANON_ROLE, _ANON_CLAIMS, check_account=False) as conn:
            yield RequestContext(conn=conn, role=ANON_ROLE, claims=None)
        return
    claims_json = orjson.dumps(claims.raw).decode()
    async with _transaction_as(pool, AUTHENTICATED_ROLE, claims_json, check_account=True) as conn:
        yield RequestContext(conn=conn, role=AUTHENTICATED_ROLE, claims=claims)


async def _read_as_user(
    pool: Pool, claims: AccessClaims, row_type: type[RowT], query: Query, params: Any
) -> AsyncCursor[RowT]:
    claims_json = orjson.dumps(claims.raw).decode()
    async with borrow(pool) as conn:
        try:
            async with conn.pipeline():
                await conn.execute("BEGIN")
                state = conn.cursor(row_factory=tuple_row)
                await state.execute(
                    *_begin(pool, AUTHENTICATED_ROLE, claims_json, check_account=True)
                )
                cur = conn.cursor(row_factory=kit.row_factory(row_type))
                await cur.execute(query, params)
                await conn.execute("COMMIT")
        except BaseException:
            await _rollback_quietly(conn)
            raise
        _check_account_state(await state.fetchone())
        return cur


async def read_one_as_user(
    pool: Pool, claims: AccessClaims, row_type: type[RowT], query: Query, params: Any = None
) -> RowT | None:
    """Mode 2: one read-only query as the user, in one round trip: BEGIN, role/claims/account
    state, the query and COMMIT are pipelined together.

    Same outcome as running ``query`` in :func:`caller_transaction` (a suspended, banned or
    missing account still gets its 401, decided before the row is used): the query only reads,
    so committing it before the state is inspected changes nothing. (The rows are already on
    the client when the connection goes back to the pool.)
    """
    cur = await _read_as_user(pool, claims, row_type, query, params)
    return await cur.fetchone()


async def read_all_as_user(
    pool: Pool, claims: AccessClaims, row_type: type[RowT], query: Query, params: Any = None
) -> list[RowT]:
    """Mode 2 for a statement of several rows (same round trip, same checks)."""
    cur = await _read_as_user(pool, claims, row_type, query, params)
    return await cur.fetchall()


def anon_pinner(
    limits: StatementLimits = DEFAULT_LIMITS,
) -> Callable[[Connection], Awaitable[None]]:
    """The ``configure`` hook of the anonymous read pool: each new connection is set to role
    ``anon``, anonymous claims and the statement limits for its whole session (run once per
    connection).

    Session-level rather than per transaction: the pool lends these connections only to
    :func:`read_all_as_anon`, so no request of any other caller ever runs on one.
    """

    async def pin_to_anon(conn: Connection) -> None:
        await conn.execute(_PIN_ANON, (ANON_ROLE, _ANON_CLAIMS, *limits.params()))

    return pin_to_anon


#: The hook with the default limits.
pin_to_anon = anon_pinner()


async def read_all_as_anon(
    anon_pool: Pool, row_type: type[RowT], query: Query, params: Any = None
) -> list[RowT]:
    """Mode 3: one read-only statement as ``anon`` on the anonymous read pool: the connection
    is already in role ``anon`` with anonymous claims, so the read is the statement alone,
    autocommitted, with no BEGIN, role/claims statement or COMMIT around it.

    Same rows and row level security as the query in :func:`caller_transaction` without claims
    (``tests/api/test_request_path.py`` holds the two to the same identity).
    """
    async with (
        borrow(anon_pool) as conn,
        conn.cursor(row_factory=kit.row_factory(row_type)) as cur,
    ):
        await cur.execute(query, params)
        return await cur.fetchall()


@asynccontextmanager
async def service_transaction(
    pool: Pool, acting_user: uuid.UUID | None = None
) -> AsyncIterator[Connection]:
    """Mode 4: a ``service_role`` transaction for the platform's own work.

    The claims name the user on whose behalf the platform acts (if any), so the audit trail
    records who triggered the change; the role is always service_role, never a token's.
    """
    async with _transaction_as(
        pool, SERVICE_ROLE, _service_claims(acting_user), check_account=False
    ) as conn:
        yield conn


async def act_as_service(ctx: RequestContext) -> None:
    """Switch the caller's own transaction to ``service_role`` until it ends (claims name the
    caller, for the audit trail): for a step only the platform may take on a user's behalf
    (their e-mail address), without borrowing a second connection. Everything the transaction
    did as the caller stays; what follows is not limited by row level security, so the service
    must have checked the caller's right to it first."""
    await ctx.conn.execute(_SWITCH_ROLE, (SERVICE_ROLE, _service_claims(ctx.require_user_id())))
    ctx.role = SERVICE_ROLE


class ServiceTransactions:
    """Mode 4 bound to a pool, for services that open several platform transactions in turn."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    def transaction(
        self, acting_user: uuid.UUID | None = None
    ) -> contextlib.AbstractAsyncContextManager[Connection]:
        return service_transaction(self._pool, acting_user)


@dataclass(frozen=True, slots=True)
class SingleUserRead:
    """Mode 2 bound to a request's pool and caller: one pipelined read as the logged-in user."""

    pool: Pool
    claims: AccessClaims

    async def one(self, row_type: type[RowT], query: Query, params: Any = None) -> RowT | None:
        return await read_one_as_user(self.pool, self.claims, row_type, query, params)


@dataclass(frozen=True, slots=True)
class CallerReadAccess:
    """Reads as the caller, one statement at a time, each in one round trip: anonymous callers
    on the pinned ``anon`` pool (mode 3), users pipelined as themselves (mode 2), so neither
    holds a connection between statements. For code that only reads (discovery, map pins)."""

    anon_pool: Pool
    pool: Pool
    claims: AccessClaims | None

    @property
    def anonymous(self) -> bool:
        return self.claims is None

    async def all(self, row_type: type[RowT], query: Query, params: Any = None) -> list[RowT]:
        if self.claims is None:
            return await read_all_as_anon(self.anon_pool, row_type, query, params)
        return await read_all_as_user(self.pool, self.claims, row_type, query, params)
