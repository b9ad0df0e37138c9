"""`preset db seed --demo`: a realistic, deterministic, consistent demo data set."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg.types.json import Jsonb
from typer.testing import CliRunner

from preset.cli import app
from preset.constants import TIER_LIMITS
from preset.seed.base import connect_owner, run_base_seed
from preset.seed.demo import (
    CITIES,
    DemoSeedConflict,
    build_demo_dataset,
    load_demo,
    make_gig_rows,
)
from tests.seed.helpers import ledger_problems, table_counts
from tests.support.database import Database

DEMO_USERS = 150


def _plain(value: Any) -> Any:
    return value.obj if isinstance(value, Jsonb) else value


def _load(db: Database, users: int = DEMO_USERS) -> dict[str, int]:
    run_base_seed(db.url)
    with connect_owner(db.url) as conn:
        inserted = load_demo(conn, build_demo_dataset(users=users))
        conn.commit()
    return inserted


@pytest.fixture()
def demo_db(db: Database) -> Database:
    _load(db)
    return db


def test_dataset_is_deterministic() -> None:
    anchor = datetime(2026, 3, 14, tzinfo=UTC)
    first = build_demo_dataset(users=80, seed=7, anchor=anchor)
    second = build_demo_dataset(users=80, seed=7, anchor=anchor)
    other_seed = build_demo_dataset(users=80, seed=8, anchor=anchor)

    def plain(dataset: Any) -> dict[str, list[dict[str, Any]]]:
        return {
            table: [{k: _plain(v) for k, v in row.items()} for row in rows]
            for table, rows in dataset.tables.items()
        }

    assert plain(first) == plain(second)
    assert first.links == second.links
    assert plain(first) != plain(other_seed)


def test_demo_data_set_is_realistic_in_size(demo_db: Database) -> None:
    counts = table_counts(demo_db)
    assert counts["users"] == DEMO_USERS + 3
    for table in (
        "gigs", "applications", "conversations", "messages", "reviews", "showcases", "media",
        "credit_transactions", "ai_enhancements", "moodboards",
    ):  # fmt: skip
        assert counts[table] > 0, table
    statuses = {r["status"] for r in demo_db.execute("SELECT DISTINCT status FROM gigs")}
    assert statuses == {"draft", "published", "closed", "completed", "cancelled"}


def test_gigs_sit_in_real_cities_at_their_real_coordinates(demo_db: Database) -> None:
    rows = demo_db.execute("SELECT location_text, location_lat, location_lng FROM gigs")
    seen: set[str] = set()
    for row in rows:
        city = next(c for c in CITIES if row["location_text"].endswith(", " + c.name))
        seen.add(city.name)
        distance = demo_db.execute(
            "SELECT earth_distance(ll_to_earth(%s, %s), ll_to_earth(%s, %s)) AS m",
            (float(row["location_lat"]), float(row["location_lng"]), city.lat, city.lng),
        )[0]["m"]
        assert distance <= 8_100, (row, distance)  # jittered at most 8 km from the centre
    assert len(seen) >= 5
    assert demo_db.execute("SELECT count(*) AS n FROM gigs WHERE location_geo IS NULL")[0]["n"] == 0


def test_credit_ledgers_match_wallets_exactly(demo_db: Database) -> None:
    assert ledger_problems(demo_db) == []
    kinds = {
        r["transaction_type"]
        for r in demo_db.execute("SELECT DISTINCT transaction_type FROM credit_transactions")
    }
    assert {"allowance", "usage", "purchase", "expiry"} <= kinds
    # Every AI usage row points at a succeeded enhancement that cost the same amount.
    mismatched = demo_db.execute(
        """
        SELECT t.id FROM credit_transactions t
          LEFT JOIN ai_enhancements e ON e.id = t.operation_id
         WHERE t.transaction_type = 'usage'
           AND (e.id IS NULL OR e.credits_cost <> -t.amount OR e.user_id <> t.user_id)
        """
    )
    assert mismatched == []


def test_product_rules_the_database_cannot_check_hold(demo_db: Database) -> None:
    q = demo_db.execute
    # A completed gig has at least one accepted application (PRODUCT_RULES §3).
    assert (
        q(
            """SELECT g.id FROM gigs g WHERE g.status = 'completed' AND NOT EXISTS (
               SELECT 1 FROM applications a WHERE a.gig_id = g.id AND a.status = 'accepted')"""
        )
        == []
    )
    # max_applicants within the owner's tier cap, applications within max_applicants (§2, §4).
    for row in q(
        """SELECT g.max_applicants, u.subscription_tier, g.boost_level,
                  (SELECT count(*) FROM applications a WHERE a.gig_id = g.id) AS applied
             FROM gigs g JOIN users u ON u.id = g.owner_user_id"""
    ):
        assert row["max_applicants"] <= TIER_LIMITS[row["subscription_tier"]].max_applicants_cap
        assert row["applied"] <= row["max_applicants"]
        assert row["boost_level"] == 0 or row["subscription_tier"] == "pro"
    # Only talent applies, never to an own gig; free talent at most 3 a month.
    assert (
        q(
            """SELECT a.id FROM applications a JOIN users u ON u.id = a.applicant_user_id
             JOIN gigs g ON g.id = a.gig_id
            WHERE u.role <> 'talent' OR g.owner_user_id = a.applicant_user_id"""
        )
        == []
    )
    free_quota = TIER_LIMITS["free"].applications_per_month
    assert (
        q(
            """SELECT a.applicant_user_id FROM applications a
              JOIN users u ON u.id = a.applicant_user_id
            WHERE u.subscription_tier = 'free'
            GROUP BY a.applicant_user_id, date_trunc('month', a.applied_at)
           HAVING count(*) > %s""",
            (free_quota,),
        )
        == []
    )
    # Reviews only after completed gigs, between the owner and an accepted talent (§6).
    assert (
        q(
            """SELECT r.id FROM reviews r JOIN gigs g ON g.id = r.gig_id
            WHERE g.status <> 'completed' OR NOT EXISTS (
                SELECT 1 FROM applications a
                 WHERE a.gig_id = g.id AND a.status = 'accepted'
                   AND ARRAY[r.reviewer_id, r.reviewee_id]
                       <@ ARRAY[g.owner_user_id, a.applicant_user_id])"""
        )
        == []
    )
    # Profile ratings follow public reviews (kept by the trigger).
    assert (
        q(
            """SELECT p.user_id FROM profiles p
             LEFT JOIN (SELECT reviewee_id, round(avg(rating)::numeric, 2) AS avg_rating,
                               count(*) AS n
                          FROM reviews WHERE is_public GROUP BY reviewee_id) s
               ON s.reviewee_id = p.user_id
            WHERE p.rating IS DISTINCT FROM s.avg_rating OR p.review_count <> coalesce(s.n, 0)"""
        )
        == []
    )
    # Conversations are between the gig owner and someone who applied to that gig (§5).
    assert (
        q(
            """SELECT c.id FROM conversations c JOIN gigs g ON g.id = c.gig_id
            WHERE c.participants[1] <> g.owner_user_id OR NOT EXISTS (
                SELECT 1 FROM applications a
                 WHERE a.gig_id = g.id AND a.applicant_user_id = c.participants[2])"""
        )
        == []
    )
    assert (
        q(
            """SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE NOT (ARRAY[m.from_user_id, m.to_user_id] <@ c.participants)"""
        )
        == []
    )
    # Showcases: completed gig, creator = owner, 3 to 6 media of the gig owned by the pair (§7),
    # published ones within each side's tier limit.
    assert (
        q(
            """SELECT s.id FROM showcases s JOIN gigs g ON g.id = s.gig_id
            WHERE g.status <> 'completed' OR s.creator_user_id <> g.owner_user_id
               OR EXISTS (SELECT 1 FROM media m WHERE m.id = ANY(s.media_ids)
                           AND (m.gig_id <> g.id
                                OR m.owner_user_id NOT IN (s.creator_user_id, s.talent_user_id)))
               OR (SELECT count(*) FROM media m WHERE m.id = ANY(s.media_ids))
                  <> cardinality(s.media_ids)"""
        )
        == []
    )
    for row in q(
        """SELECT u.subscription_tier, count(*) AS n FROM showcases s
             JOIN users u ON u.id IN (s.creator_user_id, s.talent_user_id)
            WHERE s.visibility = 'public' GROUP BY u.id, u.subscription_tier"""
    ):
        limit = TIER_LIMITS[row["subscription_tier"]].published_showcases
        assert limit is None or row["n"] <= limit
    # Every message and the last_message pointer are consistent.
    assert (
        q(
            """SELECT c.id FROM conversations c
            WHERE c.last_message_id IS NOT NULL AND c.last_message_id <> (
                SELECT m.id FROM messages m WHERE m.conversation_id = c.id
                 ORDER BY m.sent_at DESC LIMIT 1)"""
        )
        == []
    )


def test_loading_twice_adds_nothing(demo_db: Database) -> None:
    before = table_counts(demo_db)
    again = _load(demo_db)
    assert sum(again.values()) == 0
    assert table_counts(demo_db) == before  # audit_logs included: nothing rewritten either


def test_a_different_size_is_refused_rather_than_mixed(demo_db: Database) -> None:
    before = table_counts(demo_db)
    with pytest.raises(DemoSeedConflict, match=f"{DEMO_USERS} users"):
        _load(demo_db, users=DEMO_USERS + 10)
    assert table_counts(demo_db) == before


def test_benchmark_gig_rows_load_with_copy(db: Database) -> None:
    from preset.seed.demo import copy_rows

    run_base_seed(db.url)
    owners = [(row["id"], row["subscription_tier"]) for row in db.execute("SELECT * FROM users")]
    rows = make_gig_rows(500, owners)
    with connect_owner(db.url) as conn:
        assert copy_rows(conn, "gigs", rows) == 500
        conn.commit()
    assert db.execute("SELECT count(*) AS n FROM gigs")[0]["n"] == 500


def test_cli_demo_seed_shows_progress_and_is_idempotent(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("PRESET_ENV", "test")
    runner = CliRunner()
    first = runner.invoke(app, ["db", "seed", "--demo", "--users", "40"])
    assert first.exit_code == 0, first.output
    assert "demo data" in first.output and "━" in first.output  # the progress bar
    counts = table_counts(db)
    assert counts["users"] == 43
    second = runner.invoke(app, ["db", "seed", "--demo", "--users", "40"])
    assert second.exit_code == 0, second.output
    assert "nothing added" in second.output
    assert table_counts(db) == counts
    conflict = runner.invoke(app, ["db", "seed", "--demo", "--users", "41"])
    assert conflict.exit_code == 1
    assert "40 users" in conflict.output
