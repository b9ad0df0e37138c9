"""Demo people: accounts, profiles, subscriptions and content preferences."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from psycopg.types.json import Jsonb

from preset.constants import TALENT_ROLES
from preset.seed.base import month_start
from preset.seed.demo.dataset import DEMO_EMAIL_DOMAIN, DemoDataset, ascii_slug, demo_id, entity_rng
from preset.seed.demo.places import City, weighted_city
from preset.seed.demo.vocabulary import (
    CONTRIBUTOR_ROLES,
    EQUIPMENT,
    FIRST_NAMES,
    LAST_NAMES,
    STYLE_TAGS,
)


# ----------------------------------------------------------------------------------- users
@dataclass(frozen=True)
class DemoUser:
    index: int
    id: UUID
    role: str
    tier: str
    city: City
    display_name: str
    handle: str
    created_at: datetime


def _user_role(index: int, rng: random.Random) -> str:
    if index % 100 == 0:
        return "admin"
    return "talent" if rng.random() < 0.55 else "contributor"


def make_users(dataset: DemoDataset) -> list[DemoUser]:
    anchor, seed = dataset.anchor, dataset.seed
    result: list[DemoUser] = []
    for index in range(dataset.users):
        rng = entity_rng(seed, "user", index)
        role = _user_role(index, rng)
        tier = rng.choices(("free", "plus", "pro"), weights=(60, 25, 15), k=1)[0]
        if role == "admin":
            tier = "pro"
        city = weighted_city(rng)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        display_name = f"{first} {last}"
        handle = f"{ascii_slug(first)}_{ascii_slug(last)}"[:24] + f"_{index}"
        user_id = demo_id("user", index)
        created_at = anchor - timedelta(days=rng.randint(120, 720), minutes=rng.randint(0, 1439))
        verification = rng.choices(
            ("unverified", "email_verified", "phone_verified", "id_verified"),
            weights=(8, 67, 10, 15),
            k=1,
        )[0]
        status = "past_due" if rng.random() < 0.03 and tier != "free" else "active"
        email = f"{ascii_slug(first)}.{ascii_slug(last)}.{index}@{DEMO_EMAIL_DOMAIN}"
        dataset.rows("users").append(
            {
                "id": user_id,
                "email": email,
                "role": role,
                "verification_status": verification,
                "subscription_tier": tier,
                "subscription_status": status,
                "subscription_started_at": created_at if tier != "free" else None,
                "last_login_at": anchor - timedelta(hours=rng.randint(1, 24 * 60)),
                "email_verified_at": (
                    None if verification == "unverified" else created_at + timedelta(minutes=7)
                ),
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        offers = (
            rng.sample(TALENT_ROLES, k=rng.randint(1, 2))
            if role == "talent"
            else rng.sample(CONTRIBUTOR_ROLES, k=1)
        )
        completion = rng.randint(45, 100)
        dataset.rows("profiles").append(
            {
                "id": demo_id("profile", index),
                "user_id": user_id,
                "display_name": display_name,
                "handle": handle,
                "avatar_url": f"https://images.preset.example/avatars/{handle}.jpg",
                "bio": (
                    f"{' and '.join(r.replace('_', ' ') for r in offers).capitalize()} based in "
                    f"{city.name}. Into {', '.join(rng.sample(STYLE_TAGS, k=2)).replace('_', ' ')}."
                ),
                "city": city.name,
                "country": city.country,
                "style_tags": rng.sample(STYLE_TAGS, k=rng.randint(2, 4)),
                "looking_for_types": (
                    offers if role == "talent" else rng.sample(TALENT_ROLES, k=2)
                ),
                "experience_years": rng.randint(0, 20),
                "equipment": rng.sample(EQUIPMENT, k=3) if role == "contributor" else [],
                "portfolio_urls": [f"https://portfolio.preset.example/{handle}"],
                "social_links": Jsonb({"instagram": f"@{handle}"} if completion > 70 else {}),
                "profile_completion_percentage": completion,
                "is_verified": verification == "id_verified",
                "verification_badge": "id_verified" if verification == "id_verified" else None,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        period_start = month_start(anchor)
        dataset.rows("subscriptions").append(
            {
                "id": demo_id("subscription", index),
                "user_id": user_id,
                "tier": tier,
                "status": status,
                "stripe_subscription_id": None,
                "stripe_customer_id": None,
                "current_period_start": period_start,
                "current_period_end": period_start + timedelta(days=31),
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        dataset.rows("user_content_preferences").append(
            {
                "id": demo_id("preferences", index),
                "user_id": user_id,
                "allow_nsfw_content": False,
                "content_filter_level": rng.choices(
                    ("strict", "moderate", "lenient"), weights=(15, 75, 10), k=1
                )[0],
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        result.append(DemoUser(index, user_id, role, tier, city, display_name, handle, created_at))
    return result
