"""The application rules of PRODUCT_RULES §4 (and the tier limits of §2 they depend on).

Concurrency: the monthly quota is counted after a per-user advisory lock, and the gig's
capacity is counted by migration 0007's trigger after a per-gig advisory lock (a talent may not
see other talents' applications, nor lock the gig row). Lock order is always user, then gig.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from psycopg import errors as pg_errors

from preset.applications import repository as repo
from preset.applications.compatibility import compatibility_score
from preset.applications.schemas import ApplicationPatch, ApplyRequest
from preset.applications.screening import find_contact_details
from preset.caller import Caller, first_tier_where, load_caller
from preset.constants import (
    APPLICATION_APPLICANT_TRANSITIONS,
    APPLICATION_OWNER_TRANSITIONS,
    LOCK_USER_APPLICATION_QUOTA,
    PAGE_SIZE_DEFAULT,
    TIER_LIMITS,
)
from preset.db import kit
from preset.db.session import RequestContext
from preset.errors import (
    Conflict,
    Forbidden,
    NotFound,
    SubscriptionLimitExceeded,
    ValidationFailed,
)
from preset.events import record_event
from preset.gigs.service import get_gig, load_gig_as
from preset.messaging.repository import open_conversation
from preset.pagination import decode_cursor, split_page

Row = dict[str, Any]

MINE_CURSOR: Final = "applications.mine"
GIG_CURSOR: Final = "applications.gig"
#: Gig statuses in which an owner still decides on applications.
DECIDING_GIG_STATUSES: Final = frozenset({"published", "closed"})
_KIND_LABELS: Final = {
    "phone_number": "phone numbers",
    "email_address": "e-mail addresses",
    "url": "URLs",
    "handle": "@handles",
    "messenger": "messenger names",
}


def screen_note(note: str | None) -> None:
    """422 naming what was found when a note carries contact details (§4)."""
    if not note:
        return
    findings = find_contact_details(note)
    if findings:
        kinds = list(dict.fromkeys(f.kind for f in findings))
        raise ValidationFailed(
            "the note may not carry contact details: "
            + ", ".join(_KIND_LABELS[k] for k in kinds)
            + " found",
            code="contact_details_in_note",
            details={
                "field": "note",
                "found": kinds,
                "matches": [{"kind": f.kind, "text": f.text} for f in findings],
            },
        )


def _snapshot(profile: Row | None) -> dict[str, Any]:
    """§4's profile snapshot as it is at apply time (JSON-ready)."""
    p = profile or {}
    rating = p.get("rating")
    return {
        "display_name": p.get("display_name"),
        "handle": p.get("handle"),
        "avatar_url": p.get("avatar_url"),
        "bio": p.get("bio"),
        "city": p.get("city"),
        "style_tags": list(p.get("style_tags") or []),
        "experience_years": int(p.get("experience_years") or 0),
        "published_showcases": int(p.get("published_showcases") or 0),
        "rating": str(rating) if rating is not None else None,
        "review_count": int(p.get("review_count") or 0),
        # Kept for the score, so it can be recomputed from the snapshot alone.
        "looking_for_types": list(p.get("looking_for_types") or []),
        "is_verified": bool(p.get("is_verified")),
        "profile_completion_percentage": int(p.get("profile_completion_percentage") or 0),
    }


# ===================================================================== applying
async def apply(ctx: RequestContext, gig_id: uuid.UUID, payload: ApplyRequest) -> Row:
    caller = await load_caller(ctx)
    if caller.role != "talent":
        raise Forbidden("only talent apply to gigs", code="talent_only")
    gig = await get_gig(ctx, gig_id)
    if gig.owner_user_id == caller.user_id:
        raise Forbidden("you cannot apply to your own gig", code="own_gig")
    if await repo.find_own_application(ctx.conn, gig_id) is not None:
        raise Conflict("you already applied to this gig", code="already_applied")
    if gig.status != "published":
        raise Conflict(
            f"the gig is {gig.status} and takes no applications",
            code="gig_not_open",
            details={"status": gig.status},
        )
    deadline = gig.application_deadline
    if deadline is not None and deadline <= datetime.now(UTC):
        raise Conflict("the application deadline has passed", code="deadline_passed")
    note = payload.note or None
    screen_note(note)
    await _check_quota(ctx, caller)
    snapshot = _snapshot(await repo.own_profile_snapshot(ctx.conn))
    score = compatibility_score(asdict(gig), snapshot)
    try:
        application = await repo.insert_application(
            ctx.conn,
            gig_id=gig_id,
            applicant_user_id=caller.user_id,
            note=note,
            snapshot=snapshot,
            score=score,
        )
    except pg_errors.CheckViolation as exc:
        if exc.diag.constraint_name == "applications_gig_full":
            raise Conflict(
                "the gig has all the applications it takes",
                code="gig_full",
                details={"max_applicants": gig.max_applicants},
            ) from exc
        raise
    except pg_errors.UniqueViolation as exc:
        if exc.diag.constraint_name == repo.ONE_PER_GIG_CONSTRAINT:
            raise Conflict("you already applied to this gig", code="already_applied") from exc
        raise
    await record_event(
        ctx.conn,
        "application.submitted",
        "application",
        application["id"],
        caller.user_id,
        {"gig_id": str(gig_id), "compatibility_score": str(score)},
    )
    await _open_conversation(ctx, caller.user_id, gig_id, gig.owner_user_id, caller.user_id)
    return application


