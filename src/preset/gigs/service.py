"""The gig rules of PRODUCT_RULES §2 (tier limits) and §3 (validity, lifecycle, discovery).

The database backs every rule here (CHECK constraints, the `gigs_status_transition` guard, the
capacity triggers of 0007, row level security); the service answers first, with a precise
status and code, and writes a domain event in the same transaction as each change.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Final

from psycopg import errors as pg_errors

from preset.caller import Caller, enforce_monthly_quota, first_tier_where, load_caller
from preset.constants import (
    DEFAULT_CURRENCY,
    GIG_DEFAULT_MAX_APPLICANTS,
    GIG_EDITABLE_STATUSES,
    GIG_LOOKING_FOR_COUNT,
    GIG_TRANSITIONS,
    LOCK_GIG_APPLICATIONS,
    LOCK_USER_PUBLISH_QUOTA,
    PAGE_SIZE_DEFAULT,
    TIER_LIMITS,
)
from preset.db import kit
from preset.db.session import Connection, RequestContext
from preset.errors import (
    Conflict,
    Forbidden,
    NotFound,
    SubscriptionLimitExceeded,
    ValidationFailed,
)
from preset.events import record_event
from preset.gigs import repository as repo
from preset.gigs.repository import ExpiredGig, GigRow
from preset.gigs.schemas import GigCreate, GigPatch

#: Columns that may never be NULL: a `null` for one of them is a 422, not a database error.
NOT_NULL_FIELDS: Final = frozenset(
    {
        "title",
        "description",
        "comp_type",
        "location_text",
        "location_radius",
        "max_applicants",
        "boost_level",
        "looking_for_types",
        "applicant_preferences",
        "is_nsfw",
        "content_categories",
    }
)


def _now() -> datetime:
    return datetime.now(UTC)


def _problem(field: str, message: str, kind: str = "value_error") -> dict[str, str]:
    return {"field": field, "location": "body", "message": message, "type": kind}


def gig_problems(
    gig: Mapping[str, Any], *, publishable: bool, future_start: bool
) -> list[dict[str, str]]:
    """What breaks §3's "valid gig" across fields. ``publishable`` adds what a published gig
    needs (a schedule, 1 to 10 roles); ``future_start`` requires the start to lie ahead."""
    problems: list[dict[str, str]] = []
    for field in sorted(NOT_NULL_FIELDS):
        if field in gig and gig[field] is None:
            problems.append(_problem(field, "may not be null", "missing"))
    if gig.get("comp_type") == "paid":
        amount = gig.get("comp_amount")
        if amount is None or amount <= 0:
            problems.append(_problem("comp_amount", "a paid gig needs an amount greater than 0"))
        if gig.get("comp_currency") is None:
            problems.append(_problem("comp_currency", "a paid gig needs a currency"))
    if (gig.get("location_lat") is None) != (gig.get("location_lng") is None):
        field = "location_lng" if gig.get("location_lat") is not None else "location_lat"
        problems.append(_problem(field, "location_lat and location_lng go together"))
    start, end = gig.get("start_time"), gig.get("end_time")
    deadline = gig.get("application_deadline")
    if start is not None and end is not None and end <= start:
        problems.append(_problem("end_time", "must be after start_time"))
    if start is not None and deadline is not None and deadline > start:
        problems.append(_problem("application_deadline", "must not be after start_time"))
    if publishable:
        if start is None:
            problems.append(_problem("start_time", "a published gig needs a start time", "missing"))
        if end is None:
            problems.append(_problem("end_time", "a published gig needs an end time", "missing"))
        roles = gig.get("looking_for_types") or []
        if not GIG_LOOKING_FOR_COUNT[0] <= len(roles) <= GIG_LOOKING_FOR_COUNT[1]:
            problems.append(
                _problem(
                    "looking_for_types",
                    f"a published gig looks for {GIG_LOOKING_FOR_COUNT[0]} to "
                    f"{GIG_LOOKING_FOR_COUNT[1]} roles",
                )
            )
    if future_start:
        now = _now()
        if start is not None and start <= now:
            problems.append(_problem("start_time", "must be in the future"))
        if deadline is not None and deadline <= now:
            problems.append(_problem("application_deadline", "has already passed"))
    return problems


def _raise_problems(problems: list[dict[str, str]]) -> None:
    if problems:
        fields = sorted({p["field"] for p in problems})
        raise ValidationFailed(
            "invalid gig: " + ", ".join(fields), code="invalid_gig", details=problems
        )


def check_tier_caps(values: Mapping[str, Any], tier: str) -> None:
    """§2: max_applicants up to the owner's tier cap; boosts for pro only (402 otherwise)."""
    limits = TIER_LIMITS[tier]
    wanted = values.get("max_applicants")
    if wanted is not None and wanted > limits.max_applicants_cap:
        raise SubscriptionLimitExceeded(
            f"max_applicants on the {tier} tier is at most {limits.max_applicants_cap}",
            limit=limits.max_applicants_cap,
            current_tier=tier,
            required_tier=first_tier_where(lambda t: t.max_applicants_cap >= wanted),
            details={"field": "max_applicants"},
        )
    if (values.get("boost_level") or 0) > 0 and not limits.may_boost:
        raise SubscriptionLimitExceeded(
            f"boosting gigs is not part of the {tier} tier",
            limit=0,
            current_tier=tier,
            required_tier=first_tier_where(lambda t: t.may_boost),
            details={"field": "boost_level"},
        )


