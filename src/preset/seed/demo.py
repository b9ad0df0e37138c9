"""A realistic, deterministic demonstration data set, and the helpers to load it fast.

``build_demo_dataset`` is a pure function of its arguments (the number of users, a random seed
and an anchor time): every id is a UUIDv5 of what the row is, every random choice comes from a
generator seeded with the same inputs, so two runs produce identical rows and loading twice
inserts nothing the second time. The rows respect every CHECK constraint of the schema and the
product rules the database cannot check on its own (tier caps, monthly quotas, a completed gig
has an accepted application, reviews only after completed gigs between accepted pairs, showcase
limits, wallet balances that equal the sum of their ledger).

Benchmarks reuse the pieces: ``make_gig_rows`` for any number of gigs around real cities,
``insert_rows`` (idempotent) and ``copy_rows`` (fast bulk load).
"""

from __future__ import annotations

import json
import math
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from psycopg import sql
from psycopg.types.json import Jsonb

from preset.constants import TALENT_ROLES
from preset.seed.base import Connection, month_start, seed_platform_credits
from preset.seed.constants import (
    AI_OPERATION_PRICES,
    DEFAULT_AI_PROVIDER,
    MAX_APPLICANTS_CAP,
    MONTHLY_ALLOWANCE,
    MONTHLY_APPLICATIONS,
    SHOWCASE_LIMIT,
)

Row = dict[str, Any]
#: Called as rows are loaded: (table, rows done in that table, rows in that table).
ProgressCallback = Callable[[str, int, int], None]

DEMO_NAMESPACE = UUID("6f1d3c0e-5a7b-4e0c-9d51-2b8a7c4e9f10")
DEMO_EMAIL_DOMAIN = "demo.preset.ie"
DEFAULT_DEMO_USERS = 300
DEFAULT_DEMO_SEED = 20_240_601
BATCH_SIZE = 1_000


def demo_id(kind: str, *parts: object) -> UUID:
    """The stable id of one demo row: the same inputs always name the same row."""
    return uuid5(DEMO_NAMESPACE, ":".join([kind, *map(str, parts)]))


