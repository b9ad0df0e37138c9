"""Numbers the seed data follows, taken from PRODUCT_RULES.md (§2 tiers, §8 credits)."""

from __future__ import annotations

from typing import Final

#: Monthly AI credit allowance per tier (§2).
MONTHLY_ALLOWANCE: Final[dict[str, int]] = {"free": 15, "plus": 150, "pro": 500}
#: Cap on a gig's `max_applicants`, by the owner's tier (§2).
MAX_APPLICANTS_CAP: Final[dict[str, int]] = {"free": 10, "plus": 50, "pro": 200}
#: Published showcases a user may take part in, by tier (§2); None = unlimited.
SHOWCASE_LIMIT: Final[dict[str, int | None]] = {"free": 3, "plus": 10, "pro": None}
#: Applications per calendar month for talent, by tier (§2); None = unlimited.
MONTHLY_APPLICATIONS: Final[dict[str, int | None]] = {"free": 3, "plus": None, "pro": None}
#: AI operations and their price in user credits (§8).
AI_OPERATION_PRICES: Final[dict[str, int]] = {
    "enhance": 2,
    "upscale": 1,
    "restyle": 1,
    "background_blur": 1,
}
#: The default AI provider: local image operations, no outside service (§8).
DEFAULT_AI_PROVIDER: Final = "local"
DEFAULT_PROVIDER_BALANCE: Final = 100_000
DEFAULT_PROVIDER_LOW_BALANCE_THRESHOLD: Final = 1_000
