"""The OpenAPI document tells the contract: which routes need a token, and what each can answer.

Each route's 4xx answers come from two places, both backed by the error registry
(:data:`preset.errors.ERROR_CODES`): what its dependencies imply (a token, a rate limit, a body
or parameters to validate), found by walking the route's dependencies, and what the route
declares itself with ``responses=errors(...)`` for its domain's codes. Every answer documents
the error envelope's schema and lists its codes with their meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from preset.errors import ERROR_CODES

BEARER = "bearer"

#: Codes every route that requires a token can answer.
TOKEN_REQUIRED = ("unauthorized", "invalid_token", "token_expired", "account_suspended",
                  "account_banned")  # fmt: skip
#: Codes a route that takes an optional token can answer (a bad token is still refused).
TOKEN_OPTIONAL = ("invalid_token", "token_expired", "account_suspended", "account_banned")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None
    request_id: str | None = None


class ErrorEnvelope(BaseModel):
    """Every error's shape: ``{"error": {"code", "message", "details", "request_id"}}``."""

    error: ErrorBody


def errors(*codes: str, at: int | None = None) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each code's registered 4xx statuses (only ``at`` when
    given), with the envelope."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        entry = ERROR_CODES[code]  # KeyError: not a registered code
        for status in entry.statuses:
            if 400 <= status < 500 and at in (None, status):
                by_status.setdefault(status, []).append(code)
    return {status: _response(names) for status, names in sorted(by_status.items())}


def _response(codes: Iterable[str]) -> dict[str, Any]:
    unique = list(dict.fromkeys(codes))
    return {
        "model": ErrorEnvelope,
        "description": "; ".join(f"`{c}`: {ERROR_CODES[c].meaning}" for c in unique),
        # Machine-readable too: an OpenAPI extension field listing the codes.
        "x-error-codes": unique,
    }


def _calls(dependant: Dependant) -> Iterable[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


#: Marker attributes the dependencies carry (set in preset.api.context and .ratelimit).
AUTH_MARK = "preset_auth"  # "required" or "optional"
RATE_LIMIT_MARK = "preset_rate_limit"


def _implied(route: APIRoute) -> tuple[list[str], str | None]:
    """The codes a route's dependencies imply (the token's at 401, as the request path answers
    them), and whether it takes a token."""
    codes: list[str] = []
    auth: str | None = None
    for call in _calls(route.dependant):
        mark = getattr(call, AUTH_MARK, None)
        if mark == "required" or (mark == "optional" and auth is None):
            auth = mark
        if getattr(call, RATE_LIMIT_MARK, None):
            codes.append("rate_limited")
    if auth == "required":
        codes.extend(TOKEN_REQUIRED)
    elif auth == "optional":
        codes.extend(TOKEN_OPTIONAL)
    dependant = route.dependant
    has_input = bool(
        route.body_field
        or dependant.query_params
        or dependant.path_params
        or any(getattr(call, "preset_query_model", False) for call in _calls(dependant))
    )
    if has_input:
        codes.append("validation_error")
    if route.body_field is not None:
        codes.append("payload_too_large")
    return codes, auth


def api_routes(routes: Iterable[Any]) -> Iterable[APIRoute]:
    """Every APIRoute, inside included routers too (FastAPI keeps those as branches)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (inner := getattr(route, "original_router", None)) is not None:
            yield from api_routes(inner.routes)


def install_openapi(app: FastAPI) -> None:
    """Document every route's error answers and security scheme (call after the routers)."""
    security: dict[tuple[str, str], str] = {}
    for route in api_routes(app.routes):
        implied, auth = _implied(route)
        token_codes = [c for c in implied if c in TOKEN_REQUIRED]
        declared = errors(*(c for c in implied if c not in TOKEN_REQUIRED))
        if token_codes:
            declared |= errors(*token_codes, at=401)
        for status, response in declared.items():
            existing = route.responses.get(status)
            if existing is None:
                route.responses[status] = response
            else:
                names = [*existing.get("x-error-codes", []), *response["x-error-codes"]]
                route.responses[status] = _response(names)
        if auth is not None:
            for method in route.methods or ():
                security[(route.path_format, method.lower())] = auth

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {})
            components.setdefault("securitySchemes", {})[BEARER] = {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An access token from POST /api/auth/login or /signup.",
            }
            for (path, method), auth in security.items():
                operation = schema["paths"][path][method]
                # An optional token: anonymous callers are answered too ({} = no scheme).
                operation["security"] = [{BEARER: []}] if auth == "required" else [{}, {BEARER: []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