def demo_anchor(moment: datetime | None = None) -> datetime:
    """Midnight UTC of the given (default: current) day: the "now" a demo data set is built for."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat: float
    lng: float
    currency: str
    areas: tuple[str, ...]


#: Real cities with real coordinates (city centres, WGS84 degrees).
CITIES: tuple[City, ...] = (
    City("Dublin", "IE", 53.349805, -6.260310, "EUR", ("Temple Bar", "Portobello", "Smithfield")),
    City("Cork", "IE", 51.896892, -8.486316, "EUR", ("Shandon", "Docklands", "Blackrock")),
    City("Galway", "IE", 53.270668, -9.056791, "EUR", ("Salthill", "Latin Quarter")),
    City("London", "GB", 51.507351, -0.127758, "GBP", ("Shoreditch", "Peckham", "Camden")),
    City("Manchester", "GB", 53.480759, -2.242631, "GBP", ("Ancoats", "Northern Quarter")),
    City("Paris", "FR", 48.856614, 2.352222, "EUR", ("Le Marais", "Montmartre", "Belleville")),
    City("Berlin", "DE", 52.520007, 13.404954, "EUR", ("Kreuzberg", "Mitte", "Neukölln")),
    City("Lisbon", "PT", 38.722252, -9.139337, "EUR", ("Alfama", "Bairro Alto", "Belém")),
    City("Barcelona", "ES", 41.385064, 2.173403, "EUR", ("El Born", "Gràcia", "Poblenou")),
    City("New York", "US", 40.712784, -74.005941, "USD", ("Brooklyn", "SoHo", "Harlem")),
)
#: Most of the demo community lives in the first cities; the rest travel for shoots.
CITY_WEIGHTS: tuple[int, ...] = (24, 8, 4, 16, 6, 12, 10, 8, 6, 6)

CONTRIBUTOR_ROLES: tuple[str, ...] = ("photographer", "videographer", "art_director")
STYLE_TAGS: tuple[str, ...] = (
    "editorial", "fashion", "portrait", "street", "beauty", "fine_art", "commercial",
    "lifestyle", "documentary", "film", "black_and_white", "studio", "natural_light", "vintage",
    "minimal", "conceptual",
)  # fmt: skip
REVIEW_TAGS: tuple[str, ...] = (
    "professional", "punctual", "creative", "communicative", "prepared", "friendly", "reliable",
    "talented", "collaborative", "experienced",
)  # fmt: skip
EQUIPMENT: tuple[str, ...] = (
    "Sony A7 IV", "Canon EOS R5", "Nikon Z8", "Fujifilm GFX 100S", "Profoto B10",
    "Godox AD600", "85mm f/1.4", "35mm f/1.8", "24-70mm f/2.8", "DJI RS 3 gimbal",
)  # fmt: skip
FIRST_NAMES: tuple[str, ...] = (
    "Aoife", "Ciara", "Niamh", "Saoirse", "Siobhan", "Conor", "Cian", "Darragh", "Oisin",
    "Emma", "Olivia", "Amelia", "Isla", "Oliver", "Harry", "George", "Noah", "Chloé", "Léa",
    "Manon", "Hugo", "Louis", "Jules", "Lena", "Mia", "Hannah", "Felix", "Jonas", "Leon",
    "Inês", "Beatriz", "Tiago", "Duarte", "Lucía", "Martina", "Pau", "Jordi", "Ava", "Maya",
    "Ethan", "Mateo", "Zara", "Yusuf", "Amara", "Kenji", "Priya",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "Ryan", "Smith", "Jones", "Taylor",
    "Brown", "Wilson", "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Silva", "Santos", "Ferreira", "Costa", "García",
    "Martínez", "Puig", "Ferrer", "Johnson", "Williams", "Rodriguez", "Chen", "Okafor",
    "Nakamura", "Patel", "Novak",
)  # fmt: skip
SHOOT_KINDS: tuple[str, ...] = (
    "editorial", "lookbook", "portrait series", "beauty campaign", "streetwear",
    "music video", "product launch", "bridal", "dance film", "album cover",
)  # fmt: skip
SHOOT_MOODS: tuple[str, ...] = (
    "Golden hour", "Moody", "Minimal", "Retro", "Neon night", "Sunlit", "Monochrome",
    "Seaside", "Urban", "Autumn",
)  # fmt: skip
PALETTES: tuple[tuple[str, ...], ...] = (
    ("#1b1b1e", "#373f51", "#58a4b0", "#a9bcd0", "#d8dbe2"),
    ("#f4f1de", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f"),
    ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"),
    ("#0b090a", "#161a1d", "#660708", "#a4161a", "#e5383b"),
    ("#fefae0", "#dda15e", "#bc6c25", "#606c38", "#283618"),
    ("#edede9", "#d6ccc2", "#f5ebe0", "#e3d5ca", "#d5bdaf"),
)
BLURHASHES: tuple[str, ...] = (
    "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    "LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
    "L6PZfSi_.AyE_3t7t7R**0o#DgR4",
    "LGF5]+Yk^6#M@-5c,1J5@[or[Q6.",
)
TALENT_LINES: tuple[str, ...] = (
    "Hi! I'd love to be part of this shoot, the concept looks great.",
    "Thanks for considering me. Is there a mood board I can look at?",
    "I'm available on that date. What should I bring?",
    "Do you have a preference for hair and make-up, or is that covered?",
    "Perfect, I'll be there fifteen minutes early.",
    "Thanks again, it was a lovely day. Looking forward to the photos!",
    "Could we push the call time by half an hour?",
    "I have a couple of outfits that would fit this style, happy to bring them.",
)
OWNER_LINES: tuple[str, ...] = (
    "Thanks for applying! Your portfolio fits what we have in mind.",
    "The mood board is attached to the gig, have a look and tell me what you think.",
    "We start at the location at ten; the studio has a changing room.",
    "Hair and make-up are covered, just come with clean skin please.",
    "Great, see you there. Let me know if anything changes.",
    "The first edits are ready, I'll put them in the showcase for your approval.",
    "Half an hour later works fine.",
    "Neutral tones would be ideal, nothing with big logos.",
)
REVIEW_COMMENTS: tuple[str, ...] = (
    "Great energy on set and very easy to work with.",
    "Arrived prepared and brought fantastic ideas.",
    "Clear communication before and after the shoot.",
    "Would happily work together again.",
    "Professional from start to finish, the results speak for themselves.",
    "A bit of a late start, but the session went well.",
)


@dataclass
class DemoDataset:
    """Rows per table, in an order that satisfies every foreign key."""

    users: int
    seed: int
    anchor: datetime
    tables: dict[str, list[Row]] = field(default_factory=dict)
    #: Circular references filled in after both sides exist: (table, id, column, value).
    links: list[tuple[str, UUID, str, UUID]] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        return self.tables.setdefault(table, [])

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}


def _rng(seed: int, *parts: object) -> random.Random:
    """A generator for one entity: its data depends on its own key, not on generation order."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def _ascii_slug(text: str) -> str:
    """Turn "Müller" into "muller": handles and e-mail addresses are plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "_"))


def _weighted_city(rng: random.Random) -> City:
    return rng.choices(CITIES, weights=CITY_WEIGHTS, k=1)[0]


def jitter_point(rng: random.Random, city: City, max_km: float = 8.0) -> tuple[Decimal, Decimal]:
    """A point within ``max_km`` of the city centre (uniform over the disc)."""
    distance = max_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = (distance * math.cos(bearing)) / 111.32
    dlng = (distance * math.sin(bearing)) / (111.32 * math.cos(math.radians(city.lat)))
    return (
        Decimal(f"{city.lat + dlat:.6f}"),
        Decimal(f"{city.lng + dlng:.6f}"),
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


def _make_users(dataset: DemoDataset) -> list[DemoUser]:
    anchor, seed = dataset.anchor, dataset.seed
    result: list[DemoUser] = []
    for index in range(dataset.users):
        rng = _rng(seed, "user", index)
        role = _user_role(index, rng)
        tier = rng.choices(("free", "plus", "pro"), weights=(60, 25, 15), k=1)[0]
        if role == "admin":
            tier = "pro"
        city = _weighted_city(rng)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        display_name = f"{first} {last}"
        handle = f"{_ascii_slug(first)}_{_ascii_slug(last)}"[:24] + f"_{index}"
        user_id = demo_id("user", index)
        created_at = anchor - timedelta(days=rng.randint(120, 720), minutes=rng.randint(0, 1439))
        verification = rng.choices(
            ("unverified", "email_verified", "phone_verified", "id_verified"),
            weights=(8, 67, 10, 15),
            k=1,
        )[0]
        status = "past_due" if rng.random() < 0.03 and tier != "free" else "active"
        email = f"{_ascii_slug(first)}.{_ascii_slug(last)}.{index}@{DEMO_EMAIL_DOMAIN}"
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


# ----------------------------------------------------------------------------------- credits
def _months_back(anchor: datetime, count: int) -> list[datetime]:
    starts = [month_start(anchor)]
    for _ in range(count - 1):
        starts.insert(0, month_start(starts[0] - timedelta(days=1)))
    return starts


def _make_credit_history(dataset: DemoDataset, users: Sequence[DemoUser]) -> None:
    """Three months of allowances, purchases and AI usage per user, ledger and wallet in step."""
    anchor = dataset.anchor
    packages = ((10, "starter"), (25, "basic"), (50, "popular"), (100, "pro"))
    for user in users:
        rng = _rng(dataset.seed, "credits", user.index)
        balance = allowance_balance = purchased = used = 0
        last_purchase: datetime | None = None
        last_used: datetime | None = None
        sequence = 0

        def record(
            kind: str,
            amount: int,
            at: datetime,
            description: str,
            *,
            user: DemoUser = user,
            **extra: Any,
        ) -> None:
            nonlocal balance, sequence
            sequence += 1
            dataset.rows("credit_transactions").append(
                {
                    "id": demo_id("credit_tx", user.index, sequence),
                    "user_id": user.id,
                    "transaction_type": kind,
                    "amount": amount,
                    "balance_before": balance,
                    "balance_after": balance + amount,
                    "operation_type": extra.get("operation_type"),
                    "operation_id": extra.get("operation_id"),
                    "description": description,
                    "idempotency_key": f"demo:{kind}:{user.index}:{sequence}",
                    "created_at": at,
                }
            )
            balance += amount

        for period in _months_back(anchor, 3):
            if period < month_start(user.created_at):
                continue
            start = max(period, user.created_at)
            if allowance_balance:
                record("expiry", -allowance_balance, start, "Unused allowance expired")
                allowance_balance = 0
            allowance = MONTHLY_ALLOWANCE[user.tier]
            record("allowance", allowance, start, f"Monthly allowance ({user.tier})")
            allowance_balance = allowance
            period_end = min(anchor, month_start(period + timedelta(days=32)))
            span = int((period_end - start).total_seconds())
            if span <= 3600:
                continue
            moments = sorted(
                start + timedelta(seconds=rng.randint(60, span - 60))
                for _ in range(rng.randint(0, 6))
            )
            for moment in moments:
                if rng.random() < 0.15:
                    package_credits, slug = rng.choice(packages)
                    record(
                        "purchase",
                        package_credits,
                        moment,
                        f"Bought the {slug} credit package",
                        operation_type="credit_package",
                    )
                    purchased += package_credits
                    last_purchase = moment
                    continue
                operation = rng.choice(tuple(AI_OPERATION_PRICES))
                price = AI_OPERATION_PRICES[operation]
                if balance < price:
                    continue
                enhancement_id = demo_id("ai", user.index, sequence + 1)
                dataset.rows("ai_enhancements").append(
                    {
                        "id": enhancement_id,
                        "user_id": user.id,
                        "operation": operation,
                        "provider": DEFAULT_AI_PROVIDER,
                        "status": "succeeded",
                        "credits_cost": price,
                        "provider_credits_cost": Decimal(price),
                        "parameters": Jsonb({"strength": round(rng.uniform(0.3, 0.9), 2)}),
                        "idempotency_key": f"demo:ai:{enhancement_id}",
                        "attempts": 1,
                        "started_at": moment + timedelta(seconds=2),
                        "completed_at": moment + timedelta(seconds=rng.randint(5, 40)),
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
                record(
                    "usage",
                    -price,
                    moment,
                    f"AI {operation.replace('_', ' ')}",
                    operation_type="ai_enhancement",
                    operation_id=enhancement_id,
                )
                # The allowance is spent first (PRODUCT_RULES §8).
                allowance_balance -= min(allowance_balance, price)
                used += price
                last_used = moment
        dataset.rows("user_credits").append(
            {
                "id": demo_id("wallet", user.index),
                "user_id": user.id,
                "current_balance": balance,
                "total_purchased": purchased,
                "total_used": used,
                "last_purchase_at": last_purchase,
                "last_used_at": last_used,
                "allowance_balance": allowance_balance,
                "allowance_period_start": month_start(anchor),
                "created_at": user.created_at,
                "updated_at": user.created_at,
            }
        )


# ----------------------------------------------------------------------------------- gigs
def _gig_text(rng: random.Random, city: City, area: str) -> tuple[str, str]:
    kind = rng.choice(SHOOT_KINDS)
    title = f"{rng.choice(SHOOT_MOODS)} {kind} in {area}"
    description = (
        f"Looking for creatives for a {kind} shoot around {area}, {city.name}. "
        f"The look is {rng.choice(STYLE_TAGS).replace('_', ' ')} with "
        f"{rng.choice(STYLE_TAGS).replace('_', ' ')} touches. "
        "Call sheet, mood board and a light lunch provided; edited images shared within two weeks."
    )
    return title[:120], description


def make_gig_row(
    rng: random.Random,
    *,
    gig_id: UUID,
    owner_id: UUID,
    owner_tier: str,
    city: City,
    status: str,
    anchor: datetime,
) -> Row:
    """One valid gig in ``status`` around ``city``, timed relative to ``anchor``."""
    area = rng.choice(city.areas)
    title, description = _gig_text(rng, city, area)
    lat, lng = jitter_point(rng, city)
    hour = timedelta(hours=rng.randint(8, 17))
    start: datetime | None
    published_at = closed_at = completed_at = cancelled_at = None
    if status == "completed":
        start = anchor - timedelta(days=rng.randint(7, 80)) + hour
    elif status == "cancelled":
        start = anchor + timedelta(days=rng.randint(-40, 30)) + hour
    elif status == "draft" and rng.random() < 0.3:
        start = None
    else:
        start = anchor + timedelta(days=rng.randint(4, 70)) + hour
    end = start + timedelta(hours=rng.randint(2, 9)) if start else None
    deadline = start - timedelta(days=rng.randint(1, 3)) if start else None
    if status == "closed" and start is not None and rng.random() < 0.5:
        # Closed automatically: the deadline has passed although the shoot is still ahead.
        deadline = min(start, anchor - timedelta(hours=rng.randint(2, 48)))
    base = min(deadline or anchor, anchor)
    created_at = base - timedelta(days=rng.randint(5, 30), minutes=rng.randint(0, 600))
    if status != "draft":
        published_at = created_at + timedelta(hours=rng.randint(1, 48))
    if status == "closed":
        closed_at = min(anchor, (deadline or anchor))
    if status == "completed" and end is not None:
        completed_at = min(anchor, end + timedelta(days=rng.randint(0, 4)))
    if status == "cancelled":
        cancelled_at = min(anchor, (published_at or created_at) + timedelta(days=2))
    comp_type = rng.choices(("tfp", "paid", "expenses"), weights=(45, 35, 20), k=1)[0]
    amount: Decimal | None = None
    if comp_type == "paid":
        amount = Decimal(rng.randrange(80, 1500, 10))
    elif comp_type == "expenses":
        amount = Decimal(rng.randrange(20, 150, 5))
    cap = MAX_APPLICANTS_CAP[owner_tier]
    roles_count = rng.randint(1, 3) if status != "draft" or rng.random() < 0.8 else 0
    return {
        "id": gig_id,
        "owner_user_id": owner_id,
        "title": title,
        "description": description,
        "comp_type": comp_type,
        "comp_amount": amount,
        "comp_currency": city.currency,
        "location_text": f"{area}, {city.name}",
        "location_lat": lat,
        "location_lng": lng,
        "location_radius": rng.choice((5, 10, 10, 15, 25)),
        "start_time": start,
        "end_time": end,
        "application_deadline": deadline,
        "max_applicants": min(cap, rng.choice((5, 8, 10, 15, 20, 30))),
        "usage_rights": rng.choice(
            ("Portfolio use for both sides", "Editorial submission, credited", "Social media")
        ),
        "safety_notes": "Changing room on site; a chaperone is welcome.",
        "status": status,
        "boost_level": rng.randint(0, 3) if owner_tier == "pro" and status == "published" else 0,
        "looking_for_types": rng.sample(TALENT_ROLES, k=roles_count),
        "applicant_preferences": Jsonb(
            {"min_experience_years": rng.choice((0, 1, 2, 3))} if rng.random() < 0.5 else {}
        ),
        "published_at": published_at,
        "closed_at": closed_at,
        "completed_at": completed_at,
        "cancelled_at": cancelled_at,
        "created_at": created_at,
        "updated_at": created_at,
    }


GIG_STATUS_WEIGHTS: Mapping[str, int] = {
    "published": 45,
    "draft": 10,
    "closed": 10,
    "completed": 25,
    "cancelled": 10,
}


def make_gig_rows(
    count: int,
    owners: Sequence[tuple[UUID, str]],
    *,
    seed: int = DEFAULT_DEMO_SEED,
    anchor: datetime | None = None,
    statuses: Mapping[str, int] = GIG_STATUS_WEIGHTS,
    id_prefix: str = "bench-gig",
) -> list[Row]:
    """``count`` valid gigs spread over the demo cities, for benchmarks (owners: (id, tier))."""
    anchor = demo_anchor(anchor)
    rows: list[Row] = []
    names, weights = tuple(statuses), tuple(statuses.values())
    for index in range(count):
        rng = _rng(seed, id_prefix, index)
        owner_id, tier = owners[index % len(owners)]
        rows.append(
            make_gig_row(
                rng,
                gig_id=demo_id(id_prefix, index),
                owner_id=owner_id,
                owner_tier=tier,
                city=_weighted_city(rng),
                status=rng.choices(names, weights=weights, k=1)[0],
                anchor=anchor,
            )
        )
    return rows


def _make_gigs(dataset: DemoDataset, contributors: Sequence[DemoUser]) -> list[Row]:
    gigs: list[Row] = []
    for owner in contributors:
        rng = _rng(dataset.seed, "gigs", owner.index)
        # Free contributors publish at most two gigs a month (PRODUCT_RULES §2): keep them at two.
        count = rng.choice((0, 1, 1, 2, 2, 2, 3, 4)) if owner.tier != "free" else rng.randint(0, 2)
        for number in range(count):
            city = owner.city if rng.random() < 0.75 else _weighted_city(rng)
            status = rng.choices(
                tuple(GIG_STATUS_WEIGHTS), weights=tuple(GIG_STATUS_WEIGHTS.values()), k=1
            )[0]
            gigs.append(
                make_gig_row(
                    rng,
                    gig_id=demo_id("gig", owner.index, number),
                    owner_id=owner.id,
                    owner_tier=owner.tier,
                    city=city,
                    status=status,
                    anchor=dataset.anchor,
                )
            )
    dataset.rows("gigs").extend(gigs)
    return gigs


def _make_moodboards(dataset: DemoDataset, gigs: Sequence[Row]) -> None:
    for gig in gigs:
        rng = _rng(dataset.seed, "moodboard", gig["id"])
        if gig["status"] not in ("published", "draft") or rng.random() > 0.35:
            continue
        palette = list(rng.choice(PALETTES))
        moodboard_id = demo_id("moodboard", gig["id"])
        dataset.rows("moodboards").append(
            {
                "id": moodboard_id,
                "gig_id": gig["id"],
                "owner_user_id": gig["owner_user_id"],
                "title": f"Mood: {gig['title']}"[:120],
                "description": "References for light, styling and colour.",
                "items": Jsonb(
                    [
                        {"type": "colour", "value": palette[0]},
                        {"type": "note", "text": "Soft window light, no harsh flash."},
                        {
                            "type": "url",
                            "url": f"https://images.preset.example/refs/{moodboard_id}.jpg",
                        },
                    ]
                ),
                "palette": palette,
                "is_public": gig["status"] == "published",
                "created_at": gig["created_at"],
                "updated_at": gig["created_at"],
            }
        )
        dataset.links.append(("gigs", gig["id"], "moodboard_id", moodboard_id))


# ----------------------------------------------------------------------------------- applications
_APPLICATION_STATUSES: Mapping[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "published": (
        ("pending", "shortlisted", "accepted", "declined", "withdrawn"), (50, 25, 10, 10, 5)
    ),
    "closed": (("pending", "shortlisted", "accepted", "declined"), (30, 30, 20, 20)),
    "completed": (("accepted", "declined", "withdrawn"), (30, 50, 20)),
    "cancelled": (("declined", "withdrawn"), (80, 20)),
}  # fmt: skip


@dataclass(frozen=True)
class _Application:
    id: UUID
    gig: Row
    talent: DemoUser
    status: str
    applied_at: datetime
    reviewed_at: datetime | None


def _make_applications(
    dataset: DemoDataset, gigs: Sequence[Row], talents: Sequence[DemoUser]
) -> list[_Application]:
    anchor = dataset.anchor
    applications: list[_Application] = []
    monthly: Counter[tuple[UUID, int, int]] = Counter()
    profiles = {row["user_id"]: row for row in dataset.rows("profiles")}
    if not talents:
        return applications
    for gig in gigs:
        if gig["status"] not in _APPLICATION_STATUSES:
            continue
        rng = _rng(dataset.seed, "applications", gig["id"])
        least = 1 if gig["status"] == "completed" else 0
        wanted = rng.randint(least, min(gig["max_applicants"], 8))
        opened = gig["published_at"]
        closes = min(gig["application_deadline"] or anchor, anchor)
        span = int((closes - opened).total_seconds())
        if span < 600:
            continue
        statuses, weights = _APPLICATION_STATUSES[gig["status"]]
        chosen: list[_Application] = []
        for talent in rng.sample(list(talents), k=min(len(talents), wanted * 2)):
            if len(chosen) >= wanted:
                break
            if talent.created_at > opened:
                continue
            applied_at = opened + timedelta(seconds=rng.randint(60, span - 60))
            month_key = (talent.id, applied_at.year, applied_at.month)
            quota = MONTHLY_APPLICATIONS[talent.tier]
            if quota is not None and monthly[month_key] >= quota:
                continue
            monthly[month_key] += 1
            status = rng.choices(statuses, weights=weights, k=1)[0]
            if gig["status"] == "completed" and not chosen:
                status = "accepted"  # a completed gig has at least one accepted application
            reviewed_at = None
            if status in ("shortlisted", "accepted", "declined"):
                reviewed_at = min(closes, applied_at + timedelta(hours=rng.randint(1, 72)))
            chosen.append(
                _Application(
                    demo_id("application", gig["id"], talent.id),
                    gig,
                    talent,
                    status,
                    applied_at,
                    reviewed_at,
                )
            )
        for application in chosen:
            profile = profiles[application.talent.id]
            dataset.rows("applications").append(
                {
                    "id": application.id,
                    "gig_id": gig["id"],
                    "applicant_user_id": application.talent.id,
                    "note": "I'd love to join this shoot; my portfolio has similar work.",
                    "status": application.status,
                    "applied_at": application.applied_at,
                    "reviewed_at": application.reviewed_at,
                    "reviewed_by": gig["owner_user_id"] if application.reviewed_at else None,
                    "profile_snapshot": Jsonb(
                        {
                            "display_name": profile["display_name"],
                            "handle": profile["handle"],
                            "avatar_url": profile["avatar_url"],
                            "bio": profile["bio"],
                            "city": profile["city"],
                            "style_tags": profile["style_tags"],
                            "experience_years": profile["experience_years"],
                            "published_showcases": 0,
                            "rating": None,
                        }
                    ),
                    "compatibility_score": Decimal(f"{rng.uniform(0.2, 0.98):.2f}"),
                    "updated_at": application.reviewed_at or application.applied_at,
                }
            )
        applications.extend(chosen)
    return applications


# ----------------------------------------------------------------------------------- messaging
def _make_conversations(dataset: DemoDataset, applications: Sequence[_Application]) -> None:
    anchor = dataset.anchor
    for application in applications:
        rng = _rng(dataset.seed, "conversation", application.id)
        if application.status != "accepted" and rng.random() > 0.6:
            continue
        owner_id = application.gig["owner_user_id"]
        talent_id = application.talent.id
        conversation_id = demo_id("conversation", application.gig["id"], talent_id)
        status, blocked_by, archived_by = "active", None, []
        roll = rng.random()
        if roll < 0.02:
            status, blocked_by = "blocked", rng.choice((owner_id, talent_id))
        elif roll < 0.08:
            archived_by = [rng.choice((owner_id, talent_id))]
        sent_at = application.applied_at
        messages: list[Row] = []
        for number in range(rng.randint(1, 8)):
            from_talent = number % 2 == 0
            sent_at = sent_at + timedelta(minutes=rng.randint(3, 600))
            if sent_at >= anchor:
                break
            body = rng.choice(TALENT_LINES if from_talent else OWNER_LINES)
            messages.append(
                {
                    "id": demo_id("message", conversation_id, number),
                    "conversation_id": conversation_id,
                    "from_user_id": talent_id if from_talent else owner_id,
                    "to_user_id": owner_id if from_talent else talent_id,
                    "body": body,
                    "sent_at": sent_at,
                    "read_at": (
                        sent_at + timedelta(minutes=rng.randint(1, 240))
                        if rng.random() < 0.85
                        else None
                    ),
                }
            )
        for message in messages:
            if message["read_at"] is not None and message["read_at"] > anchor:
                message["read_at"] = None
        dataset.rows("conversations").append(
            {
                "id": conversation_id,
                "gig_id": application.gig["id"],
                "participants": [owner_id, talent_id],
                "status": status,
                "last_message_at": messages[-1]["sent_at"] if messages else None,
                "blocked_by": blocked_by,
                "archived_by": archived_by,
                "created_at": application.applied_at,
                "updated_at": messages[-1]["sent_at"] if messages else application.applied_at,
            }
        )
        dataset.rows("messages").extend(messages)
        if messages:
            dataset.links.append(
                ("conversations", conversation_id, "last_message_id", messages[-1]["id"])
            )


# --------------------------------------------------------------------------- reviews, showcases
def _make_reviews_and_showcases(
    dataset: DemoDataset, applications: Sequence[_Application], users: Sequence[DemoUser]
) -> None:
    anchor = dataset.anchor
    tiers = {user.id: user.tier for user in users}
    published_showcases: Counter[UUID] = Counter()
    by_gig: dict[UUID, list[_Application]] = defaultdict(list)
    for application in applications:
        if application.gig["status"] == "completed" and application.status == "accepted":
            by_gig[application.gig["id"]].append(application)
    for gig_id, accepted in by_gig.items():
        for application in accepted:
            gig = application.gig
            owner_id, talent_id = gig["owner_user_id"], application.talent.id
            rng = _rng(dataset.seed, "after-gig", application.id)
            done = gig["completed_at"]
            directions = ((owner_id, talent_id, 0.8), (talent_id, owner_id, 0.7))
            for reviewer, reviewee, chance in directions:
                if rng.random() > chance:
                    continue
                created = min(anchor, done + timedelta(hours=rng.randint(1, 96)))
                dataset.rows("reviews").append(
                    {
                        "id": demo_id("review", gig_id, reviewer, reviewee),
                        "gig_id": gig_id,
                        "reviewer_id": reviewer,
                        "reviewee_id": reviewee,
                        "rating": rng.choices((5, 4, 3, 2, 1), weights=(50, 35, 10, 4, 1), k=1)[0],
                        "tags": rng.sample(REVIEW_TAGS, k=rng.randint(0, 3)),
                        "comment": rng.choice(REVIEW_COMMENTS) if rng.random() < 0.8 else None,
                        "is_public": rng.random() > 0.03,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            if rng.random() > 0.5:
                continue
            showcase_id = demo_id("showcase", gig_id, owner_id, talent_id)
            palette = list(rng.choice(PALETTES))

            def under_limit(user_id: UUID) -> bool:
                limit = SHOWCASE_LIMIT[tiers.get(user_id, "free")]
                return limit is None or published_showcases[user_id] < limit

            public = rng.random() < 0.7 and under_limit(owner_id) and under_limit(talent_id)
            created = min(anchor, done + timedelta(days=rng.randint(1, 10)))
            media_ids: list[UUID] = []
            for number in range(rng.randint(3, 6)):
                media_id = demo_id("media", showcase_id, number)
                media_ids.append(media_id)
                portrait = rng.random() < 0.6
                dataset.rows("media").append(
                    {
                        "id": media_id,
                        "owner_user_id": owner_id if rng.random() < 0.8 else talent_id,
                        "gig_id": gig_id,
                        "showcase_id": showcase_id,
                        "type": "image",
                        "bucket": "media",
                        "path": f"demo/{gig_id}/{media_id}.jpg",
                        "original_filename": f"DSC_{rng.randint(1000, 9999)}.jpg",
                        "mime_type": "image/jpeg",
                        "file_size": rng.randint(1_500_000, 9_000_000),
                        "width": 4000 if portrait else 6000,
                        "height": 6000 if portrait else 4000,
                        "palette": palette,
                        "blurhash": rng.choice(BLURHASHES),
                        "exif_data": Jsonb({"camera": rng.choice(EQUIPMENT[:4]), "iso": 200}),
                        "visibility": "public" if public else "private",
                        "created_at": created,
                    }
                )
            if public:
                published_showcases[owner_id] += 1
                published_showcases[talent_id] += 1
            dataset.rows("showcases").append(
                {
                    "id": showcase_id,
                    "gig_id": gig_id,
                    "creator_user_id": owner_id,
                    "talent_user_id": talent_id,
                    "media_ids": media_ids,
                    "caption": f"{gig['title']}: behind the lens with the whole team."[:500],
                    "tags": rng.sample(STYLE_TAGS, k=rng.randint(1, 4)),
                    "palette": palette,
                    "approved_by_creator_at": created + timedelta(hours=1),
                    "approved_by_talent_at": created + timedelta(hours=20) if public else None,
                    "visibility": "public" if public else "private",
                    "likes_count": rng.randint(0, 120) if public else 0,
                    "views_count": rng.randint(50, 3000) if public else rng.randint(0, 10),
                    "published_at": created + timedelta(hours=20) if public else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )


# ----------------------------------------------------------------------------------- building
#: Table load order: parents before children.
LOAD_ORDER: tuple[str, ...] = (
    "users",
    "profiles",
    "subscriptions",
    "user_content_preferences",
    "user_credits",
    "credit_transactions",
    "ai_enhancements",
    "gigs",
    "moodboards",
    "applications",
    "conversations",
    "messages",
    "showcases",
    "media",
    "reviews",
)


def build_demo_dataset(
    *,
    users: int = DEFAULT_DEMO_USERS,
    seed: int = DEFAULT_DEMO_SEED,
    anchor: datetime | None = None,
) -> DemoDataset:
    """Build (without touching any database) the demo data set for ``users`` people."""
    if users < 1:
        raise ValueError("the demo data set needs at least one user")
    dataset = DemoDataset(users=users, seed=seed, anchor=demo_anchor(anchor))
    for table in LOAD_ORDER:
        dataset.rows(table)
    people = _make_users(dataset)
    _make_credit_history(dataset, people)
    gigs = _make_gigs(dataset, [u for u in people if u.role == "contributor"])
    _make_moodboards(dataset, gigs)
    applications = _make_applications(dataset, gigs, [u for u in people if u.role == "talent"])
    _make_conversations(dataset, applications)
    _make_reviews_and_showcases(dataset, applications, people)
    return dataset


# ----------------------------------------------------------------------------------- loading
def _chunks(rows: Sequence[Row], size: int) -> Iterable[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(
    conn: Connection,
    table: str,
    rows: Sequence[Row],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """``INSERT … ON CONFLICT DO NOTHING`` every row (all rows share the first row's keys).

    Returns the number of rows actually inserted.
    """
    if not rows:
        return 0
    columns = list(rows[0])
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    inserted = done = 0
    with conn.cursor() as cur:
        for chunk in _chunks(rows, batch_size):
            values = [[row[column] for column in columns] for row in chunk]
            cur.executemany(statement, values, returning=False)
            inserted += max(cur.rowcount, 0)
            done += len(chunk)
            if progress:
                progress(table, done, len(rows))
    return inserted


def copy_rows(
    conn: Connection,
    table: str,
    rows: Sequence[Row],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = 10_000,
) -> int:
    """Bulk-load rows with COPY (no conflict handling: for fresh tables and benchmarks)."""
    if not rows:
        return 0
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    done = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for chunk in _chunks(rows, batch_size):
            for row in chunk:
                copy.write_row([_copy_value(row[c]) for c in columns])
            done += len(chunk)
            if progress:
                progress(table, done, len(rows))
    return done


def _copy_value(value: Any) -> Any:
    # COPY's text format has no adapter context for Jsonb wrappers around lists; unwrap to str.
    if isinstance(value, Jsonb):
        return json.dumps(value.obj)
    return value


class DemoSeedConflict(RuntimeError):
    """The database holds demo data generated with other parameters."""


def existing_demo_users(conn: Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM users WHERE email LIKE %s", (f"%@{DEMO_EMAIL_DOMAIN}",)
    ).fetchone()
    return int(row[0]) if row else 0


def load_demo(
    conn: Connection, dataset: DemoDataset, *, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Insert the data set inside the caller's transaction; returns rows inserted per table.

    Idempotent for the same data set. A database that already holds demo data for a different
    number of users is refused rather than mixed, so every ledger stays consistent.
    """
    present = existing_demo_users(conn)
    if present and present != dataset.users:
        raise DemoSeedConflict(
            f"the database already holds demo data for {present} users; "
            f"seeding {dataset.users} would mix two data sets (reset the database first)"
        )
    seed_platform_credits(conn)
    inserted = {
        table: insert_rows(conn, table, dataset.rows(table), progress=progress)
        for table in LOAD_ORDER
    }
    grouped: dict[tuple[str, str], list[tuple[UUID, UUID]]] = defaultdict(list)
    for table, row_id, column, value in dataset.links:
        grouped[(table, column)].append((value, row_id))
    with conn.cursor() as cur:
        for (table, column), pairs in grouped.items():
            # Only where still unset, so a second run writes nothing (and audits nothing).
            cur.executemany(
                sql.SQL("UPDATE {} SET {} = %s WHERE id = %s AND {} IS NULL").format(
                    sql.Identifier(table), sql.Identifier(column), sql.Identifier(column)
                ),
                pairs,
            )
    return inserted
