"""Row factories for tests: small keyword-only functions that insert one row as the owner.

Every factory takes the target first (a `Database`, which commits each row, or an open psycopg
connection, which leaves the row inside the caller's transaction) and returns the inserted row
as a dict. Defaults produce a valid row; any column can be overridden by keyword. Rows are
written as the database owner, so row level security and the guard triggers do not apply: tests
use these to arrange state, then act as a role through `Database.as_role`.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.support.database import Database, DbRow

Target = Database | psycopg.Connection[Any]


def _token() -> str:
    return uuid.uuid4().hex[:12]


def _adapt(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict) else value


def insert_row(target: Target, table: str, values: dict[str, Any]) -> DbRow:
    """INSERT one row as the owner and return it (RETURNING *)."""
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING *").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(column) for column in values),
        sql.SQL(", ").join(sql.Placeholder() for _ in values),
    )
    params = [_adapt(value) for value in values.values()]
    if isinstance(target, Database):
        with target.connect() as conn:
            row = conn.execute(query, params).fetchone()
            conn.commit()
    else:
        with target.cursor(row_factory=dict_row) as cur:
            row = cur.execute(query, params).fetchone()
    assert row is not None
    return row


def _future(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


# ===================================================================== users and profiles
def make_user(
    target: Target,
    /,
    *,
    role: str = "talent",
    tier: str = "free",
    email: str | None = None,
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "email": email or f"{role}-{_token()}@example.com",
        "role": role,
        "subscription_tier": tier,
    }
    return insert_row(target, "users", values | columns)


def make_profile(
    target: Target,
    /,
    *,
    user_id: Any,
    handle: str | None = None,
    display_name: str = "Test Person",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "user_id": user_id,
        "handle": handle or f"user_{_token()}",
        "display_name": display_name,
    }
    return insert_row(target, "profiles", values | columns)


# ===================================================================== gigs and applications
def make_gig(
    target: Target,
    /,
    *,
    owner_user_id: Any,
    status: str = "published",
    lat: float | None = 53.3498,
    lng: float | None = -6.2603,
    start_time: datetime | None = None,
    **columns: Any,
) -> DbRow:
    start = start_time or _future(14)
    values: dict[str, Any] = {
        "owner_user_id": owner_user_id,
        "title": "Golden hour portrait shoot",
        "description": "A relaxed outdoor portrait session by the river at sunset.",
        "comp_type": "tfp",
        "location_text": "Dublin, Ireland",
        "location_lat": lat,
        "location_lng": lng,
        "start_time": start,
        "end_time": start + timedelta(hours=3),
        "looking_for_types": ["model"],
        "status": status,
    }
    if status == "published":
        values["published_at"] = datetime.now(UTC)
    return insert_row(target, "gigs", values | columns)


def make_application(
    target: Target,
    /,
    *,
    gig_id: Any,
    applicant_user_id: Any,
    status: str = "pending",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "gig_id": gig_id,
        "applicant_user_id": applicant_user_id,
        "note": "I would love to be part of this shoot.",
        "status": status,
    }
    return insert_row(target, "applications", values | columns)


# ===================================================================== messaging
def make_conversation(
    target: Target, /, *, gig_id: Any, participants: list[Any], **columns: Any
) -> DbRow:
    return insert_row(
        target, "conversations", {"gig_id": gig_id, "participants": participants} | columns
    )


def make_message(
    target: Target,
    /,
    *,
    conversation_id: Any,
    from_user_id: Any,
    to_user_id: Any,
    body: str = "Hello, looking forward to the shoot.",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "conversation_id": conversation_id,
        "from_user_id": from_user_id,
        "to_user_id": to_user_id,
        "body": body,
    }
    return insert_row(target, "messages", values | columns)


# ===================================================================== reviews, showcases, media
def make_review(
    target: Target,
    /,
    *,
    gig_id: Any,
    reviewer_id: Any,
    reviewee_id: Any,
    rating: int = 5,
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "gig_id": gig_id,
        "reviewer_id": reviewer_id,
        "reviewee_id": reviewee_id,
        "rating": rating,
        "tags": ["professional"],
    }
    return insert_row(target, "reviews", values | columns)


def make_media(
    target: Target,
    /,
    *,
    owner_user_id: Any,
    type: str = "image",  # noqa: A002 (column name)
    **columns: Any,
) -> DbRow:
    mime = {"image": "image/jpeg", "video": "video/mp4", "document": "application/pdf"}[type]
    values: dict[str, Any] = {
        "owner_user_id": owner_user_id,
        "type": type,
        "bucket": "media",
        "path": f"{owner_user_id}/{_token()}",
        "mime_type": mime,
    }
    return insert_row(target, "media", values | columns)


def make_showcase(
    target: Target,
    /,
    *,
    gig_id: Any,
    creator_user_id: Any,
    talent_user_id: Any,
    media_ids: list[Any] | None = None,
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "gig_id": gig_id,
        "creator_user_id": creator_user_id,
        "talent_user_id": talent_user_id,
        "media_ids": media_ids or [uuid.uuid4() for _ in range(3)],
        "caption": "Golden hour by the river",
    }
    return insert_row(target, "showcases", values | columns)


def make_moodboard(target: Target, /, *, owner_user_id: Any, **columns: Any) -> DbRow:
    values: dict[str, Any] = {"owner_user_id": owner_user_id, "title": "Warm tones"}
    return insert_row(target, "moodboards", values | columns)


# ===================================================================== billing and credits
def make_subscription(
    target: Target, /, *, user_id: Any, tier: str = "plus", status: str = "active", **columns: Any
) -> DbRow:
    return insert_row(
        target, "subscriptions", {"user_id": user_id, "tier": tier, "status": status} | columns
    )


def make_user_credits(
    target: Target, /, *, user_id: Any, current_balance: int = 0, **columns: Any
) -> DbRow:
    values: dict[str, Any] = {
        "user_id": user_id,
        "current_balance": current_balance,
        "total_purchased": current_balance,
    }
    return insert_row(target, "user_credits", values | columns)


def make_credit_transaction(
    target: Target,
    /,
    *,
    user_id: Any,
    amount: int = 10,
    balance_before: int = 0,
    transaction_type: str = "purchase",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "user_id": user_id,
        "transaction_type": transaction_type,
        "amount": amount,
        "balance_before": balance_before,
        "balance_after": balance_before + amount,
    }
    return insert_row(target, "credit_transactions", values | columns)


def make_credit_package(target: Target, /, *, is_active: bool = True, **columns: Any) -> DbRow:
    values: dict[str, Any] = {
        "slug": f"pack_{_token()}",
        "name": "Test pack",
        "credits": 10,
        "price": 1.99,
        "is_active": is_active,
    }
    return insert_row(target, "credit_packages", values | columns)


def make_platform_credits(
    target: Target, /, *, provider: str | None = None, **columns: Any
) -> DbRow:
    values: dict[str, Any] = {
        "provider": provider or f"provider_{_token()}",
        "current_balance": 1000,
    }
    return insert_row(target, "platform_credits", values | columns)


def make_source_image(target: Target, /, *, user_id: Any, **columns: Any) -> DbRow:
    token = _token()
    values: dict[str, Any] = {
        "user_id": user_id,
        "bucket": "sources",
        "path": f"{user_id}/{token}.jpg",
        "mime_type": "image/jpeg",
        "file_size": 1024,
        "width": 640,
        "height": 480,
        "checksum_sha256": hashlib.sha256(token.encode()).hexdigest(),
    }
    return insert_row(target, "source_images", values | columns)


def make_ai_enhancement(
    target: Target, /, *, user_id: Any, provider: str, source_image_id: Any, **columns: Any
) -> DbRow:
    values: dict[str, Any] = {
        "user_id": user_id,
        "operation": "enhance",
        "provider": provider,
        "source_image_id": source_image_id,
        "credits_cost": 2,
        "provider_credits_cost": 2,
        "idempotency_key": _token(),
    }
    return insert_row(target, "ai_enhancements", values | columns)


# ===================================================================== safety and system
def make_report(
    target: Target,
    /,
    *,
    reporter_user_id: Any,
    content_type: str = "user",
    content_id: Any = None,
    reason: str = "spam",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "reporter_user_id": reporter_user_id,
        "content_type": content_type,
        "content_id": content_id or uuid.uuid4(),
        "reason": reason,
    }
    return insert_row(target, "reports", values | columns)


def make_content_preferences(target: Target, /, *, user_id: Any, **columns: Any) -> DbRow:
    return insert_row(target, "user_content_preferences", {"user_id": user_id} | columns)


def make_moderation_log(
    target: Target,
    /,
    *,
    moderator_user_id: Any,
    target_user_id: Any,
    action: str = "warn",
    **columns: Any,
) -> DbRow:
    values: dict[str, Any] = {
        "moderator_user_id": moderator_user_id,
        "target_user_id": target_user_id,
        "content_type": "user",
        "content_id": target_user_id,
        "action": action,
        "reason": "test",
    }
    return insert_row(target, "content_moderation_log", values | columns)


def make_image_type(target: Target, /, *, user_id: Any, **columns: Any) -> DbRow:
    values: dict[str, Any] = {"user_id": user_id, "type_name": f"headshot {_token()}"}
    return insert_row(target, "user_image_type_library", values | columns)


def make_verification_request(
    target: Target, /, *, user_id: Any, status: str = "pending", **columns: Any
) -> DbRow:
    values: dict[str, Any] = {"user_id": user_id, "request_type": "identity", "status": status}
    return insert_row(target, "verification_requests", values | columns)


def make_domain_event(target: Target, /, *, actor_user_id: Any, **columns: Any) -> DbRow:
    values: dict[str, Any] = {
        "event_type": "gig.published",
        "aggregate_type": "gig",
        "aggregate_id": uuid.uuid4(),
        "actor_user_id": actor_user_id,
    }
    return insert_row(target, "domain_events", values | columns)


def make_notification(target: Target, /, *, user_id: Any, **columns: Any) -> DbRow:
    values: dict[str, Any] = {
        "user_id": user_id,
        "type": "application.received",
        "title": "New application",
    }
    return insert_row(target, "notifications", values | columns)
