"""The compatibility score (docs/compatibility.md): deterministic, in [0.00, 1.00], each part as
documented, and the worked example of the document."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from preset.applications.compatibility import GigWants, compatibility_score, score_parts
from preset.applications.repository import ProfileSnapshot
from preset.constants import COMPATIBILITY_WEIGHTS, CREATIVE_ROLES

GIG = GigWants.of(
    ["model", "stylist"],
    {
        "min_experience_years": 2,
        "city": "Dublin",
        "verified_only": True,
        "style_tags": ["editorial", "street"],
    },
)
SNAPSHOT = ProfileSnapshot(
    looking_for_types=["model"],
    experience_years=3,
    city="dublin ",
    is_verified=False,
    style_tags=["Editorial", "fashion"],
    profile_completion_percentage=80,
)


def test_the_worked_example_of_the_document() -> None:
    parts = score_parts(GIG, SNAPSHOT)
    assert parts == {
        "roles": Decimal(1),
        "preferences": Decimal(2) / Decimal(3),
        "style": Decimal("0.5"),
        "completion": Decimal("0.8"),
    }
    # 0.40 + 0.25 * 2/3 + 0.20 * 0.5 + 0.15 * 0.8 = 0.7866… → 0.79
    assert compatibility_score(GIG, SNAPSHOT) == Decimal("0.79")


def test_weights_sum_to_one() -> None:
    assert sum(COMPATIBILITY_WEIGHTS.values()) == Decimal(1)


def test_no_stated_preferences_count_as_met() -> None:
    gig = GigWants.of([], {})
    assert gig == GigWants()
    empty, complete = ProfileSnapshot(), ProfileSnapshot(profile_completion_percentage=100)
    assert compatibility_score(gig, empty) == Decimal("0.85")
    assert compatibility_score(gig, complete) == Decimal("1.00")


def test_no_role_overlap_and_nothing_met_scores_zero() -> None:
    snapshot = ProfileSnapshot(looking_for_types=["dancer"], experience_years=0, city="Cork")
    assert compatibility_score(GIG, snapshot) == Decimal("0.00")


def test_random_inputs_give_a_deterministic_score_in_range() -> None:
    rng = random.Random(7)
    tags = ["editorial", "street", "fashion", "portrait", "beauty"]
    for _ in range(500):
        gig = GigWants.of(
            rng.sample(CREATIVE_ROLES, rng.randint(0, 3)),
            {
                "min_experience_years": rng.choice([None, 0, 3, 10]),
                "city": rng.choice([None, "Dublin", "Paris"]),
                "verified_only": rng.random() < 0.3,
                "style_tags": rng.sample(tags, rng.randint(0, 3)),
            },
        )
        snapshot = ProfileSnapshot(
            looking_for_types=rng.sample(CREATIVE_ROLES, rng.randint(0, 3)),
            experience_years=rng.randint(0, 20),
            city=rng.choice([None, "Dublin", "Paris", "Rome"]),
            is_verified=rng.random() < 0.5,
            style_tags=rng.sample(tags, rng.randint(0, 4)),
            profile_completion_percentage=rng.randint(0, 100),
        )
        score = compatibility_score(gig, snapshot)
        assert Decimal("0.00") <= score <= Decimal("1.00")
        assert score == score.quantize(Decimal("0.01"))
        assert compatibility_score(dataclasses.replace(gig), dataclasses.replace(snapshot)) == score
        # The stored JSON of a snapshot gives the same score back (§4: recomputable).
        assert compatibility_score(gig, ProfileSnapshot.from_json(snapshot.to_json())) == score
