"""Typed errors raised by services, and the one registry of the API's stable error codes.

Every expected failure is one of these, with a stable machine-readable ``code`` that
:data:`ERROR_CODES` lists with the statuses it comes with and what it means; anything else that
reaches the error handler is a bug and becomes a 500 ``internal_error``. The registry feeds the
OpenAPI document (each route's declared 4xx answers) and docs/api.md's table (a test holds the
table to it); an error raised with a code it does not list, or at a status the code is not
registered for, fails loudly in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, ClassVar, Final


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: str
    statuses: tuple[int, ...]
    meaning: str


def _registry(*entries: ErrorCode) -> dict[str, ErrorCode]:
    codes = [e.code for e in entries]
    if len(codes) != len(set(codes)):
        raise RuntimeError("an error code is registered twice")
    return {e.code: e for e in entries}


E = ErrorCode
#: Every stable error code of the API: the statuses it is answered with and what it means.
ERROR_CODES: Final = _registry(
    # ------------------------------------------------------------------ any route
    E("bad_request", (400,), "the request cannot be understood"),
    E("unauthorized", (401,), "a bearer token is needed"),
    E("forbidden", (403,), "the caller may not do this"),
    E("not_found", (404,), "no such resource, or the caller may not see it"),
    E("method_not_allowed", (405,), "the path does not take this method"),
    E("not_acceptable", (406,), "no acceptable representation"),
    E("conflict", (409,), "the resource already exists or changed meanwhile"),
    E("payload_too_large", (413,), "the request body is over the limit"),
    E("unsupported_media_type", (415,), "the body's type is not accepted"),
    E("validation_error", (422,), "a field is invalid; details name each field"),
    E("invalid_character", (422,), "a NUL or an unpaired surrogate, which text cannot hold"),
    E("invalid_cursor", (422,), "a cursor this list did not produce"),
    E("constraint_violation", (422,), "the database refused a value (a check constraint)"),
    E("invalid_reference", (422,), "a referenced row does not exist"),
    E("rate_limited", (429,), "too many requests in this route group; see Retry-After"),
    E("http_error", (400,), "another HTTP error"),
    E("internal_error", (500,), "a bug: the request id is in the logs"),
    E("service_unavailable", (503,), "the service cannot answer now"),
    E("database_unavailable", (503,), "no database connection could be had in time; Retry-After"),
    E("database_timeout", (503,), "a statement ran past its time limit; Retry-After"),
    E("database_unreachable", (503,), "the database does not answer (GET /health)"),
    E("migrations_pending", (503,), "the schema is not at the code's head (GET /health)"),
    # ------------------------------------------------------------------ accounts (§1)
    E("invalid_token", (400, 401), "a token that is malformed, unknown or of another account"),
    E("token_expired", (400, 401), "the token has expired"),
    E("token_used", (400,), "the single-use token was already used"),
    E("invalid_credentials", (401,), "wrong e-mail address or password"),
    E("invalid_refresh_token", (401,), "unknown or revoked refresh token"),
    E("refresh_token_expired", (401,), "the refresh token has expired"),
    E("refresh_token_reused", (401,), "a rotated refresh token came back: session revoked"),
    E("account_suspended", (401, 403), "the account is suspended"),
    E("account_banned", (401, 403), "the account is banned"),
    E("login_throttled", (429,), "too many failed logins; see Retry-After"),
    E("weak_password", (422,), "the password breaks a password rule"),
    E("forbidden_change", (403,), "a protected field only the platform or an admin changes"),
    E("email_taken", (409,), "the e-mail address has an account"),
    E("handle_taken", (409,), "the profile handle is taken"),
    E("profile_exists", (409,), "the user already has a profile"),
    E("preferences_exist", (409,), "the user already has content preferences"),
    E("profile_not_found", (404,), "no such profile"),
    # ------------------------------------------------------------------ tiers (§2)
    E("payment_required", (402,), "the action needs credits or a subscription"),
    E("subscription_limit_exceeded", (402,), "a limit of the caller's tier; see required_tier"),
    # ------------------------------------------------------------------ gigs (§3)
    E("contributor_only", (403,), "only contributors post gigs"),
    E("gig_not_found", (404,), "no such gig, or the caller may not see it"),
    E("not_gig_owner", (403,), "only the gig's owner can do this"),
    E("invalid_gig", (422,), "the gig breaks a validity rule; details name the fields"),
    E("gig_not_editable", (409,), "the gig's status no longer allows edits"),
    E("gig_not_deletable", (409,), "only drafts are deleted; cancel instead"),
    E("invalid_transition", (409,), "the lifecycle does not lead there from this status"),
    E("deadline_passed", (409,), "the application deadline has passed"),
    E("gig_not_started", (409,), "the shoot has not started yet"),
    E("no_accepted_application", (409,), "a gig completes with an accepted application"),
    E("max_applicants_below_applications", (409,), "more applications than the new cap"),
    # ------------------------------------------------------------------ applications (§4)
    E("talent_only", (403,), "only talent apply"),
    E("own_gig", (403,), "nobody applies to their own gig"),
    E("already_applied", (409,), "one application per gig and applicant"),
    E("gig_not_open", (409,), "the gig takes no applications"),
    E("gig_full", (409,), "the gig has all the applications it takes"),
    E("gig_not_active", (409,), "the gig's applications are settled"),
    E("application_not_found", (404,), "no such application"),
    E("application_not_pending", (409,), "the application's status does not allow this"),
    E("applicant_only", (403,), "only the applicant can do this"),
    E("owner_only", (403,), "only the gig's owner (or an admin) can do this"),
    E("contact_details_in_note", (422,), "contact details are kept for messages"),
    # ------------------------------------------------------------------ moodboards (§7)
    E("moodboard_not_found", (404,), "no such moodboard"),
    E("not_moodboard_owner", (403,), "only the moodboard's owner can do this"),
    E("gig_has_moodboard", (409,), "the gig already has a moodboard"),
    E("invalid_media_item", (422,), "a moodboard item refers to media the caller cannot use"),
)
del E


def check_registered(code: str, status: int) -> None:
    """Refuse an error code the registry does not list at this status (a programming error)."""
    entry = ERROR_CODES.get(code)
    if entry is None or status not in entry.statuses:
        raise RuntimeError(f"error code {code!r} is not registered for status {status}")


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
        check_registered(self.code, self.status_code)
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
