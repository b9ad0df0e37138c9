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

One module per thing seeded: `users`, `credits`, `gigs` (and moodboards), `applications`,
`messaging`, `showcases` (and reviews); `loading` writes a data set to the database.
"""

from __future__ import annotations

from datetime import datetime

from preset.seed.demo.applications import make_applications
from preset.seed.demo.credits import make_credit_history
from preset.seed.demo.dataset import (
    DEFAULT_DEMO_SEED,
    DEFAULT_DEMO_USERS,
    DEMO_EMAIL_DOMAIN,
    LOAD_ORDER,
    DemoDataset,
    ProgressCallback,
    Row,
    demo_anchor,
    demo_id,
)
from preset.seed.demo.gigs import (
    GIG_STATUS_WEIGHTS,
    make_gig_row,
    make_gig_rows,
    make_gigs,
    make_moodboards,
)
from preset.seed.demo.loading import (
    DemoSeedConflict,
    copy_rows,
    existing_demo_users,
    insert_rows,
    load_demo,
)
from preset.seed.demo.messaging import make_conversations
from preset.seed.demo.places import CITIES, City, jitter_point
from preset.seed.demo.showcases import make_reviews_and_showcases
from preset.seed.demo.users import DemoUser, make_users

__all__ = [
    "CITIES",
    "DEFAULT_DEMO_SEED",
    "DEFAULT_DEMO_USERS",
    "DEMO_EMAIL_DOMAIN",
    "GIG_STATUS_WEIGHTS",
    "LOAD_ORDER",
    "City",
    "DemoDataset",
    "DemoSeedConflict",
    "DemoUser",
    "ProgressCallback",
    "Row",
    "build_demo_dataset",
    "copy_rows",
    "demo_anchor",
    "demo_id",
    "existing_demo_users",
    "insert_rows",
    "jitter_point",
    "load_demo",
    "make_gig_row",
    "make_gig_rows",
]


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
    people = make_users(dataset)
    make_credit_history(dataset, people)
    gigs = make_gigs(dataset, [u for u in people if u.role == "contributor"])
    make_moodboards(dataset, gigs)
    applications = make_applications(dataset, gigs, [u for u in people if u.role == "talent"])
    make_conversations(dataset, applications)
    make_reviews_and_showcases(dataset, applications, people)
    return dataset
