"""PRODUCT_RULES.md §1 (and issue 2, item 5), enforced by the database itself.

Each forbidden change is attempted through a real role (`Database.as_role`) and must fail with
the documented SQLSTATE, leaving the row exactly as it was. The service role (the platform) can
make the same changes: the positive control that proves the refusals are about *who*, not about
the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from tests.support import factories as f
from tests.support.database import Database, DbRow

NOW = datetime(2030, 1, 1, tzinfo=UTC)

# users columns nobody changes on their own row (admins included), with a value to try.
USER_SELF_COLUMNS: dict[str, Any] = {
    "role": "admin",
    "subscription_tier": "pro",
    "subscription_status": "past_due",
    "subscription_started_at": NOW,
    "subscription_expires_at": NOW,
    "stripe_customer_id": "cus_forged",
    "stripe_subscription_id": "sub_forged",
    "verification_status": "id_verified",
    "email": "someone.else@example.com",
    "email_verified_at": NOW,
    "account_status": "banned",
    "last_login_at": NOW,
}

PROFILE_PLATFORM_COLUMNS: dict[str, Any] = {
    "is_verified": True,
    "verification_badge": "id",
    "rating": 5,
    "review_count": 42,
}


def snapshot(db: Database, table: str, row_id: Any, key: str = "id") -> DbRow | None:
    rows = db.execute(
        sql.SQL("SELECT to_jsonb(t) AS j FROM {} t WHERE {} = %s")
        .format(sql.Identifier(table), sql.Identifier(key))
        .as_string(),
        (row_id,),
    )
    return rows[0]["j"] if rows else None


def count(db: Database, table: str) -> int:
    query = sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(table)).as_string()
    return int(db.execute(query)[0]["n"])


def update_as(
    db: Database, role: str, user_id: Any, table: str, row_id: Any, values: dict[str, Any]
) -> int:
    query = sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in values),
    )
    with db.as_role(role, user_id) as conn:
        return conn.execute(query, [*values.values(), row_id]).rowcount


def insert_as(db: Database, role: str, user_id: Any, table: str, values: dict[str, Any]) -> None:
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in values),
        sql.SQL(", ").join(sql.Placeholder() for _ in values),
    )
    with db.as_role(role, user_id) as conn:
        conn.execute(query, list(values.values()))


def assert_refused_update(
    db: Database,
    role: str,
    user_id: Any,
    table: str,
    row_id: Any,
    values: dict[str, Any],
    error: type[psycopg.Error] = errors.InsufficientPrivilege,
) -> psycopg.Error:
    before = snapshot(db, table, row_id)
    assert before is not None
    with pytest.raises(error) as caught:
        update_as(db, role, user_id, table, row_id, values)
    assert snapshot(db, table, row_id) == before
    return caught.value


# ===================================================================== users
@pytest.mark.parametrize("column", sorted(USER_SELF_COLUMNS))
@pytest.mark.parametrize("role", ["talent", "contributor", "admin"])
def test_nobody_changes_their_own_account_columns(db: Database, role: str, column: str) -> None:
    user = f.make_user(db, role=role)
    value = USER_SELF_COLUMNS[column]
    if column == "role" and role == "admin":
        value = "talent"  # an admin may not demote themselves either
    exc = assert_refused_update(
        db, "authenticated", user["id"], "users", user["id"], {column: value}
    )
    assert exc.diag.message_primary == f"permission denied to change users.{column}"


def test_a_user_cannot_touch_another_users_row(db: Database) -> None:
    user, victim = f.make_user(db), f.make_user(db)
    before = snapshot(db, "users", victim["id"])
    # Hidden by row level security: the UPDATE finds nothing.
    assert update_as(db, "authenticated", user["id"], "users", victim["id"], {"role": "admin"}) == 0
    assert snapshot(db, "users", victim["id"]) == before


def test_an_admin_changes_another_users_account(db: Database) -> None:
    admin, user = f.make_user(db, role="admin"), f.make_user(db)
    values = {
        "role": "contributor",
        "subscription_tier": "plus",
        "verification_status": "id_verified",
    }
    assert update_as(db, "authenticated", admin["id"], "users", user["id"], values) == 1
    after = snapshot(db, "users", user["id"])
    assert after is not None
    assert {k: after[k] for k in values} == values


def test_the_service_role_changes_any_account_column(db: Database) -> None:
    user = f.make_user(db)
    values = {k: v for k, v in USER_SELF_COLUMNS.items() if not isinstance(v, datetime)}
    assert update_as(db, "service_role", None, "users", user["id"], values) == 1
    after = snapshot(db, "users", user["id"])
    assert after is not None
    assert {k: after[k] for k in values} == values


# ===================================================================== profiles
@pytest.mark.parametrize("column", sorted(PROFILE_PLATFORM_COLUMNS))
@pytest.mark.parametrize("role", ["talent", "admin"])
def test_nobody_changes_their_own_verification_or_rating(
    db: Database, role: str, column: str
) -> None:
    user = f.make_user(db, role=role)
    profile = f.make_profile(db, user_id=user["id"])
    exc = assert_refused_update(
        db,
        "authenticated",
        user["id"],
        "profiles",
        profile["id"],
        {column: PROFILE_PLATFORM_COLUMNS[column]},
    )
    assert exc.diag.message_primary == f"permission denied to change profiles.{column}"


@pytest.mark.parametrize("column", sorted(PROFILE_PLATFORM_COLUMNS))
def test_a_new_profile_cannot_start_verified_or_rated(db: Database, column: str) -> None:
    user = f.make_user(db)
    values = {
        "user_id": user["id"],
        "handle": f"h_{uuid.uuid4().hex[:8]}",
        "display_name": "Me",
        column: PROFILE_PLATFORM_COLUMNS[column],
    }
    with pytest.raises(errors.InsufficientPrivilege):
        insert_as(db, "authenticated", user["id"], "profiles", values)
    assert db.execute("SELECT 1 FROM profiles WHERE user_id = %s", (user["id"],)) == []


def test_an_admin_verifies_another_users_profile_and_the_service_role_rates_it(
    db: Database,
) -> None:
    admin, user = f.make_user(db, role="admin"), f.make_user(db)
    profile = f.make_profile(db, user_id=user["id"])
    update_as(
        db,
        "authenticated",
        admin["id"],
        "profiles",
        profile["id"],
        {"is_verified": True, "verification_badge": "id"},
    )
    update_as(
        db, "service_role", None, "profiles", profile["id"], {"rating": 4.5, "review_count": 2}
    )
    after = snapshot(db, "profiles", profile["id"])
    assert after is not None
    assert (after["is_verified"], after["rating"], after["review_count"]) == (True, 4.5, 2)


# ===================================================================== credits
@pytest.mark.parametrize("role", ["talent", "admin"])
def test_nobody_writes_a_credit_balance(db: Database, role: str) -> None:
    user = f.make_user(db, role=role)
    wallet = f.make_user_credits(db, user_id=user["id"], current_balance=5)
    exc = assert_refused_update(
        db, "authenticated", user["id"], "user_credits", wallet["id"], {"current_balance": 500}
    )
    assert exc.diag.message_primary == "permission denied for table user_credits"
    with pytest.raises(
        errors.InsufficientPrivilege, match="permission denied for table user_credits"
    ):
        with db.as_role("authenticated", user["id"]) as conn:
            conn.execute("DELETE FROM user_credits WHERE id = %s", (wallet["id"],))
    other = f.make_user(db)
    with pytest.raises(
        errors.InsufficientPrivilege, match="permission denied for table user_credits"
    ):
        insert_as(
            db,
            "authenticated",
            user["id"],
            "user_credits",
            {"user_id": other["id"], "current_balance": 1000},
        )
    assert db.execute("SELECT 1 FROM user_credits WHERE user_id = %s", (other["id"],)) == []


@pytest.mark.parametrize("role", ["talent", "admin"])
def test_nobody_writes_the_ledger_directly(db: Database, role: str) -> None:
    user = f.make_user(db, role=role)
    entry = f.make_credit_transaction(db, user_id=user["id"])
    before = count(db, "credit_transactions")
    with pytest.raises(
        errors.InsufficientPrivilege, match="permission denied for table credit_transactions"
    ):
        insert_as(
            db,
            "authenticated",
            user["id"],
            "credit_transactions",
            {
                "user_id": user["id"],
                "transaction_type": "bonus",
                "amount": 1000,
                "balance_before": 10,
                "balance_after": 1010,
            },
        )
    assert_refused_update(
        db,
        "authenticated",
        user["id"],
        "credit_transactions",
        entry["id"],
        {"amount": 1000, "balance_after": 1000},
    )
    assert count(db, "credit_transactions") == before


def test_the_service_role_moves_credits(db: Database) -> None:
    user = f.make_user(db)
    wallet = f.make_user_credits(db, user_id=user["id"], current_balance=5)
    with db.as_role("service_role") as conn:
        conn.execute(
            "INSERT INTO credit_transactions (user_id, transaction_type, amount, balance_before, "
            "balance_after) VALUES (%s, 'purchase', 10, 5, 15)",
            (user["id"],),
        )
        conn.execute(
            "UPDATE user_credits SET current_balance = 15, total_purchased = 15 WHERE id = %s",
            (wallet["id"],),
        )
    after = snapshot(db, "user_credits", wallet["id"])
    assert after is not None and after["current_balance"] == 15


# ===================================================================== acting as another user
def _gig_for(db: Database) -> tuple[DbRow, DbRow, DbRow]:
    owner = f.make_user(db, role="contributor")
    talent = f.make_user(db, role="talent")
    gig = f.make_gig(db, owner_user_id=owner["id"])
    return owner, talent, gig


Forgery = Callable[[Database, DbRow, DbRow], tuple[str, dict[str, Any]]]


def _forged_gig(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "gigs", {
        "owner_user_id": victim["id"],
        "title": "Forged gig title",
        "description": "A gig posted in someone else's name.",
        "comp_type": "tfp",
        "location_text": "Paris",
        "status": "draft",
    }


def _forged_application(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"])
    return "applications", {"gig_id": gig["id"], "applicant_user_id": victim["id"]}


def _forged_message(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    gig = f.make_gig(db, owner_user_id=actor["id"])
    conversation = f.make_conversation(
        db, gig_id=gig["id"], participants=[actor["id"], victim["id"]]
    )
    return "messages", {
        "conversation_id": conversation["id"],
        "from_user_id": victim["id"],
        "to_user_id": actor["id"],
        "body": "Words put in someone's mouth",
    }


def _forged_review(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    gig = f.make_gig(db, owner_user_id=actor["id"], status="completed")
    f.make_application(db, gig_id=gig["id"], applicant_user_id=victim["id"], status="accepted")
    target = f.make_user(db)
    return "reviews", {
        "gig_id": gig["id"],
        "reviewer_id": victim["id"],
        "reviewee_id": target["id"],
        "rating": 1,
    }


def _forged_report(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "reports", {
        "reporter_user_id": victim["id"],
        "content_type": "user",
        "content_id": actor["id"],
        "reason": "spam",
    }


def _forged_media(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "media", {
        "owner_user_id": victim["id"],
        "type": "image",
        "bucket": "media",
        "path": f"forged/{uuid.uuid4()}",
        "mime_type": "image/png",
    }


def _forged_moodboard(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "moodboards", {"owner_user_id": victim["id"], "title": "Forged board"}


def _forged_showcase(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    gig = f.make_gig(db, owner_user_id=victim["id"], status="completed")
    third = f.make_user(db)
    return "showcases", {
        "gig_id": gig["id"],
        "creator_user_id": victim["id"],
        "talent_user_id": third["id"],
        "media_ids": [uuid.uuid4() for _ in range(3)],
    }


def _forged_event(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "domain_events", {
        "event_type": "gig.published",
        "aggregate_type": "gig",
        "actor_user_id": victim["id"],
    }


def _forged_verification(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "verification_requests", {"user_id": victim["id"], "request_type": "identity"}


def _forged_source_image(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "source_images", {
        "user_id": victim["id"],
        "bucket": "s",
        "path": f"{uuid.uuid4()}",
        "mime_type": "image/png",
        "file_size": 1,
        "width": 1,
        "height": 1,
        "checksum_sha256": "0" * 64,
    }


def _forged_preferences(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "user_content_preferences", {"user_id": victim["id"], "allow_nsfw_content": True}


def _forged_image_type(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "user_image_type_library", {"user_id": victim["id"], "type_name": "forged"}


def _forged_conversation(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"])
    return "conversations", {"gig_id": gig["id"], "participants": [owner["id"], victim["id"]]}


def _forged_moderation(db: Database, actor: DbRow, victim: DbRow) -> tuple[str, dict[str, Any]]:
    return "content_moderation_log", {
        "moderator_user_id": victim["id"],
        "target_user_id": actor["id"],
        "content_type": "user",
        "action": "warn",
    }


FORGERIES: dict[str, Forgery] = {
    "gigs.owner_user_id": _forged_gig,
    "applications.applicant_user_id": _forged_application,
    "messages.from_user_id": _forged_message,
    "reviews.reviewer_id": _forged_review,
    "reports.reporter_user_id": _forged_report,
    "media.owner_user_id": _forged_media,
    "moodboards.owner_user_id": _forged_moodboard,
    "showcases.creator_user_id": _forged_showcase,
    "domain_events.actor_user_id": _forged_event,
    "verification_requests.user_id": _forged_verification,
    "source_images.user_id": _forged_source_image,
    "user_content_preferences.user_id": _forged_preferences,
    "user_image_type_library.user_id": _forged_image_type,
    "conversations.participants": _forged_conversation,
    "content_moderation_log.moderator_user_id": _forged_moderation,
}
# Roles whose own-row INSERT would be allowed, so the refusal is only about the owner column.
ACTOR_ROLE = {
    "gigs.owner_user_id": "contributor",
    "moodboards.owner_user_id": "contributor",
    "content_moderation_log.moderator_user_id": "admin",
}


@pytest.mark.parametrize("actor_kind", ["user", "admin"])
@pytest.mark.parametrize("owner_column", sorted(FORGERIES))
def test_nobody_inserts_a_row_in_another_users_name(
    db: Database, owner_column: str, actor_kind: str
) -> None:
    role = "admin" if actor_kind == "admin" else ACTOR_ROLE.get(owner_column, "talent")
    actor = f.make_user(db, role=role)
    victim = f.make_user(
        db,
        role="contributor"
        if owner_column.startswith(("gigs", "moodboards", "showcases"))
        else "talent",
    )
    table, values = FORGERIES[owner_column](db, actor, victim)
    before = count(db, table)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_as(db, "authenticated", actor["id"], table, values)
    assert count(db, table) == before
    # Positive control: the platform may write the very same row.
    insert_as(db, "service_role", None, table, values)
    assert count(db, table) == before + 1


@pytest.mark.parametrize(
    ("table", "column", "make_row"),
    [
        ("gigs", "owner_user_id", lambda db, me: f.make_gig(db, owner_user_id=me, status="draft")),
        ("media", "owner_user_id", lambda db, me: f.make_media(db, owner_user_id=me)),
        ("moodboards", "owner_user_id", lambda db, me: f.make_moodboard(db, owner_user_id=me)),
        ("source_images", "user_id", lambda db, me: f.make_source_image(db, user_id=me)),
        ("notifications", "user_id", lambda db, me: f.make_notification(db, user_id=me)),
    ],
)
def test_nobody_hands_their_row_to_another_user(
    db: Database, table: str, column: str, make_row: Callable[[Database, Any], DbRow]
) -> None:
    me = f.make_user(db, role="contributor")
    victim = f.make_user(db)
    row = make_row(db, me["id"])
    assert_refused_update(db, "authenticated", me["id"], table, row["id"], {column: victim["id"]})


def test_an_applicant_cannot_move_their_application_to_another_user(db: Database) -> None:
    _owner, talent, gig = _gig_for(db)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    assert_refused_update(
        db,
        "authenticated",
        talent["id"],
        "applications",
        application["id"],
        {"applicant_user_id": f.make_user(db)["id"]},
    )


# ===================================================================== application status
@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("pending", "shortlisted"),
        ("pending", "accepted"),
        ("pending", "declined"),
        ("shortlisted", "accepted"),
        ("shortlisted", "declined"),
    ],
)
def test_an_applicant_cannot_decide_their_own_application(
    db: Database, start: str, target: str
) -> None:
    _owner, talent, gig = _gig_for(db)
    application = f.make_application(
        db, gig_id=gig["id"], applicant_user_id=talent["id"], status=start
    )
    exc = assert_refused_update(
        db, "authenticated", talent["id"], "applications", application["id"], {"status": target}
    )
    assert (
        exc.diag.message_primary == f"permission denied to change applications.status to {target}"
    )


@pytest.mark.parametrize("start", ["pending", "shortlisted"])
def test_an_applicant_withdraws_their_own_application(db: Database, start: str) -> None:
    _owner, talent, gig = _gig_for(db)
    application = f.make_application(
        db, gig_id=gig["id"], applicant_user_id=talent["id"], status=start
    )
    assert (
        update_as(
            db,
            "authenticated",
            talent["id"],
            "applications",
            application["id"],
            {"status": "withdrawn"},
        )
        == 1
    )
    after = snapshot(db, "applications", application["id"])
    assert after is not None and after["status"] == "withdrawn"


def test_the_gig_owner_cannot_withdraw_for_the_applicant(db: Database) -> None:
    owner, talent, gig = _gig_for(db)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    assert_refused_update(
        db, "authenticated", owner["id"], "applications", application["id"], {"status": "withdrawn"}
    )


@pytest.mark.parametrize("target", ["shortlisted", "accepted", "declined"])
def test_the_gig_owner_decides_applications(db: Database, target: str) -> None:
    owner, talent, gig = _gig_for(db)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    values = {"status": target, "reviewed_by": owner["id"], "reviewed_at": NOW}
    assert (
        update_as(db, "authenticated", owner["id"], "applications", application["id"], values) == 1
    )


def test_the_service_role_accepts_an_application(db: Database) -> None:
    _owner, talent, gig = _gig_for(db)
    application = f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    assert (
        update_as(
            db, "service_role", None, "applications", application["id"], {"status": "accepted"}
        )
        == 1
    )


@pytest.mark.parametrize("terminal", ["accepted", "declined", "withdrawn"])
def test_terminal_applications_stay_terminal_even_for_the_platform(
    db: Database, terminal: str
) -> None:
    _owner, talent, gig = _gig_for(db)
    application = f.make_application(
        db, gig_id=gig["id"], applicant_user_id=talent["id"], status=terminal
    )
    exc = assert_refused_update(
        db,
        "service_role",
        None,
        "applications",
        application["id"],
        {"status": "pending"},
        error=errors.CheckViolation,
    )
    assert exc.diag.constraint_name == "applications_status_transition"


# ===================================================================== parties only
def test_a_gig_owner_reviews_only_an_accepted_talent(db: Database) -> None:
    """PRODUCT_RULES §6: reviews only between the gig owner and a talent whose application was
    accepted; the owner must not be able to rate a user who never worked on the gig."""
    owner, _talent, gig = _gig_for(db)
    db.execute("UPDATE gigs SET status = 'completed' WHERE id = %s", (gig["id"],))
    stranger = f.make_user(db)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_as(
            db,
            "authenticated",
            owner["id"],
            "reviews",
            {
                "gig_id": gig["id"],
                "reviewer_id": owner["id"],
                "reviewee_id": stranger["id"],
                "rating": 1,
            },
        )
    assert count(db, "reviews") == 0


def test_a_declined_applicant_cannot_review_the_gig_owner(db: Database) -> None:
    """PRODUCT_RULES §6: only an accepted talent reviews the owner."""
    owner, talent, gig = _gig_for(db)
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"], status="declined")
    db.execute("UPDATE gigs SET status = 'completed' WHERE id = %s", (gig["id"],))
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_as(
            db,
            "authenticated",
            talent["id"],
            "reviews",
            {
                "gig_id": gig["id"],
                "reviewer_id": talent["id"],
                "reviewee_id": owner["id"],
                "rating": 1,
            },
        )
    assert count(db, "reviews") == 0


def test_an_accepted_talent_and_the_gig_owner_review_each_other(db: Database) -> None:
    owner, talent, gig = _gig_for(db)
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"], status="accepted")
    db.execute("UPDATE gigs SET status = 'completed' WHERE id = %s", (gig["id"],))
    insert_as(
        db,
        "authenticated",
        talent["id"],
        "reviews",
        {"gig_id": gig["id"], "reviewer_id": talent["id"], "reviewee_id": owner["id"], "rating": 5},
    )
    insert_as(
        db,
        "authenticated",
        owner["id"],
        "reviews",
        {"gig_id": gig["id"], "reviewer_id": owner["id"], "reviewee_id": talent["id"], "rating": 4},
    )
    assert count(db, "reviews") == 2


def test_a_stranger_cannot_review_a_completed_gig(db: Database) -> None:
    owner, _talent, gig = _gig_for(db)
    db.execute("UPDATE gigs SET status = 'completed' WHERE id = %s", (gig["id"],))
    stranger = f.make_user(db)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_as(
            db,
            "authenticated",
            stranger["id"],
            "reviews",
            {
                "gig_id": gig["id"],
                "reviewer_id": stranger["id"],
                "reviewee_id": owner["id"],
                "rating": 1,
            },
        )
    assert count(db, "reviews") == 0


def test_a_creator_cannot_approve_a_showcase_for_the_talent(db: Database) -> None:
    """PRODUCT_RULES §7: each side approves for itself; a forged approval at insert must fail."""
    owner, talent, gig = _gig_for(db)
    values = {
        "gig_id": gig["id"],
        "creator_user_id": owner["id"],
        "talent_user_id": talent["id"],
        "media_ids": [uuid.uuid4() for _ in range(3)],
        "approved_by_creator_at": NOW,
        "approved_by_talent_at": NOW,
    }
    with pytest.raises(errors.InsufficientPrivilege):
        insert_as(db, "authenticated", owner["id"], "showcases", values)
    assert count(db, "showcases") == 0


def test_only_an_applicant_opens_a_conversation_with_the_gig_owner(db: Database) -> None:
    """PRODUCT_RULES §1/§5: talent messages gig owners they applied to, nobody else."""
    owner, talent, gig = _gig_for(db)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_as(
            db,
            "authenticated",
            talent["id"],
            "conversations",
            {"gig_id": gig["id"], "participants": [owner["id"], talent["id"]]},
        )
    assert count(db, "conversations") == 0
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    insert_as(
        db,
        "authenticated",
        talent["id"],
        "conversations",
        {"gig_id": gig["id"], "participants": [owner["id"], talent["id"]]},
    )
    assert count(db, "conversations") == 1
