"""docs/access-matrix.md, checked cell by cell against the real database.

The markdown file is parsed at collection time; every (table, actor, operation) cell becomes its
own test. Each check runs in a transaction that is rolled back: the rows are arranged as the
database owner, the statement runs as the actor (role + Supabase-style claims, exactly as
`Database.as_role` sets them), and the outcome is verified as the owner again. One database per
test module, worker and target serves every cell, so the ~650 cells take seconds. Every cell runs
on two targets: the plain server and the Supabase-shaped one (tests/support/supabase.py).

Nothing passes vacuously: before a SELECT/UPDATE/DELETE the row is shown to exist, and after
it the row's state is compared with what the cell promises; an INSERT is checked by looking for
the new row afterwards.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors
from psycopg.types.json import Jsonb

from tests.db.conftest import TARGETS, target_database
from tests.support import factories as f
from tests.support.database import Database

MATRIX_PATH = Path(__file__).resolve().parents[2] / "docs" / "access-matrix.md"
OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE")
STANDARD_ACTORS = ("anon", "owner", "other", "admin", "service_role")
PLAIN_TOKENS = {"yes", "no", "denied"}
CONDITIONAL_TOKENS = {
    "published",
    "public",
    "active",
    "draft",
    "pending",
    "private",
    "contributor",
    "talent",
}

Conn = psycopg.Connection[dict[str, Any]]


# ===================================================================== the document
@dataclass(frozen=True)
class DocTable:
    name: str
    owner_column: str | None
    actors: tuple[str, ...]
    cells: dict[tuple[str, str], str]


def parse_matrix(text: str) -> dict[str, DocTable]:
    """Every `### \\`table\\`` section: its owner column line and its actor by operation table."""
    tables: dict[str, DocTable] = {}
    sections = re.split(r"^#{2,4} `([a-z_0-9]+)`\s*$", text, flags=re.M)
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        owner = re.search(r"^Owner column: (?:`([a-z_0-9]+)`|(none))", body, flags=re.M)
        if owner is None:
            raise ValueError(f"access matrix: section {name!r} has no 'Owner column:' line")
        rows = [
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in body.splitlines()
            if line.startswith("|")
        ]
        if len(rows) < 3 or rows[0] != ["actor", *OPERATIONS] or set(rows[1][0]) != {"-"}:
            raise ValueError(f"access matrix: section {name!r} needs a | actor | SELECT | … table")
        cells: dict[tuple[str, str], str] = {}
        actors: list[str] = []
        for row in rows[2:]:
            if len(row) != 5:
                raise ValueError(f"access matrix: {name}: malformed row {row!r}")
            actors.append(row[0])
            for operation, token in zip(OPERATIONS, row[1:], strict=True):
                if token not in PLAIN_TOKENS | CONDITIONAL_TOKENS:
                    raise ValueError(
                        f"access matrix: {name}.{row[0]}.{operation}: unknown token {token!r}"
                    )
                cells[(row[0], operation)] = token
        tables[name] = DocTable(name, owner.group(1), tuple(actors), cells)
    return tables


DOCUMENT = parse_matrix(MATRIX_PATH.read_text(encoding="utf-8"))


# ============================================================= how each table's rows are built
@dataclass
class Ctx:
    """The users of one check, created as the owner inside the check's transaction."""

    conn: Conn
    owner: uuid.UUID
    other: uuid.UUID
    admin: uuid.UUID
    parties: dict[str, uuid.UUID]
    actor_id: uuid.UUID | None = None

    def user(self, actor: str) -> uuid.UUID | None:
        if actor in ("anon", "service_role"):
            return None
        if actor in ("owner", "other", "admin"):
            return {"owner": self.owner, "other": self.other, "admin": self.admin}[actor]
        return self.parties[actor]

    def set_role(self, user_id: uuid.UUID, role: str) -> None:
        self.conn.execute("UPDATE users SET role = %s WHERE id = %s", (role, user_id))


