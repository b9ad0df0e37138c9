"""The platform's numbers in one place (HOUSE_STYLE: no magic numbers in rules).

Accounts and tokens are PRODUCT_RULES §1, tier limits §2, gig validity §3, applications §4,
moodboards §7, credits §8. Services and the seed data read them from here; docs/marketplace.md and
docs/compatibility.md quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

# ===================================================================== accounts (§1)
# Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes,
# one lane.
ARGON2_MEMORY_COST_KIB: Final = 19456
ARGON2_TIME_COST: Final = 2
ARGON2_PARALLELISM: Final = 1
ARGON2_HASH_LENGTH: Final = 32
ARGON2_SALT_LENGTH: Final = 16

PASSWORD_MIN_LENGTH: Final = 8
# Bounded so a megabyte "password" cannot be used to burn CPU.
PASSWORD_MAX_LENGTH: Final = 128

# Failed logins: at most this many per account (e-mail) and per client address within the
# window; the next attempt gets 429 with Retry-After until the oldest failure leaves the window.
LOGIN_FAILURE_WINDOW_SECONDS: Final = 15 * 60
LOGIN_MAX_FAILURES_PER_ACCOUNT: Final = 5
LOGIN_MAX_FAILURES_PER_ADDRESS: Final = 20

EMAIL_VERIFICATION_TTL_SECONDS: Final = 48 * 3600
PASSWORD_RESET_TTL_SECONDS: Final = 3600

# Opaque tokens (refresh, e-mail): 32 random bytes, URL-safe; only their SHA-256 is stored.
OPAQUE_TOKEN_BYTES: Final = 32

# The database role an access token maps to, and the only one a user's token may carry.
AUTHENTICATED_ROLE: Final = "authenticated"
ANON_ROLE: Final = "anon"
SERVICE_ROLE: Final = "service_role"

# ===================================================================== subscription tiers (§2)
TIERS: Final = ("free", "plus", "pro")


@dataclass(frozen=True, slots=True)
class TierLimits:
    """What one subscription tier allows; None means unlimited."""

    gigs_published_per_month: int | None
    applications_per_month: int | None
    max_applicants_cap: int
    may_boost: bool
    may_bulk_shortlist: bool
    #: AI credits granted each month (§2, §8).
    monthly_credit_allowance: int
    #: Published showcases a user may take part in.
    published_showcases: int | None


TIER_LIMITS: Final[dict[str, TierLimits]] = {
    "free": TierLimits(
        gigs_published_per_month=2,
        applications_per_month=3,
        max_applicants_cap=10,
        may_boost=False,
        may_bulk_shortlist=False,
        monthly_credit_allowance=15,
        published_showcases=3,
    ),
    "plus": TierLimits(
        gigs_published_per_month=None,
        applications_per_month=None,
        max_applicants_cap=50,
        may_boost=False,
        may_bulk_shortlist=True,
        monthly_credit_allowance=150,
        published_showcases=10,
    ),
    "pro": TierLimits(
        gigs_published_per_month=None,
        applications_per_month=None,
        max_applicants_cap=200,
        may_boost=True,
        may_bulk_shortlist=True,
        monthly_credit_allowance=500,
        published_showcases=None,
    ),
}

# ===================================================================== credits and AI (§8)
#: AI operations and their price in user credits.
AI_OPERATION_PRICES: Final[dict[str, int]] = {
    "enhance": 2,
    "upscale": 1,
    "restyle": 1,
    "background_blur": 1,
}
#: The default AI provider: local image operations, no outside service.
DEFAULT_AI_PROVIDER: Final = "local"
DEFAULT_PROVIDER_BALANCE: Final = 100_000
DEFAULT_PROVIDER_LOW_BALANCE_THRESHOLD: Final = 1_000

# ===================================================================== gigs (§3)
GIG_STATUSES: Final = ("draft", "published", "closed", "completed", "cancelled")
#: (action, statuses it may start from, status it leads to): the lifecycle table of §3.
GIG_TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "publish": (frozenset({"draft"}), "published"),
    "close": (frozenset({"published"}), "closed"),
    "reopen": (frozenset({"closed"}), "published"),
    "complete": (frozenset({"published", "closed"}), "completed"),
    "cancel": (frozenset({"draft", "published", "closed"}), "cancelled"),
}
GIG_EDITABLE_STATUSES: Final = frozenset({"draft", "published"})
GIG_TITLE_LENGTH: Final = (5, 120)
GIG_DESCRIPTION_LENGTH: Final = (20, 5000)
GIG_LOCATION_TEXT_MAX: Final = 200
GIG_RADIUS_KM: Final = (1, 100)
GIG_LOOKING_FOR_COUNT: Final = (1, 10)
GIG_DEFAULT_MAX_APPLICANTS: Final = 20
GIG_MAX_BOOST_LEVEL: Final = 3
GIG_TEXT_FIELD_MAX: Final = 2000  # usage_rights, safety_notes
GIG_CONTENT_CATEGORIES_MAX: Final = 10
COMP_TYPES: Final = ("tfp", "paid", "expenses")
CURRENCIES: Final = ("EUR", "USD", "GBP", "CAD", "AUD")
DEFAULT_CURRENCY: Final = "EUR"
#: The roles talent offer on their profiles.
TALENT_ROLES: Final = (
    "model",
    "makeup_artist",
    "hair_stylist",
    "stylist",
    "dancer",
    "actor",
    "set_designer",
    "retoucher",
)
#: The platform's list of creative roles a gig may look for (`looking_for_types`).
CREATIVE_ROLES: Final = (*TALENT_ROLES, "photographer", "videographer", "art_director", "assistant")

# ===================================================================== applications (§4)
APPLICATION_STATUSES: Final = ("pending", "shortlisted", "accepted", "declined", "withdrawn")
#: Owner (or admin) decisions and the statuses they may start from.
APPLICATION_OWNER_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "shortlisted": frozenset({"pending"}),
    "accepted": frozenset({"pending", "shortlisted"}),
    "declined": frozenset({"pending", "shortlisted"}),
}
#: The applicant's only move.
APPLICATION_APPLICANT_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "withdrawn": frozenset({"pending", "shortlisted"}),
}
#: Applications still in play: cancelling a gig declines these.
OPEN_APPLICATION_STATUSES: Final = ("pending", "shortlisted")
APPLICATION_NOTE_MAX: Final = 500
BULK_SHORTLIST_MAX: Final = 100

#: Compatibility score weights (docs/compatibility.md); they sum to 1.
COMPATIBILITY_WEIGHTS: Final[dict[str, Decimal]] = {
    "roles": Decimal("0.40"),
    "preferences": Decimal("0.25"),
    "style": Decimal("0.20"),
    "completion": Decimal("0.15"),
}
assert sum(COMPATIBILITY_WEIGHTS.values()) == Decimal("1.00")

# ===================================================================== moodboards (§7)
MOODBOARD_MAX_ITEMS: Final = 60
MOODBOARD_PALETTE_SIZE: Final = 10
MOODBOARD_NOTE_MAX: Final = 500
MOODBOARD_TITLE_MAX: Final = 120
MOODBOARD_DESCRIPTION_MAX: Final = 2000

# ===================================================================== pagination
PAGE_SIZE_DEFAULT: Final = 20
PAGE_SIZE_MAX: Final = 100

# ===================================================================== advisory locks
# pg_advisory_xact_lock(namespace, hashtext(id)): the namespace keeps the keys of different
# purposes apart. A talent cannot SELECT … FOR UPDATE a gig (that needs UPDATE rights), so
# concurrent requests serialise on these transaction-scoped locks instead. The gig lock is also
# taken by migration 0007's capacity triggers (same namespace), so keep the two in step.
LOCK_GIG_APPLICATIONS: Final = 4_101
LOCK_USER_APPLICATION_QUOTA: Final = 4_102
LOCK_USER_PUBLISH_QUOTA: Final = 4_103