# ===================================================================== create, read, edit
async def create_gig(ctx: RequestContext, payload: GigCreate) -> GigRow:
    caller = await load_caller(ctx)
    if caller.role not in ("contributor", "admin"):
        raise Forbidden("only contributors post gigs", code="contributor_only")
    values = payload.model_dump(exclude_unset=True, exclude={"applicant_preferences"})
    # Omitted and explicit null mean the same for a new gig: the column default.
    values = {k: v for k, v in values.items() if not (v is None and k in NOT_NULL_FIELDS)}
    if payload.applicant_preferences is not None:
        values["applicant_preferences"] = payload.applicant_preferences.model_dump(
            exclude_none=True
        )
    cap = TIER_LIMITS[caller.tier].max_applicants_cap
    values.setdefault("max_applicants", min(GIG_DEFAULT_MAX_APPLICANTS, cap))
    if values.get("comp_type") == "paid":
        values.setdefault("comp_currency", DEFAULT_CURRENCY)
    check_tier_caps(values, caller.tier)
    _raise_problems(gig_problems(values, publishable=False, future_start=False))
    gig = await repo.insert_gig(ctx.conn, caller.user_id, values)
    await record_event(ctx.conn, "gig.created", "gig", gig.id, caller.user_id, {"status": "draft"})
    return gig


async def get_gig(ctx: RequestContext, gig_id: uuid.UUID) -> GigRow:
    gig = await repo.get_gig(ctx.conn, gig_id)
    if gig is None:
        raise NotFound("no such gig", code="gig_not_found")
    return gig


async def load_gig_as(
    ctx: RequestContext, caller: Caller, gig_id: uuid.UUID, *, admin_may: bool = False
) -> GigRow:
    """The gig, for acting on it: 404 if the caller cannot see it, 403 if they can see it but
    it is not theirs (admins pass where the rules let them)."""
    gig = await get_gig(ctx, gig_id)
    if gig.owner_user_id != caller.user_id and not (admin_may and caller.is_admin):
        raise Forbidden("only the gig's owner can do this", code="not_gig_owner")
    return gig


async def update_gig(ctx: RequestContext, gig_id: uuid.UUID, payload: GigPatch) -> GigRow:
    caller = await load_caller(ctx)
    gig = await load_gig_as(ctx, caller, gig_id)
    if gig.status not in GIG_EDITABLE_STATUSES:
        raise Conflict(
            f"a {gig.status} gig can no longer be edited",
            code="gig_not_editable",
            details={"status": gig.status},
        )
    changes = payload.model_dump(exclude_unset=True, exclude={"applicant_preferences"})
    if "applicant_preferences" in payload.model_fields_set:
        prefs = payload.applicant_preferences
        changes["applicant_preferences"] = prefs.model_dump(exclude_none=True) if prefs else None
    if changes.get("comp_type") == "paid" and gig.comp_currency is None:
        changes.setdefault("comp_currency", DEFAULT_CURRENCY)
    merged = asdict(gig) | changes
    published = gig.status == "published"
    # A published gig stays publishable; a new start time must lie ahead.
    moved_start = "start_time" in changes and merged["start_time"] != gig.start_time
    _raise_problems(
        gig_problems(merged, publishable=published, future_start=published and moved_start)
    )
    check_tier_caps(changes, caller.tier)
    if changes.get("max_applicants") is not None and changes["max_applicants"] < gig.max_applicants:
        # Applications queue on the same lock (and 0007's trigger counts again).
        await kit.advisory_lock(ctx.conn, LOCK_GIG_APPLICATIONS, gig_id)
        taken = await repo.count_active_applications(ctx.conn, gig_id)
        if changes["max_applicants"] < taken:
            raise Conflict(
                f"the gig already has {taken} applications",
                code="max_applicants_below_applications",
                details={"max_applicants": changes["max_applicants"], "applications": taken},
            )
    try:
        updated = await repo.update_gig(ctx.conn, gig_id, changes)
    except pg_errors.CheckViolation as exc:
        if exc.diag.constraint_name == "gigs_max_applicants_below_applications":
            raise Conflict(
                "the gig has more applications than that", code="max_applicants_below_applications"
            ) from exc
        raise
    if updated is None:
        raise NotFound("no such gig", code="gig_not_found")
    if changes:
        await record_event(
            ctx.conn, "gig.updated", "gig", gig_id, caller.user_id, {"fields": sorted(changes)}
        )
    return updated