@dataclass(frozen=True)
class Spec:
    owner_column: str | None
    # Creates the representative row in a variant; returns its key.
    row: Callable[[Ctx, str], Any]
    # The values of a new row naming ctx.owner as its owner, for the INSERT cells.
    new: Callable[[Ctx, str], dict[str, Any]]
    # SET clause per actor ("*" for the rest); %(actor)s is the acting user (or an admin for
    # actors without a user id).
    update: dict[str, str]
    owner_role: str = "talent"
    key: str = "id"
    # Finds an inserted row when the key is generated by the database.
    probe: str | None = None
    parties: dict[str, str] = field(default_factory=dict)
    actors: tuple[str, ...] = ()
    # What a conditional token means here: (variant meeting it, variant failing it).
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Every variant of the row (SELECT/UPDATE/DELETE) and of the new row or actor (INSERT): a
    # plain token must hold for all of them, so `yes` cannot stand in for `published`.
    row_variants: tuple[str, ...] = ("base",)
    insert_variants: tuple[str, ...] = ("base",)


def _uid() -> uuid.UUID:
    return uuid.uuid4()


def _hex() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def _soon(days: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def _gig_values(ctx: Ctx) -> dict[str, Any]:
    start = _soon(10)
    return {
        "id": _uid(),
        "owner_user_id": ctx.owner,
        "title": "Editorial street shoot",
        "description": "Street fashion editorial around the old town, natural light.",
        "comp_type": "tfp",
        "location_text": "Lisbon",
        "start_time": start,
        "end_time": start + timedelta(hours=2),
        "looking_for_types": ["model"],
    }


def _applications_new(ctx: Ctx, variant: str) -> dict[str, Any]:
    if variant == "contributor":
        ctx.set_role(ctx.owner, "contributor")
    gig = f.make_gig(ctx.conn, owner_user_id=ctx.parties["gig_owner"])
    return {"id": _uid(), "gig_id": gig["id"], "applicant_user_id": ctx.owner, "note": "Keen!"}


def _showcase_values(ctx: Ctx, variant: str) -> dict[str, Any]:
    gig = f.make_gig(ctx.conn, owner_user_id=ctx.owner, status="completed")
    # The real pair: the creator owns the gig, the talent's application was accepted.
    f.make_application(
        ctx.conn, gig_id=gig["id"], applicant_user_id=ctx.parties["talent"], status="accepted"
    )
    values: dict[str, Any] = {
        "id": _uid(),
        "gig_id": gig["id"],
        "creator_user_id": ctx.owner,
        "talent_user_id": ctx.parties["talent"],
        "media_ids": [_uid() for _ in range(3)],
        "caption": "By the river",
    }
    if variant == "public":
        now = datetime.now(UTC)
        values |= {
            "visibility": "public",
            "approved_by_creator_at": now,
            "approved_by_talent_at": now,
            "published_at": now,
        }
    return values


def _conversation_values(ctx: Ctx) -> dict[str, Any]:
    gig = f.make_gig(ctx.conn, owner_user_id=ctx.parties["gig_owner"])
    # Conversations are between a gig's owner and an applicant.
    f.make_application(ctx.conn, gig_id=gig["id"], applicant_user_id=ctx.owner)
    return {
        "id": _uid(),
        "gig_id": gig["id"],
        "participants": [ctx.parties["gig_owner"], ctx.owner],
    }


def _message_values(ctx: Ctx) -> dict[str, Any]:
    recipient = ctx.parties["recipient"]
    gig = f.make_gig(ctx.conn, owner_user_id=recipient)
    conv = f.make_conversation(ctx.conn, gig_id=gig["id"], participants=[recipient, ctx.owner])
    return {
        "id": _uid(),
        "conversation_id": conv["id"],
        "from_user_id": ctx.owner,
        "to_user_id": recipient,
        "body": "See you on Saturday",
    }


def _review_values(ctx: Ctx, variant: str) -> dict[str, Any]:
    reviewee = ctx.parties["reviewee"]
    gig = f.make_gig(ctx.conn, owner_user_id=reviewee, status="completed")
    f.make_application(ctx.conn, gig_id=gig["id"], applicant_user_id=ctx.owner, status="accepted")
    return {
        "id": _uid(),
        "gig_id": gig["id"],
        "reviewer_id": ctx.owner,
        "reviewee_id": reviewee,
        "rating": 4,
        "is_public": variant != "hidden",
    }


def _source_image_values(ctx: Ctx) -> dict[str, Any]:
    return {
        "id": _uid(),
        "user_id": ctx.owner,
        "bucket": "sources",
        "path": f"{_uid()}.jpg",
        "mime_type": "image/jpeg",
        "file_size": 2048,
        "width": 800,
        "height": 600,
        "checksum_sha256": _hex(),
    }


def _enhancement_values(ctx: Ctx) -> dict[str, Any]:
    provider = f.make_platform_credits(ctx.conn)["provider"]
    source = f.make_source_image(ctx.conn, user_id=ctx.owner)
    return {
        "id": _uid(),
        "user_id": ctx.owner,
        "operation": "upscale",
        "provider": provider,
        "source_image_id": source["id"],
        "credits_cost": 1,
        "provider_credits_cost": 1,
        "idempotency_key": _hex(),
    }


def _verification_row(ctx: Ctx, variant: str) -> Any:
    if variant == "rejected":
        return f.make_verification_request(
            ctx.conn,
            user_id=ctx.owner,
            status="rejected",
            rejection_reason="Blurry",
            reviewed_by=ctx.admin,
            reviewed_at=datetime.now(UTC),
        )["id"]
    return f.make_verification_request(ctx.conn, user_id=ctx.owner)["id"]


def _audit_values(ctx: Ctx) -> dict[str, Any]:
    return {
        "table_name": "gigs",
        "operation": "INSERT",
        "row_id": f"probe-{_uid()}",
        "actor_user_id": ctx.owner,
        "actor_role": "authenticated",
    }


def _credentials_values(ctx: Ctx) -> dict[str, Any]:
    return {"user_id": ctx.owner, "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}


def _refresh_values(ctx: Ctx) -> dict[str, Any]:
    return {
        "id": _uid(),
        "user_id": ctx.owner,
        "family_id": _uid(),
        "token_hash": _hex(),
        "expires_at": _soon(30),
    }


def _email_token_values(ctx: Ctx) -> dict[str, Any]:
    return {
        "id": _uid(),
        "user_id": ctx.owner,
        "purpose": "verify_email",
        "email": "someone@example.com",
        "token_hash": _hex(),
        "expires_at": _soon(),
    }


def _login_values(ctx: Ctx) -> dict[str, Any]:
    return {
        "email": f"probe-{_uid().hex}@example.com",
        "ip_address": "203.0.113.7",
        "succeeded": False,
    }


def _outbound_email_values(ctx: Ctx) -> dict[str, Any]:
    event = f.make_domain_event(ctx.conn, actor_user_id=ctx.owner, event_type="mail.requested")
    return {
        "id": _uid(),
        "event_id": event["id"],
        "user_id": ctx.owner,
        "template": "verify_email",
        "recipient": "someone@example.com",
        "secret": "raw-one-time-token",
    }


def _inserted(
    table: str, key: str, values: Callable[[Ctx], dict[str, Any]]
) -> Callable[[Ctx, str], Any]:
    return lambda ctx, _variant: f.insert_row(ctx.conn, table, values(ctx))[key]


def _plain(values: Callable[[Ctx], dict[str, Any]]) -> Callable[[Ctx, str], dict[str, Any]]:
    return lambda ctx, _variant: values(ctx)


def _set_role_then(
    role_variant: str, role: str, values: Callable[[Ctx], dict[str, Any]]
) -> Callable[[Ctx, str], dict[str, Any]]:
    def build(ctx: Ctx, variant: str) -> dict[str, Any]:
        if variant == role_variant:
            ctx.set_role(ctx.owner, role)
        return values(ctx)

    return build


SPECS: dict[str, Spec] = {
    "users": Spec(
        owner_column="id",
        row=lambda ctx, _v: ctx.owner,
        new=lambda ctx, _v: {
            "id": _uid(),
            "email": f"new-{_uid().hex}@example.com",
            "role": "talent",
        },
        update={"*": "account_status = 'suspended', suspended_until = now() + interval '1 day'"},
    ),
    "profiles": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_profile(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "user_id": ctx.owner,
            "handle": f"h_{_uid().hex[:10]}",
            "display_name": "New Person",
        },
        update={"*": "bio = 'Updated bio'"},
    ),
    "gigs": Spec(
        owner_column="owner_user_id",
        owner_role="contributor",
        row=lambda ctx, v: f.make_gig(
            ctx.conn, owner_user_id=ctx.owner, status="draft" if v == "draft" else "published"
        )["id"],
        new=_set_role_then("talent", "talent", _gig_values),
        update={"*": "title = 'An updated shoot title'"},
        variants={
            "published": ("published", "draft"),
            "draft": ("draft", "published"),
            "contributor": ("contributor", "talent"),
        },
        row_variants=("published", "draft"),
        insert_variants=("contributor", "talent"),
    ),
    "applications": Spec(
        owner_column="applicant_user_id",
        parties={"gig_owner": "contributor"},
        actors=("gig_owner",),
        row=lambda ctx, _v: f.make_application(
            ctx.conn,
            applicant_user_id=ctx.owner,
            gig_id=f.make_gig(ctx.conn, owner_user_id=ctx.parties["gig_owner"])["id"],
        )["id"],
        new=_applications_new,
        update={
            "owner": "status = 'withdrawn'",
            "*": "status = 'shortlisted', reviewed_at = now(), reviewed_by = %(actor)s",
        },
        variants={"talent": ("talent", "contributor")},
        insert_variants=("talent", "contributor"),
    ),
    "showcases": Spec(
        owner_column="creator_user_id",
        owner_role="contributor",
        parties={"talent": "talent"},
        row=lambda ctx, v: f.insert_row(ctx.conn, "showcases", _showcase_values(ctx, v))["id"],
        new=_showcase_values,
        # Published showcases are frozen except for their visibility; drafts are edited.
        update={
            "*": "visibility = 'private', caption = CASE WHEN published_at IS NULL "
            "THEN 'A new caption' ELSE caption END"
        },
        variants={"public": ("public", "private"), "private": ("private", "public")},
        row_variants=("public", "private"),
        insert_variants=("private", "public"),
    ),
    "media": Spec(
        owner_column="owner_user_id",
        row=lambda ctx, v: f.make_media(ctx.conn, owner_user_id=ctx.owner, visibility=v)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "owner_user_id": ctx.owner,
            "type": "image",
            "bucket": "media",
            "path": f"{_uid()}.jpg",
            "mime_type": "image/jpeg",
        },
        update={"*": "original_filename = 'renamed.jpg'"},
        variants={"public": ("public", "private")},
        row_variants=("public", "private"),
    ),
    "conversations": Spec(
        owner_column="participants",
        parties={"gig_owner": "contributor"},
        row=_inserted("conversations", "id", _conversation_values),
        new=_plain(_conversation_values),
        update={"*": "status = 'archived'"},
    ),
    "messages": Spec(
        owner_column="from_user_id",
        parties={"recipient": "contributor"},
        actors=("recipient",),
        row=_inserted("messages", "id", _message_values),
        new=_plain(_message_values),
        update={
            "recipient": "read_at = now()",
            "*": "body = 'An edited message', edited_at = now()",
        },
    ),
    "reviews": Spec(
        owner_column="reviewer_id",
        parties={"reviewee": "contributor"},
        row=lambda ctx, v: f.insert_row(ctx.conn, "reviews", _review_values(ctx, v))["id"],
        new=_review_values,
        update={"*": "comment = 'Updated after the shoot'"},
        variants={"public": ("public", "hidden")},
        row_variants=("public", "hidden"),
        insert_variants=("public", "hidden"),
    ),
    "moodboards": Spec(
        owner_column="owner_user_id",
        owner_role="contributor",
        row=lambda ctx, v: f.make_moodboard(
            ctx.conn, owner_user_id=ctx.owner, is_public=v == "public"
        )["id"],
        new=_set_role_then(
            "talent",
            "talent",
            lambda ctx: {"id": _uid(), "owner_user_id": ctx.owner, "title": "Dusk"},
        ),
        update={"*": "title = 'Cooler tones'"},
        variants={"public": ("public", "private"), "contributor": ("contributor", "talent")},
        row_variants=("public", "private"),
        insert_variants=("contributor", "talent"),
    ),
    "subscriptions": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_subscription(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "user_id": ctx.owner,
            "tier": "plus",
            "status": "active",
        },
        update={"*": "cancel_at_period_end = true"},
    ),
    "platform_credits": Spec(
        owner_column=None,
        row=lambda ctx, _v: f.make_platform_credits(ctx.conn)["id"],
        new=lambda ctx, _v: {"id": _uid(), "provider": f"provider_{_uid().hex[:8]}"},
        update={"*": "low_balance_threshold = 50"},
    ),
    "user_credits": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_user_credits(ctx.conn, user_id=ctx.owner, current_balance=10)[
            "id"
        ],
        new=lambda ctx, _v: {"id": _uid(), "user_id": ctx.owner},
        update={
            "*": "current_balance = current_balance + 100, total_purchased = total_purchased + 100"
        },
    ),
    "credit_transactions": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_credit_transaction(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "user_id": ctx.owner,
            "transaction_type": "bonus",
            "amount": 5,
            "balance_before": 0,
            "balance_after": 5,
        },
        update={"*": "description = 'edited'"},
    ),
    "credit_packages": Spec(
        owner_column=None,
        row=lambda ctx, v: f.make_credit_package(ctx.conn, is_active=v != "inactive")["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "slug": f"p_{_uid().hex[:8]}",
            "name": "Pack",
            "credits": 10,
            "price": 1.99,
        },
        update={"*": "name = 'Renamed pack'"},
        variants={"active": ("active", "inactive")},
        row_variants=("active", "inactive"),
    ),
    "source_images": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_source_image(ctx.conn, user_id=ctx.owner)["id"],
        new=_plain(_source_image_values),
        update={"*": "original_filename = 'renamed.jpg'"},
    ),
    "ai_enhancements": Spec(
        owner_column="user_id",
        row=_inserted("ai_enhancements", "id", _enhancement_values),
        new=_plain(_enhancement_values),
        update={"*": "status = 'cancelled'"},
    ),
    "reports": Spec(
        owner_column="reporter_user_id",
        row=lambda ctx, _v: f.make_report(ctx.conn, reporter_user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "reporter_user_id": ctx.owner,
            "content_type": "user",
            "content_id": _uid(),
            "reason": "spam",
        },
        update={"*": "status = 'reviewed', reviewed_by = %(actor)s, reviewed_at = now()"},
    ),
    "user_content_preferences": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_content_preferences(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {"id": _uid(), "user_id": ctx.owner},
        update={"*": "allow_nsfw_content = true"},
    ),
    "content_moderation_log": Spec(
        owner_column="target_user_id",
        row=lambda ctx, _v: f.make_moderation_log(
            ctx.conn, moderator_user_id=ctx.admin, target_user_id=ctx.owner
        )["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "moderator_user_id": ctx.actor_id or ctx.admin,
            "target_user_id": ctx.owner,
            "content_type": "user",
            "content_id": ctx.owner,
            "action": "warn",
        },
        update={"*": "reason = 'edited'"},
    ),
    "user_image_type_library": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_image_type(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "user_id": ctx.owner,
            "type_name": f"look {_uid().hex[:6]}",
        },
        update={"*": "description = 'Tight headshots'"},
    ),
    "verification_requests": Spec(
        owner_column="user_id",
        row=_verification_row,
        new=lambda ctx, _v: {"id": _uid(), "user_id": ctx.owner, "request_type": "identity"},
        update={
            "*": "status = 'rejected', rejection_reason = 'Document unreadable', "
            "reviewed_by = %(actor)s, reviewed_at = now()"
        },
        variants={"pending": ("pending", "rejected")},
        row_variants=("pending", "rejected"),
    ),
    "domain_events": Spec(
        owner_column="actor_user_id",
        row=lambda ctx, _v: f.make_domain_event(ctx.conn, actor_user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "event_type": "profile.updated",
            "aggregate_type": "profile",
            "actor_user_id": ctx.owner,
        },
        update={"*": "attempts = 1"},
    ),
    "notifications": Spec(
        owner_column="user_id",
        row=lambda ctx, _v: f.make_notification(ctx.conn, user_id=ctx.owner)["id"],
        new=lambda ctx, _v: {
            "id": _uid(),
            "user_id": ctx.owner,
            "type": "review.received",
            "title": "You have a new review",
        },
        update={"*": "read_at = now()"},
    ),
    "audit_logs": Spec(
        owner_column="actor_user_id",
        probe="row_id",
        row=_inserted("audit_logs", "id", _audit_values),
        new=_plain(_audit_values),
        update={"*": "row_id = 'tampered'"},
    ),
    "user_credentials": Spec(
        owner_column="user_id",
        key="user_id",
        row=_inserted("user_credentials", "user_id", _credentials_values),
        new=_plain(_credentials_values),
        update={"*": "password_hash = '$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3'"},
    ),
    "refresh_tokens": Spec(
        owner_column="user_id",
        row=_inserted("refresh_tokens", "id", _refresh_values),
        new=_plain(_refresh_values),
        update={"*": "revoked_at = now(), revoked_reason = 'logout'"},
    ),
    "email_tokens": Spec(
        owner_column="user_id",
        row=_inserted("email_tokens", "id", _email_token_values),
        new=_plain(_email_token_values),
        update={"*": "used_at = now()"},
    ),
    "outbound_emails": Spec(
        owner_column="user_id",
        row=_inserted("outbound_emails", "id", _outbound_email_values),
        new=_plain(_outbound_email_values),
        update={"*": "status = 'skipped', secret = NULL, finished_at = now()"},
    ),
    "login_attempts": Spec(
        owner_column=None,
        probe="email",
        row=_inserted("login_attempts", "id", _login_values),
        new=_plain(_login_values),
        update={"*": "succeeded = true"},
    ),
}