async def _check_quota(ctx: RequestContext, caller: Caller) -> None:
    quota = TIER_LIMITS[caller.tier].applications_per_month
    if quota is None:
        return
    # One user's concurrent applications queue here and then count what the others committed.
    await kit.advisory_lock(ctx.conn, LOCK_USER_APPLICATION_QUOTA, caller.user_id)
    used = await repo.count_own_applications_this_month(ctx.conn)
    if used >= quota:
        raise SubscriptionLimitExceeded(
            f"the {caller.tier} tier makes {quota} applications per calendar month",
            limit=quota,
            current_tier=caller.tier,
            required_tier=first_tier_where(lambda t: t.applications_per_month is None),
            details={"used": used, "period": "calendar_month"},
        )


async def _open_conversation(
    ctx: RequestContext,
    actor: uuid.UUID,
    gig_id: uuid.UUID,
    owner_id: uuid.UUID,
    applicant_id: uuid.UUID,
) -> None:
    conversation_id, created = await open_conversation(ctx.conn, gig_id, owner_id, applicant_id)
    if created:
        await record_event(
            ctx.conn,
            "conversation.opened",
            "conversation",
            conversation_id,
            actor,
            {"gig_id": str(gig_id), "participants": [str(owner_id), str(applicant_id)]},
        )


# ===================================================================== deciding, withdrawing
async def _load_application(ctx: RequestContext, application_id: uuid.UUID) -> Row:
    application = await repo.get_application(ctx.conn, application_id)
    if application is None:
        raise NotFound("no such application", code="application_not_found")
    return application


def _invalid_transition(current: str, wanted: str) -> Conflict:
    return Conflict(
        f"an application cannot go from {current} to {wanted}",
        code="invalid_transition",
        details={"from": current, "to": wanted},
    )


async def update_application(
    ctx: RequestContext, application_id: uuid.UUID, payload: ApplicationPatch
) -> Row:
    caller = await load_caller(ctx)
    application = await _load_application(ctx, application_id)
    is_applicant = application["applicant_user_id"] == caller.user_id
    is_reviewer = application["gig_owner_user_id"] == caller.user_id or caller.is_admin
    fields = payload.model_fields_set
    if payload.status is None and "note" not in fields:
        raise ValidationFailed(
            "invalid request: send status or note",
            details=[{"field": "status", "message": "nothing to change", "type": "missing"}],
        )
    result = application
    if "note" in fields:
        if not is_applicant:
            raise Forbidden("only the applicant edits the note", code="applicant_only")
        if application["status"] != "pending":
            raise Conflict(
                "the note can only change while the application is pending",
                code="application_not_pending",
                details={"status": application["status"]},
            )
        note = payload.note or None
        screen_note(note)
        updated = await repo.set_note(ctx.conn, application_id, note)
        if updated is None:
            raise Conflict("the application is no longer pending", code="application_not_pending")
        result = updated
    if "status" in fields and payload.status is not None:
        result = await _change_status(
            ctx, caller, application, payload.status, is_applicant, is_reviewer
        )
    return {k: v for k, v in result.items() if k not in ("gig_owner_user_id", "gig_status")}


async def _change_status(
    ctx: RequestContext,
    caller: Caller,
    application: Row,
    wanted: str,
    is_applicant: bool,
    is_reviewer: bool,
) -> Row:
    current = application["status"]
    if wanted in APPLICATION_APPLICANT_TRANSITIONS:
        if not is_applicant:
            raise Forbidden("only the applicant withdraws an application", code="applicant_only")
        from_statuses = APPLICATION_APPLICANT_TRANSITIONS[wanted]
        reviewer = None
    else:
        if not is_reviewer:
            raise Forbidden("only the gig's owner decides on applications", code="owner_only")
        from_statuses = APPLICATION_OWNER_TRANSITIONS[wanted]
        reviewer = caller.user_id
    if current not in from_statuses:
        raise _invalid_transition(current, wanted)
    if reviewer is not None and application["gig_status"] not in DECIDING_GIG_STATUSES:
        raise Conflict(
            f"the gig is {application['gig_status']}; its applications are settled",
            code="gig_not_active",
            details={"gig_status": application["gig_status"]},
        )
    updated = await repo.set_status(
        ctx.conn,
        application["id"],
        to_status=wanted,
        from_statuses=from_statuses,
        reviewer=reviewer,
    )
    if updated is None:
        raise Conflict("the application changed meanwhile; reload it", code="invalid_transition")
    await record_event(
        ctx.conn,
        f"application.{wanted}",
        "application",
        application["id"],
        caller.user_id,
        {
            "gig_id": str(application["gig_id"]),
            "from": current,
            "to": wanted,
            "applicant_user_id": str(application["applicant_user_id"]),
        },
    )
    if wanted == "accepted":
        await _open_conversation(
            ctx,
            caller.user_id,
            application["gig_id"],
            application["gig_owner_user_id"],
            application["applicant_user_id"],
        )
    return updated