async def delete_gig(ctx: RequestContext, gig_id: uuid.UUID) -> None:
    caller = await load_caller(ctx)
    gig = await load_gig_as(ctx, caller, gig_id)
    if gig.status != "draft":
        raise Conflict(
            "only drafts can be deleted; cancel the gig instead",
            code="gig_not_deletable",
            details={"status": gig.status},
        )
    if not await repo.delete_draft(ctx.conn, gig_id):
        raise Conflict("the gig is no longer a draft", code="gig_not_deletable")
    await record_event(ctx.conn, "gig.deleted", "gig", gig_id, caller.user_id, {"status": "draft"})


async def list_my_gigs(
    ctx: RequestContext, *, status: str | None, cursor: str | None, limit: int = PAGE_SIZE_DEFAULT
) -> kit.Page[GigRow]:
    ctx.require_user_id()
    return await repo.list_own_gigs(ctx.conn, status=status, cursor=cursor, limit=limit)


# ===================================================================== lifecycle
async def transition(ctx: RequestContext, gig_id: uuid.UUID, action: str) -> GigRow:
    """One row of §3's lifecycle table: publish, close, reopen, complete or cancel."""
    from_statuses, to_status = GIG_TRANSITIONS[action]
    caller = await load_caller(ctx)
    gig = await load_gig_as(ctx, caller, gig_id, admin_may=action == "cancel")
    if gig.status not in from_statuses:
        raise Conflict(
            f"a {gig.status} gig cannot be {to_status}",
            code="invalid_transition",
            details={"action": action, "from": gig.status, "to": to_status},
        )
    payload: dict[str, Any] = {"from": gig.status, "to": to_status}
    if action == "publish":
        await _check_publishable(ctx, caller, gig)
    elif action == "reopen":
        deadline = gig.application_deadline
        if deadline is not None and deadline <= _now():
            raise Conflict(
                "the application deadline has passed",
                code="deadline_passed",
                details={"application_deadline": deadline.isoformat()},
            )
    elif action == "complete":
        if gig.start_time is None or gig.start_time > _now():
            raise Conflict("the shoot has not started yet", code="gig_not_started")
        if not await repo.has_accepted_application(ctx.conn, gig_id):
            raise Conflict(
                "a gig completes with at least one accepted application",
                code="no_accepted_application",
            )
    updated = await repo.transition_gig(ctx.conn, gig_id, from_statuses, to_status)
    if updated is None:
        raise Conflict("the gig changed meanwhile; reload it", code="invalid_transition")
    if action == "cancel":
        payload |= await _decline_for_cancel(ctx, caller, gig_id)
    event = {"reopen": "gig.reopened"}.get(action, f"gig.{to_status}")
    await record_event(ctx.conn, event, "gig", gig_id, caller.user_id, payload)
    return updated


async def _check_publishable(ctx: RequestContext, caller: Caller, gig: GigRow) -> None:
    values = asdict(gig)
    _raise_problems(gig_problems(values, publishable=True, future_start=True))
    check_tier_caps(values, caller.tier)
    if gig.published_at is not None:
        return  # reopening never counts against the monthly quota again
    await enforce_monthly_quota(
        ctx,
        caller,
        quota=caller.limits.gigs_published_per_month,
        lock_namespace=LOCK_USER_PUBLISH_QUOTA,
        count_used=lambda: repo.count_published_this_month(ctx.conn, caller.user_id),
        refusal="the {tier} tier publishes {quota} gigs per calendar month",
        unlimited=lambda t: t.gigs_published_per_month is None,
    )


async def _decline_for_cancel(
    ctx: RequestContext, caller: Caller, gig_id: uuid.UUID
) -> dict[str, list[str]]:
    """§3: open applications become declined and their applicants (and accepted talent) are
    notified: one `application.declined` event each, and the recipients on `gig.cancelled`,
    from which the notifications job writes the rows (gigs.tasks)."""
    declined = await repo.decline_open_applications(ctx.conn, gig_id, caller.user_id)
    for application in declined:
        await record_event(
            ctx.conn,
            "application.declined",
            "application",
            application.id,
            caller.user_id,
            {
                "gig_id": str(gig_id),
                "reason": "gig_cancelled",
                "applicant_user_id": str(application.applicant_user_id),
            },
        )
    accepted = await repo.accepted_applicants(ctx.conn, gig_id)
    notify = sorted({str(a.applicant_user_id) for a in declined} | {str(u) for u in accepted})
    return {
        "declined_application_ids": [str(a.id) for a in declined],
        "notify_user_ids": notify,
    }


# ===================================================================== the platform's jobs
async def close_expired_gigs(conn: Connection) -> list[ExpiredGig]:
    """§3: published gigs whose application deadline has passed close automatically. Run by the
    worker or `preset` CLI as service_role (or the owner); one `gig.closed` event per gig."""
    closed = await repo.close_expired_gigs(conn)
    for gig in closed:
        await record_event(
            conn,
            "gig.closed",
            "gig",
            gig.id,
            None,
            {"from": "published", "to": "closed", "reason": "deadline_passed"},
        )
    return closed
