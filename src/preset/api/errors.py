"""One envelope for every error: ``{"error": {"code", "message", "details", "request_id"}}``."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from psycopg import errors as pg_errors
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from preset.api.responses import OrjsonResponse
from preset.errors import AppError, check_registered

logger = structlog.get_logger("preset.api")

# Unique constraints and indexes → stable conflict codes.
UNIQUE_VIOLATION_CODES: dict[str, str] = {
    "users_email_key": "email_taken",
    "idx_users_email_lower": "email_taken",
    "profiles_handle_key": "handle_taken",
    "idx_profiles_handle_lower": "handle_taken",
    "profiles_user_id_key": "profile_exists",
    "user_content_preferences_user_id_key": "preferences_exist",
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}

_CHANGE_DENIED = re.compile(r"permission denied to change (\w+)\.(\w+)")


def request_id_of(request: Request) -> str | None:
    value = request.scope.get("preset.request_id")
    return value if isinstance(value, str) else None


def envelope(
    status: int,
    code: str,
    message: str,
    *,
    request_id: str | None,
    details: Any = None,
    headers: dict[str, str] | None = None,
    top_level: dict[str, Any] | None = None,
) -> OrjsonResponse:
    check_registered(code, status)
    body = {
        "error": {"code": code, "message": message, "details": details, "request_id": request_id},
        **(top_level or {}),
    }
    return OrjsonResponse(body, status_code=status, headers=headers)


async def _app_error(request: Request, exc: Exception) -> OrjsonResponse:
    assert isinstance(exc, AppError)
    return envelope(
        exc.status_code,
        exc.code,
        exc.message,
        request_id=request_id_of(request),
        details=exc.details,
        headers=exc.headers,
        # PRODUCT_RULES §2 names the 402 fields at the top level; the envelope keeps its shape.
        top_level=getattr(exc, "top_level", None),
    )


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, exc: Exception) -> OrjsonResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "field": _field_path(tuple(err.get("loc", ()))),
            "location": str(err.get("loc", ("body",))[0]),
            "message": err.get("msg", "invalid"),
            "type": err.get("type", "value_error"),
        }
        for err in exc.errors()
    ]
    fields = sorted({d["field"] for d in details})
    return envelope(
        422,
        "validation_error",
        "invalid request: " + ", ".join(fields),
        request_id=request_id_of(request),
        details=details,
    )


async def _http_error(request: Request, exc: Exception) -> OrjsonResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = str(exc.detail) if exc.detail else code.replace("_", " ")
    return envelope(
        exc.status_code,
        code,
        message,
        request_id=request_id_of(request),
        headers=dict(exc.headers or {}),
        details=getattr(exc, "details", None),
    )


# ------------------------------------------------------------------ refusals of the input guard
# (preset.api.middleware.InputGuardMiddleware): built here so they share the envelope.

#: One problem: (location, field), location as in validation errors (body, query, path, header).
CharacterProblem = tuple[str, str]

_INVALID_CHARACTER_MESSAGE = (
    "contains a character that cannot be stored: NUL (U+0000) or an unpaired surrogate"
)


def invalid_character(request_id: str | None, problems: list[CharacterProblem]) -> OrjsonResponse:
    """422 ``invalid_character``: details shaped as ``validation_error``'s, one per field."""
    details = [
        {
            "field": field,
            "location": location,
            "message": _INVALID_CHARACTER_MESSAGE,
            "type": "invalid_character",
        }
        for location, field in problems
    ]
    fields = sorted({field for _, field in problems})
    return envelope(
        422,
        "invalid_character",
        "invalid request: " + ", ".join(fields),
        request_id=request_id,
        details=details,
    )


def _too_large_message(limit: int) -> str:
    return f"the request body is larger than this route accepts ({limit} bytes)"


def payload_too_large(request_id: str | None, limit: int) -> OrjsonResponse:
    """413 ``payload_too_large``, answered before the body is read whole."""
    return envelope(
        413,
        "payload_too_large",
        _too_large_message(limit),
        request_id=request_id,
        details={"limit_bytes": limit},
    )


class PayloadTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed body passes the limit; an HTTPException, so the
    route's body reading lets it through and :func:`_http_error` renders the same 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_message(limit))
        self.details = {"limit_bytes": limit}


def bad_request(request_id: str | None, message: str) -> OrjsonResponse:
    return envelope(400, "bad_request", message, request_id=request_id)


def database_error_response(request: Request, exc: psycopg.Error) -> OrjsonResponse | None:
    """Expected database refusals as 4xx; None for anything that is a bug (→ 500)."""
    diag = exc.diag
    rid = request_id_of(request)
    if isinstance(exc, pg_errors.UniqueViolation):
        constraint = diag.constraint_name or ""
        code = UNIQUE_VIOLATION_CODES.get(constraint, "conflict")
        return envelope(
            409,
            code,
            "that value is already taken" if code != "conflict" else "the resource already exists",
            request_id=rid,
            details={"constraint": constraint} if constraint else None,
        )
    if isinstance(exc, pg_errors.CheckViolation | pg_errors.NotNullViolation):
        return envelope(
            422,
            "constraint_violation",
            "the values break a rule of the data model",
            request_id=rid,
            details={"constraint": diag.constraint_name, "column": diag.column_name},
        )
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return envelope(
            422,
            "invalid_reference",
            "a referenced resource does not exist",
            request_id=rid,
            details={"constraint": diag.constraint_name},
        )
    if isinstance(exc, pg_errors.QueryCanceled):
        # statement_timeout (set per role) cancelled it: the database is too busy to answer.
        return envelope(
            503,
            "database_timeout",
            "the database took too long to answer; try again",
            request_id=rid,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, psycopg.OperationalError):
        return database_unavailable(request)
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        match = _CHANGE_DENIED.search(diag.message_primary or "")
        if match:
            return envelope(
                403,
                "forbidden_change",
                f"you cannot change {match.group(2)}",
                request_id=rid,
                details={"table": match.group(1), "field": match.group(2)},
            )
        return envelope(403, "forbidden", "not allowed", request_id=rid)
    return None


#: What a client is told to wait when the database cannot answer now.
RETRY_AFTER_SECONDS = 1


def database_unavailable(request: Request) -> OrjsonResponse:
    """503 when no connection could be had in time (pool wait over, server unreachable)."""
    return envelope(
        503,
        "database_unavailable",
        "the database cannot be reached right now; try again shortly",
        request_id=request_id_of(request),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _pool_timeout(request: Request, exc: Exception) -> OrjsonResponse:
    logger.warning("database.unavailable", error=type(exc).__name__)
    return database_unavailable(request)


async def _database_error(request: Request, exc: Exception) -> OrjsonResponse:
    assert isinstance(exc, psycopg.Error)
    response = database_error_response(request, exc)
    if response is not None:
        return response
    logger.error("database.error", exc_info=exc, sqlstate=exc.sqlstate)
    return internal_error(request_id_of(request))


def internal_error(request_id: str | None) -> OrjsonResponse:
    return envelope(500, "internal_error", "an unexpected error occurred", request_id=request_id)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(psycopg.Error, _database_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
