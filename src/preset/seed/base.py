"""The schema document's seed users, with everything an account needs to be usable.

Every statement is an ``INSERT … ON CONFLICT DO NOTHING`` keyed on fixed ids or unique columns,
so seeding twice changes nothing. Seeding runs as the database owner: it is the platform setting
up its own data, not a user acting through row level security.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from preset.constants import (
    DEFAULT_AI_PROVIDER,
    DEFAULT_PROVIDER_BALANCE,
    DEFAULT_PROVIDER_LOW_BALANCE_THRESHOLD,
    TIER_LIMITS,
)

Connection = psycopg.Connection[Any]

#: The idempotency key of the allowance grant that opens each seeded wallet.
INITIAL_ALLOWANCE_KEY = "seed:initial-allowance"


@dataclass(frozen=True)
class SeedUser:
    id: UUID
    email: str
    role: str
    subscription_tier: str
    display_name: str
    handle: str
    city: str
    country: str
    bio: str


#: Exactly the schema document's "Seed Data": same ids, e-mails, roles and tiers.
SEED_USERS: tuple[SeedUser, ...] = (
    SeedUser(
        id=UUID("00000000-0000-0000-0000-000000000001"),
        email="admin@preset.ie",
        role="admin",
        subscription_tier="pro",
        display_name="Preset Admin",
        handle="preset_admin",
        city="Dublin",
        country="IE",
        bio="Keeps Preset running: moderation, verification and platform credits.",
    ),
    SeedUser(
        id=UUID("00000000-0000-0000-0000-000000000002"),
        email="talent@example.com",
        role="talent",
        subscription_tier="plus",
        display_name="Example Talent",
        handle="example_talent",
        city="Dublin",
        country="IE",
        bio="Model and stylist for editorial and fashion shoots.",
    ),
    SeedUser(
        id=UUID("00000000-0000-0000-0000-000000000003"),
        email="contributor@example.com",
        role="contributor",
        subscription_tier="pro",
        display_name="Example Contributor",
        handle="example_contributor",
        city="Dublin",
        country="IE",
        bio="Photographer posting editorial, portrait and product gigs.",
    ),
)


@dataclass(frozen=True)
class BaseSeedResult:
    user_ids: list[UUID]
    #: Rows this run inserted, per table (all zero on a second run).
    inserted: dict[str, int]


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(moment: datetime) -> datetime:
    start = month_start(moment)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


def _count(cur: psycopg.Cursor[Any]) -> int:
    return max(cur.rowcount, 0)


def seed_users(
    conn: Connection,
    users: Sequence[SeedUser] = SEED_USERS,
    *,
    now: datetime | None = None,
    inserted: dict[str, int] | None = None,
) -> list[UUID]:
    """Create the seed users with profile, subscription, preferences and an opened wallet.

    Returns the seeded user ids, in order, whether or not they existed before: callers (such as
    the accounts module giving development passwords) attach further data to exactly these ids.
    """
    now = now or datetime.now(UTC)
    period_start, period_end = month_start(now), next_month_start(now)
    counts = inserted if inserted is not None else {}

    def add(table: str, cur: psycopg.Cursor[Any]) -> None:
        counts[table] = counts.get(table, 0) + _count(cur)

    for user in users:
        add(
            "users",
            conn.execute(
                """
                INSERT INTO users (id, email, role, subscription_tier, subscription_status,
                                   subscription_started_at, verification_status,
                                   email_verified_at)
                VALUES (%s, %s, %s, %s, 'active', %s, 'email_verified', %s)
                ON CONFLICT DO NOTHING
                """,
                (user.id, user.email, user.role, user.subscription_tier, period_start, now),
            ),
        )
        add(
            "profiles",
            conn.execute(
                """
                INSERT INTO profiles (user_id, display_name, handle, bio, city, country,
                                      profile_completion_percentage, social_links)
                VALUES (%s, %s, %s, %s, %s, %s, 60, %s)
                ON CONFLICT DO NOTHING
                """,
                (
                    user.id,
                    user.display_name,
                    user.handle,
                    user.bio,
                    user.city,
                    user.country,
                    Jsonb({}),
                ),
            ),
        )
        add(
            "subscriptions",
            conn.execute(
                """
                INSERT INTO subscriptions (user_id, tier, status, current_period_start,
                                           current_period_end)
                VALUES (%s, %s, 'active', %s, %s)
                ON CONFLICT DO NOTHING
                """,
                (user.id, user.subscription_tier, period_start, period_end),
            ),
        )
        add(
            "user_content_preferences",
            conn.execute(
                "INSERT INTO user_content_preferences (user_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (user.id,),
            ),
        )
        allowance = TIER_LIMITS[user.subscription_tier].monthly_credit_allowance
        # The wallet and the ledger row that explains its balance are written together, and only
        # when the wallet is new, so balance = sum of transactions holds from the first moment.
        cur = conn.execute(
            """
            WITH wallet AS (
                INSERT INTO user_credits (user_id, current_balance, allowance_balance,
                                          allowance_period_start)
                VALUES (%(user)s, %(allowance)s, %(allowance)s, %(period)s)
                ON CONFLICT DO NOTHING
                RETURNING user_id
            )
            INSERT INTO credit_transactions (user_id, transaction_type, amount, balance_before,
                                             balance_after, description, idempotency_key,
                                             created_at)
            SELECT user_id, 'allowance', %(allowance)s, 0, %(allowance)s,
                   'Monthly allowance (' || %(tier)s || ')', %(key)s, %(now)s
              FROM wallet
            ON CONFLICT DO NOTHING
            """,
            {
                "user": user.id,
                "allowance": allowance,
                "period": period_start,
                "tier": user.subscription_tier,
                "key": INITIAL_ALLOWANCE_KEY,
                "now": now,
            },
        )
        counts["user_credits"] = counts.get("user_credits", 0) + _count(cur)
        counts["credit_transactions"] = counts.get("credit_transactions", 0) + _count(cur)
    return [user.id for user in users]


def seed_platform_credits(conn: Connection) -> int:
    """The default AI provider's account, so enhancements work out of the box."""
    cur = conn.execute(
        """
        INSERT INTO platform_credits (provider, current_balance, low_balance_threshold,
                                      credit_ratio)
        VALUES (%s, %s, %s, 1.0)
        ON CONFLICT DO NOTHING
        """,
        (DEFAULT_AI_PROVIDER, DEFAULT_PROVIDER_BALANCE, DEFAULT_PROVIDER_LOW_BALANCE_THRESHOLD),
    )
    return _count(cur)


def seed_base(conn: Connection, *, now: datetime | None = None) -> BaseSeedResult:
    """The base seed, inside the caller's transaction (the caller commits)."""
    inserted: dict[str, int] = {}
    user_ids = seed_users(conn, now=now, inserted=inserted)
    inserted["platform_credits"] = seed_platform_credits(conn)
    return BaseSeedResult(user_ids=user_ids, inserted=inserted)


def connect_owner(url: str) -> Connection:
    """An owner connection with the search path migrations and seeds expect."""
    return psycopg.connect(url, options="-c search_path=public,extensions")


def run_base_seed(url: str, *, now: datetime | None = None) -> BaseSeedResult:
    with connect_owner(url) as conn:
        result = seed_base(conn, now=now)
        conn.commit()
    return result
