"""Bad data fails at the database, naming the violated constraint (issue 2, "Must show")."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.support import factories as f
from tests.support.database import Database

START = datetime.now(UTC) + timedelta(days=30)


def _second_application(db: Database) -> None:
    owner, talent = f.make_user(db, role="contributor"), f.make_user(db)
    gig = f.make_gig(db, owner_user_id=owner["id"])
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])
    f.make_application(db, gig_id=gig["id"], applicant_user_id=talent["id"])


def _completed_gig(db: Database) -> dict[str, Any]:
    owner, talent = f.make_user(db, role="contributor"), f.make_user(db)
    gig = f.make_gig(db, owner_user_id=owner["id"], status="completed")
    return {"gig_id": gig["id"], "reviewer_id": owner["id"], "reviewee_id": talent["id"]}


def _gig(db: Database, **columns: Any) -> None:
    f.make_gig(db, owner_user_id=f.make_user(db, role="contributor")["id"], **columns)


def _draft_to_completed(db: Database) -> None:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"], status="draft")
    # As the gig's owner through row level security, the way the API does it.
    with db.as_role("authenticated", owner["id"]) as conn:
        conn.execute("UPDATE gigs SET status = 'completed' WHERE id = %s", (gig["id"],))


def _showcase(db: Database, media: int) -> None:
    owner, talent = f.make_user(db, role="contributor"), f.make_user(db)
    gig = f.make_gig(db, owner_user_id=owner["id"], status="completed")
    f.make_showcase(
        db,
        gig_id=gig["id"],
        creator_user_id=owner["id"],
        talent_user_id=talent["id"],
        media_ids=[uuid.uuid4() for _ in range(media)],
    )


def _conversation(db: Database, participants: int) -> None:
    owner = f.make_user(db, role="contributor")
    gig = f.make_gig(db, owner_user_id=owner["id"])
    people = [owner["id"]] + [f.make_user(db)["id"] for _ in range(participants - 1)]
    f.make_conversation(db, gig_id=gig["id"], participants=people)


def _message_to_self(db: Database) -> None:
    owner, talent = f.make_user(db, role="contributor"), f.make_user(db)
    gig = f.make_gig(db, owner_user_id=owner["id"])
    conversation = f.make_conversation(
        db, gig_id=gig["id"], participants=[owner["id"], talent["id"]]
    )
    f.make_message(
        db, conversation_id=conversation["id"], from_user_id=talent["id"], to_user_id=talent["id"]
    )


def _second_pending_verification(db: Database) -> None:
    user = f.make_user(db)
    f.make_verification_request(db, user_id=user["id"])
    f.make_verification_request(db, user_id=user["id"])


def _duplicate_email_other_case(db: Database) -> None:
    f.make_user(db, email="Jane.Doe@example.com")
    f.make_user(db, email="jane.doe@EXAMPLE.com")


def _self_review(db: Database) -> None:
    pair = _completed_gig(db)
    f.make_review(
        db, gig_id=pair["gig_id"], reviewer_id=pair["reviewer_id"], reviewee_id=pair["reviewer_id"]
    )


CASES: list[tuple[str, type[psycopg.Error], Callable[[Database], object]]] = [
    ("users_role_check", errors.CheckViolation, lambda db: f.make_user(db, role="superuser")),
    (
        "reviews_rating_check",
        errors.CheckViolation,
        lambda db: f.make_review(db, rating=6, **_completed_gig(db)),
    ),
    (
        "gigs_end_after_start",
        errors.CheckViolation,
        lambda db: _gig(db, start_time=START, end_time=START - timedelta(hours=1)),
    ),
    ("applications_gig_id_applicant_user_id_key", errors.UniqueViolation, _second_application),
    (
        "profiles_handle_format",
        errors.CheckViolation,
        lambda db: f.make_profile(db, user_id=f.make_user(db)["id"], handle="Not A Handle!"),
    ),
    ("gigs_paid_needs_amount", errors.CheckViolation, lambda db: _gig(db, comp_type="paid")),
    ("gigs_lat_range", errors.CheckViolation, lambda db: _gig(db, lat=91.0, lng=0.0)),
    (
        "gigs_deadline_before_start",
        errors.CheckViolation,
        lambda db: _gig(db, start_time=START, application_deadline=START + timedelta(days=1)),
    ),
    (
        "reviews_tags_allowed",
        errors.CheckViolation,
        lambda db: f.make_review(
            db,
            tags=["professional", "punctual", "creative", "communicative", "prepared", "friendly"],
            **_completed_gig(db),
        ),
    ),
    ("reviews_not_self", errors.CheckViolation, _self_review),
    ("showcases_media_count", errors.CheckViolation, lambda db: _showcase(db, 7)),
    (
        "user_credits_balance_nonnegative",
        errors.CheckViolation,
        lambda db: f.make_user_credits(
            db, user_id=f.make_user(db)["id"], current_balance=-1, total_purchased=0
        ),
    ),
    (
        "credit_transactions_arithmetic",
        errors.CheckViolation,
        lambda db: f.make_credit_transaction(
            db, user_id=f.make_user(db)["id"], amount=10, balance_before=0, balance_after=20
        ),
    ),
    ("gigs_status_transition", errors.CheckViolation, _draft_to_completed),
    ("conversations_two_participants", errors.CheckViolation, lambda db: _conversation(db, 3)),
    ("messages_not_to_self", errors.CheckViolation, _message_to_self),
    ("idx_verification_requests_one_pending", errors.UniqueViolation, _second_pending_verification),
    ("idx_users_email_lower", errors.UniqueViolation, _duplicate_email_other_case),
    ("users_email_format", errors.CheckViolation, lambda db: f.make_user(db, email="not-an-email")),
]


# A negative balance necessarily breaks "allowance between 0 and balance" too; PostgreSQL reports
# whichever check it evaluates first.
ALSO_VIOLATED = {"user_credits_balance_nonnegative": ("user_credits_allowance_within_balance",)}


@pytest.mark.parametrize(("constraint", "error", "make_bad_row"), CASES, ids=[c[0] for c in CASES])
def test_bad_data_names_the_violated_constraint(
    db: Database,
    constraint: str,
    error: type[psycopg.Error],
    make_bad_row: Callable[[Database], object],
) -> None:
    with pytest.raises(error) as caught:
        make_bad_row(db)
    named = caught.value.diag.constraint_name
    assert named == constraint or named in ALSO_VIOLATED.get(constraint, ())


def test_the_constraints_named_here_exist(db: Database) -> None:
    """A renamed constraint must fail loudly here, not silently in an API error mapping."""
    names = {c for c, _, _ in CASES} - {"gigs_status_transition"}
    rows = db.execute(
        "SELECT conname AS name FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
        "UNION SELECT relname FROM pg_class "
        "WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace"
    )
    assert names - {r["name"] for r in rows} == set()


def test_good_data_passes_the_same_constraints(db: Database) -> None:
    """The positive control: valid rows of the same shapes are accepted."""
    pair = _completed_gig(db)
    f.make_review(db, rating=5, tags=["professional", "punctual"], **pair)
    _gig(
        db,
        comp_type="paid",
        comp_amount=150,
        lat=90.0,
        lng=180.0,
        start_time=START,
        application_deadline=START,
    )
    _showcase(db, 6)
    f.make_credit_transaction(db, user_id=f.make_user(db)["id"], amount=10, balance_before=5)
