"""Discovery through HTTP: GET /api/gigs and GET /api/gigs/map (query validation, content
preferences of the viewer, cursor paging). The search itself is tested at the SQL level in
test_discovery_sql.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.gigs.helpers import account
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database

NOW = datetime.now(UTC)
DUBLIN = (53.3498, -6.2603)
CORK = (51.8985, -8.4756)


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [g["id"] for g in response.json()["items"]]


def test_nearby_published_gigs_with_distance_and_owner(client: TestClient, db: Database) -> None:
    owner = account(
        db, role="contributor", display_name="Studio Nine", avatar_url="https://img.example/a.jpg"
    )
    near = f.make_gig(db, owner_user_id=owner.id, lat=53.36, lng=-6.25)
    f.make_gig(db, owner_user_id=owner.id, lat=CORK[0], lng=CORK[1])
    f.make_gig(db, owner_user_id=owner.id, status="draft", lat=53.35, lng=-6.26)
    f.make_gig(db, owner_user_id=owner.id, status="closed", lat=53.35, lng=-6.26)
    f.make_gig(
        db,
        owner_user_id=owner.id,
        lat=53.35,
        lng=-6.26,
        application_deadline=NOW - timedelta(hours=1),
    )
    response = client.get("/api/gigs", params={"lat": DUBLIN[0], "lng": DUBLIN[1], "radius_km": 5})
    assert _ids(response) == [str(near["id"])]
    [item] = response.json()["items"]
    assert 1000 < item["distance_m"] < 1500
    assert item["owner"] == {
        "display_name": "Studio Nine",
        "avatar_url": "https://img.example/a.jpg",
        "rating": None,
    }
    assert response.json()["next_cursor"] is None
    everywhere = client.get("/api/gigs")
    assert len(_ids(everywhere)) == 2
    assert all(g["distance_m"] is None for g in everywhere.json()["items"])


def test_filters_by_compensation_roles_dates_and_text(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    paid = f.make_gig(
        db, owner_user_id=owner.id, comp_type="paid", comp_amount=200, looking_for_types=["stylist"]
    )
    tfp = f.make_gig(
        db,
        owner_user_id=owner.id,
        title="Underwater fashion editorial",
        looking_for_types=["model", "dancer"],
        start_time=NOW + timedelta(days=40),
    )
    assert _ids(client.get("/api/gigs", params={"comp_type": "paid"})) == [str(paid["id"])]
    assert _ids(client.get("/api/gigs", params={"looking_for": "dancer"})) == [str(tfp["id"])]
    both = client.get("/api/gigs", params=[("looking_for", "dancer"), ("looking_for", "stylist")])
    assert set(_ids(both)) == {str(paid["id"]), str(tfp["id"])}
    assert set(_ids(client.get("/api/gigs", params={"looking_for": "dancer,stylist"}))) == set(
        _ids(both)
    )
    later = client.get("/api/gigs", params={"starts_after": (NOW + timedelta(days=30)).isoformat()})
    assert _ids(later) == [str(tfp["id"])]
    assert _ids(client.get("/api/gigs", params={"q": "underwater"})) == [str(tfp["id"])]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 53.3, "lng": -6.2, "radius_km": 0}, "radius_km"),
        ({"lat": 53.3, "lng": -6.2, "radius_km": 100.5}, "radius_km"),
        ({"lat": 91, "lng": 0}, "lat"),
        ({"lat": 0, "lng": 181}, "lng"),
        ({"lat": 53.3}, "lat"),
        ({"radius_km": 5}, "radius_km"),
        ({"comp_type": "barter"}, "comp_type"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"starts_after": "2030-01-01T10:00:00"}, "starts_after"),
    ],
)
def test_invalid_queries_are_422_naming_the_field(
    client: TestClient, db: Database, params: dict[str, Any], field: str
) -> None:
    error = assert_error(client.get("/api/gigs", params=params), 422, "validation_error")
    assert field in {d["field"] for d in error["details"]}, error


def test_a_forged_cursor_is_422(client: TestClient) -> None:
    assert_error(
        client.get("/api/gigs", params={"cursor": "bm90LWEtY3Vyc29y"}), 422, "invalid_cursor"
    )


def test_paging_is_stable_while_gigs_are_added(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    made = [
        f.make_gig(db, owner_user_id=owner.id, created_at=NOW - timedelta(minutes=i))
        for i in range(7)
    ]
    boosted = f.make_gig(
        db, owner_user_id=owner.id, boost_level=2, created_at=NOW - timedelta(days=3)
    )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/gigs", params=params).json()
        seen += [g["id"] for g in page["items"]]
        # A new gig arriving between pages sorts before the cursor: it never shifts later pages.
        f.make_gig(db, owner_user_id=owner.id)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(boosted["id"])] + [str(g["id"]) for g in made]


def test_content_preferences_filter_what_a_viewer_sees(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    plain = f.make_gig(db, owner_user_id=owner.id)
    nsfw = f.make_gig(db, owner_user_id=owner.id, is_nsfw=True)
    lingerie = f.make_gig(db, owner_user_id=owner.id, content_categories=["lingerie"])
    viewer = account(db)
    # Anonymous and default viewers: NSFW hidden (the safe default).
    assert set(_ids(client.get("/api/gigs"))) == {str(plain["id"]), str(lingerie["id"])}
    assert set(_ids(client.get("/api/gigs", headers=viewer.headers))) == {
        str(plain["id"]),
        str(lingerie["id"]),
    }
    prefs = {
        "allow_nsfw_content": True,
        "show_nsfw_warnings": True,
        "auto_hide_nsfw": False,
        "content_filter_level": "lenient",
        "blocked_categories": ["lingerie"],
    }
    assert (
        client.put(
            "/api/users/me/content-preferences", json=prefs, headers=viewer.headers
        ).status_code
        == 200
    )
    assert set(_ids(client.get("/api/gigs", headers=viewer.headers))) == {
        str(plain["id"]),
        str(nsfw["id"]),
    }
    pins = client.get(
        "/api/gigs/map",
        params={"min_lat": 50, "min_lng": -10, "max_lat": 56, "max_lng": 0},
        headers=viewer.headers,
    )
    assert {p["id"] for p in pins.json()["items"]} == {str(plain["id"]), str(nsfw["id"])}


def test_map_pins_inside_a_box(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    dublin = f.make_gig(db, owner_user_id=owner.id, lat=DUBLIN[0], lng=DUBLIN[1])
    f.make_gig(db, owner_user_id=owner.id, lat=48.85, lng=2.35)
    fiji = f.make_gig(db, owner_user_id=owner.id, lat=-17.7, lng=179.5)
    response = client.get(
        "/api/gigs/map", params={"min_lat": 53, "min_lng": -7, "max_lat": 54, "max_lng": -6}
    )
    assert response.status_code == 200, response.text
    [pin] = response.json()["items"]
    assert pin["id"] == str(dublin["id"])
    assert (round(pin["lat"], 4), round(pin["lng"], 4)) == DUBLIN
    # min_lng > max_lng wraps across the antimeridian.
    wrapped = client.get(
        "/api/gigs/map", params={"min_lat": -20, "min_lng": 179, "max_lat": -15, "max_lng": -179}
    )
    assert [p["id"] for p in wrapped.json()["items"]] == [str(fiji["id"])]
    assert_error(
        client.get(
            "/api/gigs/map", params={"min_lat": 54, "min_lng": -7, "max_lat": 53, "max_lng": -6}
        ),
        422,
        "validation_error",
    )
    assert_error(
        client.get(
            "/api/gigs/map", params={"min_lat": -91, "min_lng": -7, "max_lat": 53, "max_lng": -6}
        ),
        422,
        "validation_error",
    )
    assert_error(client.get("/api/gigs/map", params={"min_lat": 50}), 422, "validation_error")
    assert_error(
        client.get(
            "/api/gigs/map",
            params={"min_lat": 50, "min_lng": -7, "max_lat": 53, "max_lng": -6, "limit": 501},
        ),
        422,
        "validation_error",
    )


PARITY_QUERIES: list[Any] = [
    {},
    {"lat": DUBLIN[0], "lng": DUBLIN[1], "radius_km": 25},
    {"lat": DUBLIN[0], "lng": DUBLIN[1], "radius_km": "25.0", "limit": "1"},
    [("looking_for", "dancer"), ("looking_for", "stylist,model"), ("comp_type", "paid")],
    {"q": "underwater", "starts_after": (NOW + timedelta(days=1)).isoformat()},
    {"lat": DUBLIN[0], "lng": DUBLIN[1], "unknown": "ignored"},
    [("limit", "5"), ("limit", "1")],  # a repeated single value: the last one counts
    {"lat": 53.3, "lng": -6.2, "radius_km": 0},
    {"lat": 91, "lng": "east", "radius_km": 500, "limit": 0, "comp_type": "barter"},
    {"lat": 53.3},
    {"starts_after": "2030-01-01T10:00:00"},
    [("looking_for", str(i)) for i in range(11)],
    {"q": "x" * 201},
    {"cursor": "bm90LWEtY3Vyc29y"},
]


def _comparable(response: Any) -> tuple[int, Any, dict[str, str]]:
    body = response.json()
    if "error" in body:
        body["error"].pop("request_id")
    # Per request: the id, the date, the count left and the seconds to the window's end; only
    # their presence is compared.
    varying = {"x-request-id", "date", "x-ratelimit-remaining", "x-ratelimit-reset"}
    headers = {
        k.lower(): "…" if k.lower() in varying else v
        for k, v in response.headers.items()
        if k.lower() != "content-length"
    }
    return response.status_code, body, headers


@pytest.mark.parametrize("params", PARITY_QUERIES)
@pytest.mark.parametrize("caller", ["anonymous", "signed-in", "bad-token"])
def test_the_plain_route_answers_as_the_declared_one(
    client: TestClient, db: Database, params: Any, caller: str
) -> None:
    """GET /api/gigs is served by discover_gigs_fast, mounted ahead of the routers; the FastAPI
    route that declares it (OpenAPI) must give the same answer to every query, good or bad."""
    from starlette.routing import Match

    from preset.gigs.endpoints import discover_gigs_fast

    owner = account(db, role="contributor", display_name="Parity Studio")
    f.make_gig(db, owner_user_id=owner.id, lat=53.36, lng=-6.25, comp_type="paid", comp_amount=90)
    f.make_gig(db, owner_user_id=owner.id, title="Underwater fashion editorial", lat=53.3)
    headers = {
        "anonymous": {},
        "signed-in": account(db).headers,
        "bad-token": {"Authorization": "Bearer not-a-token"},
    }[caller]

    app = client.app
    scope = {"type": "http", "method": "GET", "path": "/api/gigs", "root_path": ""}
    first = next(r for r in app.router.routes if r.matches(scope)[0] is Match.FULL)  # type: ignore[attr-defined]
    assert first.endpoint is discover_gigs_fast  # type: ignore[attr-defined]
    served = client.get("/api/gigs", params=params, headers=headers)

    # Without the plain route, the path is left to the gigs router and its declared route.
    before = len(app.router.routes)
    app.router.routes[:] = [
        r for r in app.router.routes if getattr(r, "endpoint", None) is not discover_gigs_fast
    ]
    assert len(app.router.routes) == before - 1
    declared = client.get("/api/gigs", params=params, headers=headers)

    assert _comparable(served) == _comparable(declared)
    assert served.status_code in ((401,) if caller == "bad-token" else (200, 422)), served.text
