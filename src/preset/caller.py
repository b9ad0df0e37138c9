"""Who is calling: the logged-in caller's platform role and subscription tier, and the tier
look-ups every domain's rules need (PRODUCT_RULES §1, §2). Shared by every domain's service."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from preset.accounts import repository as accounts_repository
from preset.constants import TIER_LIMITS, TIERS, TierLimits
from preset.db import kit
from preset.db.session import RequestContext
from preset.errors import SubscriptionLimitExceeded, Unauthorized


@dataclass(frozen=True, slots=True)
class Caller:
    """The logged-in caller as the rules see them (their own `users` row)."""

    user_id: uuid.UUID
    role: str
    tier: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def limits(self) -> TierLimits:
        return TIER_LIMITS[self.tier]

    def may_act_as_owner(self, owner_user_id: uuid.UUID, *, admin_may: bool = False) -> bool:
        """Whether the caller acts as the owner of something ``owner_user_id`` owns: it is
        theirs, or they are an admin and the rule lets admins act (``admin_may``)."""
        return owner_user_id == self.user_id or (admin_may and self.is_admin)


async def load_caller(ctx: RequestContext) -> Caller:
    """The logged-in caller's platform role and subscription tier (401 if the account is gone)."""
    user_id = ctx.require_user_id()
    row = await accounts_repository.caller_standing(ctx.conn)
    if row is None:
        raise Unauthorized("this account no longer exists", code="invalid_token")
    return Caller(user_id=user_id, role=row.role, tier=row.subscription_tier)


def first_tier_where(predicate: Callable[[TierLimits], bool]) -> str:
    """The lowest tier whose limits satisfy ``predicate`` (for "upgrade to …" answers)."""
    return next(t for t in TIERS if predicate(TIER_LIMITS[t]))


async def enforce_monthly_quota(
    ctx: RequestContext,
    caller: Caller,
    *,
    quota: int | None,
    lock_namespace: int,
    count_used: Callable[[], Awaitable[int]],
    refusal: str,
    unlimited: Callable[[TierLimits], bool],
) -> None:
    """A per-calendar-month tier quota (§2): ``quota`` None is unlimited. One caller's concurrent
    requests queue on a transaction lock, then count what the others committed; at the quota,
    402 ``subscription_limit_exceeded`` naming the first tier without one. ``refusal`` is the
    message, with ``{tier}`` and ``{quota}``."""
    if quota is None:
        return
    await kit.advisory_lock(ctx.conn, lock_namespace, caller.user_id)
    used = await count_used()
    if used >= quota:
        raise SubscriptionLimitExceeded(
            refusal.format(tier=caller.tier, quota=quota),
            limit=quota,
            current_tier=caller.tier,
            required_tier=first_tier_where(unlimited),
            details={"used": used, "period": "calendar_month"},
        )
