"""Marketplace test helpers: accounts with tokens, valid gig bodies, events as the owner sees them.

Accounts are inserted with the row factories (no password hashing per account, so tests with
fifty users stay fast) and get a real access token signed with the configured secret; from
there everything goes through HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from preset.auth.tokens import issue_access_token
from preset.settings import AuthSettings
from tests.support import factories as f
from tests.support.database import Database


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    email: str
    role: str
    tier: str
    headers: dict[str, str]


def token_for(user: dict[str, Any]) -> dict[str, str]:
    token, _ = issue_access_token(
        AuthSettings(), user_id=user["id"], email=user["email"], user_role=user["role"]
    )
    return {"Authorization": f"Bearer {token}"}


def account(db: Database, *, role: str = "talent", tier: str = "free", **profile: Any) -> Account:
    user = f.make_user(db, role=role, tier=tier)
    f.make_profile(db, user_id=user["id"], **profile)
    return Account(user["id"], user["email"], role, tier, token_for(user))


def soon(days: float = 14, hours: float = 0) -> datetime:
    return datetime.now(UTC) + timedelta(days=days, hours=hours)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def gig_body(**overrides: Any) -> dict[str, Any]:
    """A draft that is valid for publishing."""
    start = soon(14)
    body: dict[str, Any] = {
        "title": "Golden hour portrait shoot",
        "description": "A relaxed outdoor portrait session by the river at sunset.",
        "comp_type": "tfp",
        "location_text": "Dublin, Ireland",
        "location_lat": 53.3498,
        "location_lng": -6.2603,
        "location_radius": 10,
        "start_time": iso(start),
        "end_time": iso(start + timedelta(hours=3)),
        "application_deadline": iso(start - timedelta(days=2)),
        "looking_for_types": ["model"],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def create_gig(client: TestClient, owner: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/gigs", json=gig_body(**overrides), headers=owner.headers)
    assert response.status_code == 201, response.text
    gig: dict[str, Any] = response.json()
    return gig


def published_gig(client: TestClient, owner: Account, **overrides: Any) -> dict[str, Any]:
    gig = create_gig(client, owner, **overrides)
    response = client.post(f"/api/gigs/{gig['id']}/publish", headers=owner.headers)
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


def events_of(db: Database, aggregate_id: Any) -> list[str]:
    rows = db.execute(
        "SELECT event_type FROM domain_events WHERE aggregate_id = %s ORDER BY occurred_at, id",
        (aggregate_id,),
    )
    return [r["event_type"] for r in rows]


def event_rows(db: Database, event_type: str) -> list[dict[str, Any]]:
    return db.execute(
        "SELECT * FROM domain_events WHERE event_type = %s ORDER BY occurred_at", (event_type,)
    )
