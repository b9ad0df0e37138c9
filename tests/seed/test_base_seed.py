"""`preset db seed`: the schema document's seed users, idempotently."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from typer.testing import CliRunner

from preset.cli import app
from preset.constants import DEFAULT_AI_PROVIDER, TIER_LIMITS
from preset.seed.base import SEED_USERS, run_base_seed, seed_users
from tests.seed.helpers import ledger_problems, table_counts
from tests.support.database import Database

#: Straight from the schema document's "Seed Data" section.
DOCUMENT_SEED_USERS = {
    UUID("00000000-0000-0000-0000-000000000001"): ("admin@preset.ie", "admin", "pro"),
    UUID("00000000-0000-0000-0000-000000000002"): ("talent@example.com", "talent", "plus"),
    UUID("00000000-0000-0000-0000-000000000003"): ("contributor@example.com", "contributor", "pro"),
}


def test_seed_creates_exactly_the_document_users(db: Database) -> None:
    result = run_base_seed(db.url)

    assert result.user_ids == list(DOCUMENT_SEED_USERS)
    users = db.execute("SELECT id, email, role, subscription_tier FROM users ORDER BY id")
    assert {u["id"]: (u["email"], u["role"], u["subscription_tier"]) for u in users} == (
        DOCUMENT_SEED_USERS
    )


def test_every_seed_user_has_profile_wallet_subscription_and_preferences(db: Database) -> None:
    run_base_seed(db.url)

    rows = db.execute(
        """
        SELECT u.id, u.subscription_tier, p.handle, c.current_balance, c.allowance_balance,
               s.tier AS subscription_tier_row, s.status, prefs.allow_nsfw_content,
               prefs.content_filter_level
          FROM users u
          JOIN profiles p ON p.user_id = u.id
          JOIN user_credits c ON c.user_id = u.id
          JOIN subscriptions s ON s.user_id = u.id
          JOIN user_content_preferences prefs ON prefs.user_id = u.id
        """
    )
    assert len(rows) == 3
    for row in rows:
        assert re.fullmatch(r"[a-z0-9_]{3,30}", row["handle"])
        assert row["subscription_tier_row"] == row["subscription_tier"]
        assert row["status"] == "active"
        assert (
            row["current_balance"] == TIER_LIMITS[row["subscription_tier"]].monthly_credit_allowance
        )
        assert row["allowance_balance"] == row["current_balance"]
        # Safe defaults (PRODUCT_RULES §9).
        assert row["allow_nsfw_content"] is False
        assert row["content_filter_level"] == "moderate"
    assert ledger_problems(db) == []
    providers = db.execute("SELECT provider, current_balance, is_active FROM platform_credits")
    assert [p["provider"] for p in providers] == [DEFAULT_AI_PROVIDER]
    assert providers[0]["current_balance"] > 0 and providers[0]["is_active"]


def test_seeding_twice_changes_nothing(db: Database) -> None:
    first = run_base_seed(db.url)
    after_first = table_counts(db)
    second = run_base_seed(db.url)

    assert table_counts(db) == after_first
    assert sum(first.inserted.values()) > 0
    assert sum(second.inserted.values()) == 0
    assert second.user_ids == first.user_ids


def test_seed_users_hook_returns_ids_inside_callers_transaction(db: Database) -> None:
    """The hook other modules (development passwords) attach to: ids of exactly these users."""
    with db.connect() as conn:
        ids = seed_users(conn)
        conn.rollback()
    assert ids == [user.id for user in SEED_USERS]
    assert db.execute("SELECT count(*) AS n FROM users")[0]["n"] == 0


@pytest.fixture()
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("PRESET_ENV", "development")
    return CliRunner()


def test_cli_seed_is_idempotent_and_prints_development_logins_once(
    cli: CliRunner, db: Database
) -> None:
    first = cli.invoke(app, ["db", "seed"])
    assert first.exit_code == 0, first.output
    counts = table_counts(db)
    second = cli.invoke(app, ["db", "seed"])
    assert second.exit_code == 0, second.output

    assert table_counts(db) == counts
    assert counts["users"] == 3
    for email, _role, _tier in DOCUMENT_SEED_USERS.values():
        assert email in first.output
        assert email not in second.output  # passwords are shown once, not reset silently
    assert "already present" in second.output


def test_cli_seed_refuses_an_unmigrated_database(cli: CliRunner) -> None:
    assert cli.invoke(app, ["db", "rollback", "--steps", "1"]).exit_code == 0
    result = cli.invoke(app, ["db", "seed"])
    assert result.exit_code == 1
    assert "preset db migrate" in result.output
