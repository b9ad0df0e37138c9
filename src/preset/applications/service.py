"""The application rules of PRODUCT_RULES §4 (and the tier limits of §2 they depend on).

Concurrency: the monthly quota is counted after a per-user advisory lock, and the gig's
capacity is counted by migration 0007's trigger after a per-gig advisory lock (a talent may not
see other talents' applications, nor lock the gig row). Lock order is always user, then gig.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

from psycopg import errors as pg_errors

from preset.applications import repository as repo
from preset.applications.compatibility import GigWants, compatibility_score
from preset.applications.repository import ApplicationRow, ApplicationWithGig, MyApplicationRow
from preset.applications.schemas import ApplicationPatch, ApplyRequest
from preset.applications.screening import screen_note
from preset.caller import Caller, enforce_monthly_quota, first_tier_where, load_caller
from preset.constants import (
    APPLICATION_APPLICANT_TRANSITIONS,
    APPLICATION_OWNER_TRANSITIONS,
    LOCK_USER_APPLICATION_QUOTA,
    PAGE_SIZE_DEFAULT,
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

#: Gig statuses in which an owner still decides on applications.
DECIDING_GIG_STATUSES: Final = frozenset({"published", "closed"})


# ===================================================================== applying
async def apply(ctx: RequestContext, gig_id: uuid.UUID, payload: ApplyRequest) -> ApplicationRow:
    caller = await load_caller(ctx)
    if caller.role != "talent":
        raise Forbidden("only talent apply to gigs", code="talent_only")
    gig = await get_gig(ctx, gig_id)
    if gig.owner_user_id == caller.user_id:
        raise Forbidden("you cannot apply to your own gig", code="own_gig")
    if await repo.has_own_application(ctx.conn, gig_id):
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
    snapshot = await repo.own_profile_snapshot(ctx.conn) or repo.ProfileSnapshot()
    score = compatibility_score(
        GigWants.of(gig.looking_for_types, gig.applicant_preferences), snapshot
    )
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
        application.id,
        caller.user_id,
        {"gig_id": str(gig_id), "compatibility_score": str(score)},
    )
    await _open_conversation(ctx, caller.user_id, gig_id, gig.owner_user_id, caller.user_id)
    return application


async def _check_quota(ctx: RequestContext, caller: Caller) -> None:
    await enforce_monthly_quota(
        ctx,
        caller,
        quota=caller.limits.applications_per_month,
        lock_namespace=LOCK_USER_APPLICATION_QUOTA,
        count_used=lambda: repo.count_own_applications_this_month(ctx.conn),
        refusal="the {tier} tier makes {quota} applications per calendar month",
        unlimited=lambda t: t.applications_per_month is None,
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
async def _load_application(ctx: RequestContext, application_id: uuid.UUID) -> ApplicationWithGig:
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


def _gig_not_active(gig_status: str) -> Conflict:
    return Conflict(
        f"the gig is {gig_status}; its applications are settled",
        code="gig_not_active",
        details={"gig_status": gig_status},
    )


async def update_application(
    ctx: RequestContext, application_id: uuid.UUID, payload: ApplicationPatch
) -> ApplicationRow:
    caller = await load_caller(ctx)
    application = await _load_application(ctx, application_id)
    is_applicant = application.applicant_user_id == caller.user_id
    is_reviewer = caller.may_act_as_owner(application.gig_owner_user_id, admin_may=True)
    fields = payload.model_fields_set
    if payload.status is None and "note" not in fields:
        raise ValidationFailed(
            "invalid request: send status or note",
            details=[{"field": "status", "message": "nothing to change", "type": "missing"}],
        )
    result: ApplicationRow = application
    if "note" in fields:
        if not is_applicant:
            raise Forbidden("only the applicant edits the note", code="applicant_only")
        if application.status != "pending":
            raise Conflict(
                "the note can only change while the application is pending",
                code="application_not_pending",
                details={"status": application.status},
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
    return result


async def _change_status(
    ctx: RequestContext,
    caller: Caller,
    application: ApplicationWithGig,
    wanted: str,
    is_applicant: bool,
    is_reviewer: bool,
) -> ApplicationRow:
    current = application.status
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
    if reviewer is not None and application.gig_status not in DECIDING_GIG_STATUSES:
        raise _gig_not_active(application.gig_status)
    updated = await repo.set_status(
        ctx.conn,
        application.id,
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
        application.id,
        caller.user_id,
        {
            "gig_id": str(application.gig_id),
            "from": current,
            "to": wanted,
            "applicant_user_id": str(application.applicant_user_id),
        },
    )
    if wanted == "accepted":
        await _open_conversation(
            ctx,
            caller.user_id,
            application.gig_id,
            application.gig_owner_user_id,
            application.applicant_user_id,
        )
    return updated


async def shortlist_many(
    ctx: RequestContext, gig_id: uuid.UUID, application_ids: list[uuid.UUID]
) -> list[ApplicationRow]:
    """Shortlist several pending applications of one gig at once (plus and pro, §2)."""
    caller = await load_caller(ctx)
    gig = await load_gig_as(ctx, caller, gig_id, admin_may=True)
    if not caller.limits.may_bulk_shortlist:
        raise SubscriptionLimitExceeded(
            f"shortlisting several applications at once is not part of the {caller.tier} tier",
            limit=1,
            current_tier=caller.tier,
            required_tier=first_tier_where(lambda t: t.may_bulk_shortlist),
        )
    if gig.status not in DECIDING_GIG_STATUSES:
        raise _gig_not_active(gig.status)
    found = {a.id: a for a in await repo.get_many_for_gig(ctx.conn, gig_id, application_ids)}
    missing = [str(i) for i in application_ids if i not in found]
    if missing:
        raise NotFound(
            "these are not applications of this gig",
            code="application_not_found",
            details={"application_ids": missing},
        )
    allowed = APPLICATION_OWNER_TRANSITIONS["shortlisted"] | {"shortlisted"}
    refused = [
        {"id": str(a.id), "status": a.status} for a in found.values() if a.status not in allowed
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
            application.id,
            caller.user_id,
            {
                "gig_id": str(gig_id),
                "from": "pending",
                "to": "shortlisted",
                "applicant_user_id": str(application.applicant_user_id),
            },
        )
    by_id = {a.id: a for a in changed}
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
) -> kit.Page[ApplicationRow]:
    caller = await load_caller(ctx)
    await load_gig_as(ctx, caller, gig_id, admin_may=True)
    order = repo.BY_COMPATIBILITY if sort == "compatibility" else repo.BY_DATE
    return await repo.list_for_gig(
        ctx.conn, gig_id, status=status, order=order, cursor=cursor, limit=limit
    )


async def list_mine(
    ctx: RequestContext, *, cursor: str | None, limit: int = PAGE_SIZE_DEFAULT
) -> kit.Page[MyApplicationRow]:
    ctx.require_user_id()
    return await repo.list_mine(ctx.conn, cursor=cursor, limit=limit)
