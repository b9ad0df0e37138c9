"""The request path's dependencies: each endpoint picks its database mode by what it depends on.

The modes themselves are :mod:`preset.db.session`; endpoints never open a transaction by hand.

==============  =====================================================================
dependency      mode
==============  =====================================================================
``CallerTx``    the caller's transaction (anonymous or logged in)
``UserTx``      the caller's transaction, logged in only (401 otherwise)
``UserRead``    one pipelined read as the logged-in user (``read_one_as_user``)
``CallerReads`` reads as the caller, a round trip a statement: anonymous callers on the
                pool pinned to ``anon`` (mode 3), users pipelined as themselves (mode 2)
``ServiceTx``   the platform's own ``service_role`` transactions, one at a time
==============  =====================================================================
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from preset.api.openapi import AUTH_MARK
from preset.auth.tokens import AccessClaims, decode_access_token
from preset.db.session import (
    CallerReadAccess,
    Pool,
    RequestContext,
    ServiceTransactions,
    SingleUserRead,
    caller_transaction,
)
from preset.errors import Unauthorized
from preset.settings import Settings


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_pool(request: Request) -> Pool:
    pool: Pool = request.app.state.pool
    return pool


def anon_pool(request: Request) -> Pool:
    pool: Pool = request.app.state.anon_pool
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


def _required(request: Request) -> AccessClaims:
    claims = caller_claims(request)
    if claims is None:
        raise Unauthorized()
    return claims


# Dependencies are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread
# pool, a thread hop per dependency per request.
async def _optional_claims(request: Request) -> AccessClaims | None:
    return caller_claims(request)


async def _required_claims(request: Request) -> AccessClaims:
    return _required(request)


async def _caller_transaction(request: Request) -> AsyncIterator[RequestContext]:
    async with caller_transaction(app_pool(request), caller_claims(request)) as ctx:
        yield ctx


async def _user_transaction(request: Request) -> AsyncIterator[RequestContext]:
    async with caller_transaction(app_pool(request), _required(request)) as ctx:
        yield ctx


async def _user_read(request: Request) -> SingleUserRead:
    return SingleUserRead(app_pool(request), _required(request))


async def _caller_reads(request: Request) -> CallerReadAccess:
    return CallerReadAccess(anon_pool(request), app_pool(request), caller_claims(request))


# What each dependency means for the OpenAPI document (preset.api.openapi).
for _dependency, _auth in (
    (_required_claims, "required"),
    (_user_transaction, "required"),
    (_user_read, "required"),
    (_optional_claims, "optional"),
    (_caller_transaction, "optional"),
    (_caller_reads, "optional"),
):
    setattr(_dependency, AUTH_MARK, _auth)


async def _service_transactions(request: Request) -> ServiceTransactions:
    return ServiceTransactions(app_pool(request))


async def app_settings(request: Request) -> Settings:
    return settings_of(request)


#: Any caller (anonymous or logged in), in a transaction as that caller.
CallerTx = Annotated[RequestContext, Depends(_caller_transaction, scope="function")]
#: A logged-in caller (401 otherwise), in a transaction as that user.
UserTx = Annotated[RequestContext, Depends(_user_transaction, scope="function")]
#: One pipelined read as the logged-in caller (401 otherwise).
UserRead = Annotated[SingleUserRead, Depends(_user_read)]
#: Reads as the caller: the pinned anonymous pool or the user's transaction.
CallerReads = Annotated[CallerReadAccess, Depends(_caller_reads)]
#: A logged-in caller's verified claims (401 otherwise), without opening a transaction.
UserClaims = Annotated[AccessClaims, Depends(_required_claims)]
#: The caller's verified claims, None when anonymous (a bad token is still a 401), no transaction.
CallerClaims = Annotated[AccessClaims | None, Depends(_optional_claims)]
#: Service-role transactions for the platform's own bookkeeping.
ServiceTx = Annotated[ServiceTransactions, Depends(_service_transactions)]
AppSettingsDep = Annotated[Settings, Depends(app_settings)]
