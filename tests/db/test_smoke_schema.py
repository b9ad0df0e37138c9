from __future__ import annotations

from tests.support.database import Database

DOCUMENT_TABLES = {
    "users",
    "profiles",
    "gigs",
    "applications",
    "showcases",
    "reviews",
    "messages",
    "conversations",
    "media",
    "moodboards",
    "subscriptions",
    "reports",
    "platform_credits",
    "user_credits",
    "credit_packages",
    "credit_transactions",
    "ai_enhancements",
    "source_images",
    "content_moderation_log",
    "user_content_preferences",
    "user_image_type_library",
    "verification_requests",
    "domain_events",
    "notifications",
    "audit_logs",
}


def test_every_document_table_exists(db: Database) -> None:
    rows = db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    names = {row["table_name"] for row in rows}
    assert DOCUMENT_TABLES <= names
    assert len(DOCUMENT_TABLES) == 25
