"""Demo reviews after completed gigs, and showcases with their media within tier limits."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

from psycopg.types.json import Jsonb

from preset.constants import TIER_LIMITS
from preset.seed.demo.applications import DemoApplication
from preset.seed.demo.dataset import DemoDataset, demo_id, entity_rng
from preset.seed.demo.users import DemoUser
from preset.seed.demo.vocabulary import (
    BLURHASHES,
    EQUIPMENT,
    PALETTES,
    REVIEW_COMMENTS,
    REVIEW_TAGS,
    STYLE_TAGS,
)


# --------------------------------------------------------------------------- reviews, showcases
def make_reviews_and_showcases(
    dataset: DemoDataset, applications: Sequence[DemoApplication], users: Sequence[DemoUser]
) -> None:
    anchor = dataset.anchor
    tiers = {user.id: user.tier for user in users}
    published_showcases: Counter[UUID] = Counter()
    by_gig: dict[UUID, list[DemoApplication]] = defaultdict(list)
    for application in applications:
        if application.gig["status"] == "completed" and application.status == "accepted":
            by_gig[application.gig["id"]].append(application)
    for gig_id, accepted in by_gig.items():
        for application in accepted:
            gig = application.gig
            owner_id, talent_id = gig["owner_user_id"], application.talent.id
            rng = entity_rng(dataset.seed, "after-gig", application.id)
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
                limit = TIER_LIMITS[tiers.get(user_id, "free")].published_showcases
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