# ===================================================================== running one check
@dataclass
class Outcome:
    rowcount: int
    error: psycopg.Error | None


def _db_role(actor: str) -> str:
    return actor if actor in ("anon", "service_role") else "authenticated"


def act(
    conn: Conn, actor: str, user_id: uuid.UUID | None, query: str, params: dict[str, Any]
) -> Outcome:
    """Run one statement as the actor, in a savepoint, with the claims `Database.as_role` sets."""
    role = _db_role(actor)
    claims: dict[str, Any] = {"role": role, "aud": "authenticated"}
    if user_id is not None:
        claims["sub"] = str(user_id)
    try:
        with conn.transaction():
            conn.execute(
                "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                (role, json.dumps(claims)),
            )
            rowcount = conn.execute(query, params).rowcount
            conn.execute("RESET ROLE")
            conn.execute("SELECT set_config('request.jwt.claims', '', true)")
    except psycopg.Error as exc:
        # The savepoint's rollback also undoes the role and claims.
        return Outcome(0, exc)
    return Outcome(rowcount, None)


def state(conn: Conn, table: str, column: str, value: Any) -> Any:
    """The row as JSON (None when absent), read as the database owner."""
    row = conn.execute(
        f"SELECT (SELECT to_jsonb(t) FROM {table} t WHERE {column} = %s) AS j, "
        "current_user = session_user AS as_owner",
        (value,),
    ).fetchone()
    assert row is not None and row["as_owner"], "the check must read as the database owner"
    return row["j"]


