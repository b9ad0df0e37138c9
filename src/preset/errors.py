"""Typed errors raised by services; the API renders each one in the error envelope.

Every expected failure is one of these, with a stable machine-readable ``code``; anything else
that reaches the error handler is a bug and becomes a 500 ``internal_error``.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar


class AppError(Exception):
    """Base of every expected failure: an HTTP status, a stable code and a human message."""

    status_code: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = 400
    default_code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    default_code = "unauthorized"

    def __init__(self, message: str = "authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    default_code = "forbidden"


class NotFound(AppError):
    status_code = 404
    default_code = "not_found"


class Conflict(AppError):
    status_code = 409
    default_code = "conflict"


class ValidationFailed(AppError):
    status_code = 422
    default_code = "validation_error"


class TooManyRequests(AppError):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Retry-After"] = str(max(1, retry_after))
        super().__init__(message, headers=headers, **kwargs)
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(AppError):
    status_code = 503
    default_code = "service_unavailable"


class PaymentRequired(AppError):
    status_code = 402
    default_code = "payment_required"


class SubscriptionLimitExceeded(PaymentRequired):
    """A tier limit of PRODUCT_RULES §2. Rendered in the error envelope (code
    ``subscription_limit_exceeded``, the numbers in ``details``) with ``limit``, ``current_tier``
    and ``required_tier`` repeated at the top level, as §2 documents them."""

    default_code = "subscription_limit_exceeded"

    def __init__(
        self,
        message: str,
        *,
        limit: int,
        current_tier: str,
        required_tier: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        payload = {"limit": limit, "current_tier": current_tier, "required_tier": required_tier}
        super().__init__(message, details={**payload, **(details or {})})
        self.top_level = payload


def reject_extra_fields(
    extra: Iterable[str], protected: AbstractSet[str], *, who_may_change: str
) -> None:
    """Refuse fields a request body may not carry: 403 for protected columns, 422 for the rest.

    Protected columns (role, tier, verification, …) get a 403 that says who may change them, so a
    client learns the rule rather than a generic "unknown field".
    """
    names = set(extra)
    protected_named = sorted(names & protected)
    if protected_named:
        raise Forbidden(
            f"only {who_may_change} can change " + ", ".join(protected_named),
            code="forbidden_change",
            details={"fields": protected_named},
        )
    if names:
        unknown = sorted(names)
        raise ValidationFailed(
            "invalid request: " + ", ".join(unknown),
            details=[
                {"field": f, "message": "unknown field", "type": "extra_forbidden"} for f in unknown
            ],
        )