async def shortlist_many(
    ctx: RequestContext, gig_id: uuid.UUID, application_ids: list[uuid.UUID]
) -> list[Row]:
    """Shortlist several pending applications of one gig at once (plus and pro, §2)."""
    caller = await load_caller(ctx)
    gig = await load_gig_as(ctx, caller, gig_id, admin_may=True)
    limits = TIER_LIMITS[caller.tier]
    if not limits.may_bulk_shortlist:
        raise SubscriptionLimitExceeded(
            f"shortlisting several applications at once is not part of the {caller.tier} tier",
            limit=1,
            current_tier=caller.tier,
            required_tier=first_tier_where(lambda t: t.may_bulk_shortlist),
        )
    if gig.status not in DECIDING_GIG_STATUSES:
        raise Conflict(
            f"the gig is {gig.status}; its applications are settled",
            code="gig_not_active",
            details={"gig_status": gig.status},
        )
    found = {a["id"]: a for a in await repo.get_many_for_gig(ctx.conn, gig_id, application_ids)}
    missing = [str(i) for i in application_ids if i not in found]
    if missing:
        raise NotFound(
            "these are not applications of this gig",
            code="application_not_found",
            details={"application_ids": missing},
        )
    allowed = APPLICATION_OWNER_TRANSITIONS["shortlisted"] | {"shortlisted"}
    refused = [
        {"id": str(a["id"]), "status": a["status"]}
        for a in found.values()
        if a["status"] not in allowed
    ]
    if refused:
        raise Conflict(
            "only pending applications can be shortlisted",
            code="invalid_transition",
            details={"to": "shortlisted", "applications": refused},
        )
    changed = await repo.shortlist_many(ctx.conn, gig_id, application_ids, caller.user_id)
    for application in changed:
        await record_event(
            ctx.conn,
            "application.shortlisted",
            "application",
            application["id"],
            caller.user_id,
            {
                "gig_id": str(gig_id),
                "from": "pending",
                "to": "shortlisted",
                "applicant_user_id": str(application["applicant_user_id"]),
            },
        )
    by_id = {a["id"]: a for a in changed}
    return [by_id.get(i, found[i]) for i in application_ids]


# ===================================================================== lists
async def list_for_gig(
    ctx: RequestContext,
    gig_id: uuid.UUID,
    *,
    status: str | None,
    sort: str,
    cursor: str | None,
    limit: int = PAGE_SIZE_DEFAULT,
) -> tuple[list[Row], str | None]:
    caller = await load_caller(ctx)
    await load_gig_as(ctx, caller, gig_id, admin_may=True)
    kind = f"{GIG_CURSOR}.{sort}"
    after = None
    if cursor:
        types: tuple[type, ...] = (
            (Decimal, datetime, uuid.UUID) if sort == "compatibility" else (datetime, uuid.UUID)
        )
        after = decode_cursor(kind, cursor, types)
    rows = await repo.list_for_gig(
        ctx.conn, gig_id, status=status, sort=sort, after=after, limit=limit + 1
    )

    def sort_key(last: Row) -> list[Any]:
        key: list[Any] = [last["applied_at"], last["id"]]
        if sort == "compatibility":
            score = last["compatibility_score"]
            key = [score if score is not None else -1, *key]
        return key

    return split_page(rows, limit, kind, sort_key)


async def list_mine(
    ctx: RequestContext, *, cursor: str | None, limit: int = PAGE_SIZE_DEFAULT
) -> tuple[list[Row], str | None]:
    ctx.require_user_id()
    after = None
    if cursor:
        at, application_id = decode_cursor(MINE_CURSOR, cursor, (datetime, uuid.UUID))
        after = (at, application_id)
    rows = await repo.list_mine(ctx.conn, after=after, limit=limit + 1)
    return split_page(rows, limit, MINE_CURSOR, lambda last: [last["applied_at"], last["id"]])