def _is_table_denied(error: psycopg.Error | None) -> bool:
    return (
        isinstance(error, errors.InsufficientPrivilege)
        and error.diag.message_primary is not None
        and error.diag.message_primary.startswith("permission denied for table")
    )


def _is_refused(error: psycopg.Error | None) -> bool:
    """42501 from row level security or a guard trigger (not a missing grant)."""
    return isinstance(error, errors.InsufficientPrivilege) and not _is_table_denied(error)


def check(conn: Conn, table: str, actor: str, operation: str, variant: str, expect: str) -> None:
    spec = SPECS[table]
    ctx = make_ctx(conn, spec)
    ctx.actor_id = ctx.user(actor)
    where = f"{label(table, actor, operation)} [{variant}, expecting {expect}]"
    if operation == "INSERT":
        values = spec.new(ctx, variant)
        probe = spec.probe or spec.key
        assert state(conn, table, probe, values[probe]) is None, (
            f"{where}: the new row already exists"
        )
        columns = ", ".join(values)
        placeholders = ", ".join(f"%({c})s" for c in values)
        params = {c: Jsonb(v) if isinstance(v, dict) else v for c, v in values.items()}
        outcome = act(
            conn,
            actor,
            ctx.actor_id,
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            params,
        )
        after = state(conn, table, probe, values[probe])
        if expect == "yes":
            assert outcome.error is None, f"{where}: refused: {outcome.error}"
            assert after is not None, f"{where}: no row was inserted"
        elif expect == "no":
            assert _is_refused(outcome.error), (
                f"{where}: expected 42501 refusal, got {outcome.error!r}"
            )
            assert after is None, f"{where}: the row was inserted"
        else:
            assert _is_table_denied(outcome.error), (
                f"{where}: expected 'permission denied for table', got {outcome.error!r}"
            )
            assert after is None, f"{where}: the row was inserted"
        return

    key = spec.row(ctx, variant)
    before = state(conn, table, spec.key, key)
    assert before is not None, f"{where}: the representative row does not exist"
    params = {"key": key, "actor": ctx.actor_id or ctx.admin}
    if operation == "SELECT":
        outcome = act(
            conn, actor, ctx.actor_id, f"SELECT 1 FROM {table} WHERE {spec.key} = %(key)s", params
        )
        if expect == "denied":
            assert _is_table_denied(outcome.error), (
                f"{where}: expected 'permission denied for table', got {outcome.error!r}"
            )
        else:
            assert outcome.error is None, f"{where}: {outcome.error}"
            assert outcome.rowcount == (1 if expect == "yes" else 0), (
                f"{where}: {outcome.rowcount} row(s) visible"
            )
        return

    if operation == "UPDATE":
        clause = spec.update.get(actor, spec.update["*"])
        query = f"UPDATE {table} SET {clause} WHERE {spec.key} = %(key)s"
    else:
        query = f"DELETE FROM {table} WHERE {spec.key} = %(key)s"
    outcome = act(conn, actor, ctx.actor_id, query, params)
    after = state(conn, table, spec.key, key)
    if expect == "yes":
        assert outcome.error is None, f"{where}: refused: {outcome.error}"
        assert outcome.rowcount == 1, f"{where}: {outcome.rowcount} row(s) affected"
        if operation == "UPDATE":
            assert after is not None and after != before, f"{where}: the row did not change"
        else:
            assert after is None, f"{where}: the row is still there"
        return
    if expect == "no":
        assert outcome.error is None or _is_refused(outcome.error), (
            f"{where}: unexpected error {outcome.error!r}"
        )
        assert outcome.rowcount == 0, f"{where}: {outcome.rowcount} row(s) affected"
    else:
        assert _is_table_denied(outcome.error), (
            f"{where}: expected 'permission denied for table', got {outcome.error!r}"
        )
    assert after == before, f"{where}: the row changed or disappeared"


