"""Demo gigs (also for benchmarks: any number of valid gigs around real cities) and moodboards."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from psycopg.types.json import Jsonb

from preset.constants import TALENT_ROLES, TIER_LIMITS
from preset.seed.demo.dataset import (
    DEFAULT_DEMO_SEED,
    DemoDataset,
    Row,
    demo_anchor,
    demo_id,
    entity_rng,
)
from preset.seed.demo.places import City, jitter_point, weighted_city
from preset.seed.demo.users import DemoUser
from preset.seed.demo.vocabulary import PALETTES, SHOOT_KINDS, SHOOT_MOODS, STYLE_TAGS


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
    cap = TIER_LIMITS[owner_tier].max_applicants_cap
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
        rng = entity_rng(seed, id_prefix, index)
        owner_id, tier = owners[index % len(owners)]
        rows.append(
            make_gig_row(
                rng,
                gig_id=demo_id(id_prefix, index),
                owner_id=owner_id,
                owner_tier=tier,
                city=weighted_city(rng),
                status=rng.choices(names, weights=weights, k=1)[0],
                anchor=anchor,
            )
        )
    return rows


def make_gigs(dataset: DemoDataset, contributors: Sequence[DemoUser]) -> list[Row]:
    gigs: list[Row] = []
    for owner in contributors:
        rng = entity_rng(dataset.seed, "gigs", owner.index)
        # Free contributors publish at most two gigs a month (PRODUCT_RULES §2): keep them at two.
        count = rng.choice((0, 1, 1, 2, 2, 2, 3, 4)) if owner.tier != "free" else rng.randint(0, 2)
        for number in range(count):
            city = owner.city if rng.random() < 0.75 else weighted_city(rng)
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


def make_moodboards(dataset: DemoDataset, gigs: Sequence[Row]) -> None:
    for gig in gigs:
        rng = entity_rng(dataset.seed, "moodboard", gig["id"])
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
