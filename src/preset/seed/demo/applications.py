"""Demo applications within tier quotas and gig caps; a completed gig has an accepted one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from psycopg.types.json import Jsonb

from preset.constants import TIER_LIMITS
from preset.seed.demo.dataset import DemoDataset, Row, demo_id, entity_rng
from preset.seed.demo.users import DemoUser

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
class DemoApplication:
    id: UUID
    gig: Row
    talent: DemoUser
    status: str
    applied_at: datetime
    reviewed_at: datetime | None


def make_applications(
    dataset: DemoDataset, gigs: Sequence[Row], talents: Sequence[DemoUser]
) -> list[DemoApplication]:
    anchor = dataset.anchor
    applications: list[DemoApplication] = []
    monthly: Counter[tuple[UUID, int, int]] = Counter()
    profiles = {row["user_id"]: row for row in dataset.rows("profiles")}
    if not talents:
        return applications
    for gig in gigs:
        if gig["status"] not in _APPLICATION_STATUSES:
            continue
        rng = entity_rng(dataset.seed, "applications", gig["id"])
        least = 1 if gig["status"] == "completed" else 0
        wanted = rng.randint(least, min(gig["max_applicants"], 8))
        opened = gig["published_at"]
        closes = min(gig["application_deadline"] or anchor, anchor)
        span = int((closes - opened).total_seconds())
        if span < 600:
            continue
        statuses, weights = _APPLICATION_STATUSES[gig["status"]]
        chosen: list[DemoApplication] = []
        for talent in rng.sample(list(talents), k=min(len(talents), wanted * 2)):
            if len(chosen) >= wanted:
                break
            if talent.created_at > opened:
                continue
            applied_at = opened + timedelta(seconds=rng.randint(60, span - 60))
            month_key = (talent.id, applied_at.year, applied_at.month)
            quota = TIER_LIMITS[talent.tier].applications_per_month
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
                DemoApplication(
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