def make_ctx(conn: Conn, spec: Spec) -> Ctx:
    owner = f.make_user(conn, role=spec.owner_role)["id"]
    other = f.make_user(conn, role="talent")["id"]
    admin = f.make_user(conn, role="admin", tier="pro")["id"]
    parties = {name: f.make_user(conn, role=role)["id"] for name, role in spec.parties.items()}
    return Ctx(conn, owner, other, admin, parties)


def run_cell(conn: Conn, table: str, actor: str, operation: str, token: str) -> None:
    spec = SPECS[table]
    if token in PLAIN_TOKENS:
        variants = spec.insert_variants if operation == "INSERT" else spec.row_variants
        cases = [(variant, token) for variant in variants]
    else:
        assert token in spec.variants, (
            f"{label(table, actor, operation)}: token {token!r} has no meaning for {table} "
            f"(known here: {sorted(spec.variants) or 'none'})"
        )
        matching, failing = spec.variants[token]
        cases = [(matching, "yes"), (failing, "no")]
    for variant, expect in cases:
        with conn.transaction(force_rollback=True):
            check(conn, table, actor, operation, variant, expect)


def label(table: str, actor: str, operation: str) -> str:
    return f"{table}.{actor}.{operation}"


# ===================================================================== tests
CELLS = [
    (name, actor, operation, token)
    for name, doc in DOCUMENT.items()
    for (actor, operation), token in doc.cells.items()
]


