"""Capacity and quotas hold under truly concurrent HTTP requests.

The real app runs with a pool of several connections, and all requests are in flight at once
(asyncio.gather over an httpx client on the ASGI app), so their transactions overlap in
PostgreSQL: without the advisory locks and the 0007 capacity trigger, counts taken by
overlapping transactions would let more through than the rules allow.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
from fastapi.testclient import TestClient

from preset.api.app import create_app
from tests.gigs.helpers import account, create_gig, published_gig
from tests.support.api import app_settings_for
from tests.support.database import Database

POOL_SIZE = 12


async def _concurrently(
    db: Database, requests: list[tuple[str, str, dict[str, str]]]
) -> list[httpx.Response]:
    app = create_app(app_settings_for(db, None, pool_max_size=POOL_SIZE))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(
                *(client.request(method, url, headers=headers) for method, url, headers in requests)
            )


def _codes(responses: list[httpx.Response]) -> Counter[Any]:
    return Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None)
        for r in responses
    )


def test_fifty_talent_apply_at_once_to_a_gig_taking_ten(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor", tier="free")
    gig = published_gig(client, owner, max_applicants=10)
    talent = [account(db) for _ in range(50)]
    responses = asyncio.run(
        _concurrently(db, [("POST", f"/api/gigs/{gig['id']}/apply", t.headers) for t in talent])
    )
    assert _codes(responses) == {(201, None): 10, (409, "gig_full"): 40}
    stored = db.execute("SELECT count(*) AS n FROM applications WHERE gig_id = %s", (gig["id"],))
    assert stored == [{"n": 10}]
    # The losers' transactions rolled back whole: no conversation and no event without an
    # application.
    conversations = db.execute(
        "SELECT count(*) AS n FROM conversations WHERE gig_id = %s", (gig["id"],)
    )
    events = db.execute(
        "SELECT count(*) AS n FROM domain_events WHERE event_type = 'application.submitted'"
    )
    assert conversations == [{"n": 10}]
    assert events == [{"n": 10}]


def test_a_free_talents_monthly_quota_holds_under_concurrent_requests(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="pro")
    gigs = [published_gig(client, owner) for _ in range(8)]
    talent = account(db, tier="free")
    responses = asyncio.run(
        _concurrently(db, [("POST", f"/api/gigs/{g['id']}/apply", talent.headers) for g in gigs])
    )
    assert _codes(responses) == {(201, None): 3, (402, "subscription_limit_exceeded"): 5}
    stored = db.execute(
        "SELECT count(*) AS n FROM applications WHERE applicant_user_id = %s", (talent.id,)
    )
    assert stored == [{"n": 3}]


def test_a_free_contributors_publishing_quota_holds_under_concurrent_requests(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="free")
    drafts = [create_gig(client, owner) for _ in range(6)]
    responses = asyncio.run(
        _concurrently(db, [("POST", f"/api/gigs/{d['id']}/publish", owner.headers) for d in drafts])
    )
    assert _codes(responses) == {(200, None): 2, (402, "subscription_limit_exceeded"): 4}
    stored = db.execute(
        "SELECT count(*) AS n FROM gigs WHERE owner_user_id = %s AND status = 'published'",
        (owner.id,),
    )
    assert stored == [{"n": 2}]
