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


def test_one_route_serves_discovery_and_documents_its_query(client: TestClient) -> None:
    """One handler answers GET /api/gigs; OpenAPI lists every field of DiscoveryQuery as a
    query parameter (the route validates the query string as one model)."""
    from preset.gigs.schemas import DiscoveryQuery

    operation = client.get("/openapi.json").json()["paths"]["/api/gigs"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert list(parameters) == list(DiscoveryQuery.model_fields)
    assert all(p["in"] == "query" and p["required"] is False for p in parameters.values())
    assert parameters["looking_for"]["explode"] is True
    assert parameters["limit"]["schema"]["maximum"] == 100
    page_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert page_schema["$ref"].endswith("/DiscoveryPage")


def test_a_bad_token_is_401_before_the_query_is_judged(client: TestClient) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(client.get("/api/gigs", params={"lat": 91}, headers=bad), 401, "invalid_token")


def test_repeated_and_unknown_keys(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    for _ in range(3):
        f.make_gig(db, owner_user_id=owner.id)
    # A repeated single value: the last one counts; unknown keys are ignored.
    page = client.get("/api/gigs", params=[("limit", "5"), ("limit", "1"), ("unknown", "x")])
    assert page.status_code == 200, page.text
    assert len(page.json()["items"]) == 1
    error = assert_error(
        client.get("/api/gigs", params=[("looking_for", str(i)) for i in range(11)]),
        422,
        "validation_error",
    )
    assert {d["field"] for d in error["details"]} == {"looking_for"}


def test_the_page_is_written_as_the_declared_model_would_write_it(
    client: TestClient, db: Database
) -> None:
    """discovery.encode_page skips pydantic's dump; its bytes equal DiscoveryPage's JSON."""
    from preset.gigs.schemas import DiscoveryPage

    owner = account(db, role="contributor", display_name="Ada Lens")
    f.make_gig(db, owner_user_id=owner.id, lat=53.36, lng=-6.25, comp_type="paid", comp_amount=90)
    f.make_gig(db, owner_user_id=owner.id, lat=53.3, lng=-6.2)
    for params in ({}, {"lat": DUBLIN[0], "lng": DUBLIN[1], "radius_km": 25, "limit": 1}):
        served = client.get("/api/gigs", params=params)
        assert served.status_code == 200, served.text
        assert served.json()["items"], "the comparison needs items"
        model = DiscoveryPage.model_validate_json(served.content)
        assert model.model_dump_json().encode() == served.content