@pytest.fixture(scope="module", params=TARGETS)
def matrix_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The plain server, and the Supabase-shaped target (migrated as Supabase's non-superuser
    owner under Supabase's default privileges); the cells run as on Supabase, with the role
    and `request.jwt.claims` (`sub`, `role`) that PostgREST and the API set."""
    yield from target_database(request, request.param)


@pytest.fixture(scope="module")
def matrix_conn(matrix_db: Database) -> Iterator[Conn]:
    with matrix_db.connect(autocommit=True) as conn:
        yield conn


def test_every_table_in_public_is_in_the_matrix(matrix_db: Database) -> None:
    rows = matrix_db.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'"
    )
    in_database = {row["relname"] for row in rows}
    assert sorted(in_database - DOCUMENT.keys()) == [], "tables missing from docs/access-matrix.md"
    assert sorted(DOCUMENT.keys() - in_database) == [], "documented tables that do not exist"


@pytest.mark.parametrize("table", sorted(DOCUMENT))
def test_documented_table_has_owner_and_actors(table: str) -> None:
    assert table in SPECS, f"{table}: the test does not know how to build its rows"
    doc, spec = DOCUMENT[table], SPECS[table]
    assert doc.owner_column == spec.owner_column
    standard = tuple(a for a in STANDARD_ACTORS if a != "owner" or spec.owner_column is not None)
    assert sorted(doc.actors) == sorted(standard + spec.actors)
    assert len(doc.cells) == 4 * len(doc.actors)


def test_owner_columns_exist(matrix_db: Database) -> None:
    for table, doc in DOCUMENT.items():
        if doc.owner_column is None:
            continue
        rows = matrix_db.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s AND column_name = %s",
            (table, doc.owner_column),
        )
        assert rows, f"{table}.{doc.owner_column} does not exist"


@pytest.mark.parametrize(
    ("table", "actor", "operation", "token"),
    CELLS,
    ids=[f"{t}-{a}-{o}-{tok}" for t, a, o, tok in CELLS],
)
def test_cell(matrix_conn: Conn, table: str, actor: str, operation: str, token: str) -> None:
    if table not in SPECS:
        pytest.fail(f"{table}: the test does not know how to build its rows")
    run_cell(matrix_conn, table, actor, operation, token)
