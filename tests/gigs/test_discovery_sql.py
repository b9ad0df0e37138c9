"""Gig discovery against the real database (PRODUCT_RULES §3 "Discovery", §9 preferences).

Distances are checked against an independent haversine computed here on earthdistance's sphere:
radius 6378168 m, the value of the extension's ``earth()``, which ``ll_to_earth`` and
``earth_distance`` use. Both sides then measure great-circle metres on the same sphere, so they
agree to well under a millimetre and the radius boundary can be tested exactly.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from bench.datagen import earth_point
from pydantic import ValidationError

from preset.api.app import create_anon_pool, create_pool
from preset.auth.tokens import AccessClaims
from preset.db import kit
from preset.db.session import CallerReadAccess
from preset.errors import ValidationFailed
from preset.gigs import discovery
from preset.gigs.discovery import DISCOVERY_SQL, ViewerPreferences, discovery_params, shape_page
from preset.gigs.repository import DiscoveredGig, MapPin
from preset.gigs.schemas import DiscoveryQuery
from preset.pagination import encode_cursor
from preset.settings import DatabaseSettings, Settings
from tests.support.api import authenticator_url
from tests.support.database import Database

EARTH_RADIUS_M = 6378168.0  # earthdistance's earth()
SAFE = ViewerPreferences()
NOW = datetime.now(UTC)


# ===================================================================== geometry on the sphere
def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def destination(
    lat: float, lng: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point ``distance_m`` from (lat, lng) along ``bearing_deg``, rounded like the column."""
    delta = distance_m / EARTH_RADIUS_M
    theta, phi1, lam1 = math.radians(bearing_deg), math.radians(lat), math.radians(lng)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    lng2 = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return round(math.degrees(phi2), 8), round(lng2, 8)


# ===================================================================== data
def make_owner(db: Database, *, name: str = "Owner", rating: str | None = "4.50") -> uuid.UUID:
    user_id = uuid.uuid4()
    db.execute(
        "INSERT INTO users (id, email, role) VALUES (%s, %s, 'contributor')",
        (user_id, f"{user_id.hex[:12]}@example.test"),
    )
    db.execute(
        "INSERT INTO profiles (user_id, display_name, handle, avatar_url) VALUES (%s, %s, %s, %s)",
        (user_id, name, f"h{user_id.hex[:20]}", f"https://cdn.example.test/{user_id}.jpg"),
    )
    if rating is not None:
        # Ratings are the platform's to set (a guard refuses users); the owner connection is it.
        db.execute("UPDATE profiles SET rating = %s WHERE user_id = %s", (rating, user_id))
    return user_id


def gig_values(owner: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    start = NOW + timedelta(days=10)
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "owner_user_id": owner,
        "title": "Portrait shoot by the river",
        "description": "Looking for a model for a relaxed portrait session.",
        "comp_type": "tfp",
        "comp_amount": None,
        "location_text": "Riverside studio",
        "location_lat": 51.5,
        "location_lng": -0.12,
        "start_time": start,
        "end_time": start + timedelta(hours=3),
        "application_deadline": None,
        "status": "published",
        "boost_level": 0,
        "looking_for_types": ["model"],
        "is_nsfw": False,
        "content_categories": [],
        "created_at": NOW - timedelta(hours=1),
    }
    values.update(overrides)
    if values["comp_type"] == "paid" and values["comp_amount"] is None:
        values["comp_amount"] = 100
    return values


def insert_gigs(db: Database, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    statement = (
        f"INSERT INTO gigs ({', '.join(columns)}) "
        f"VALUES ({', '.join('%(' + c + ')s' for c in columns)})"
    )
    with db.connect() as conn:
        with conn.cursor() as cur:
            cur.executemany(statement, rows)
        conn.commit()


def page_as_role(
    conn: psycopg.Connection[Any], query: DiscoveryQuery, prefs: ViewerPreferences
) -> tuple[list[DiscoveredGig], str | None]:
    """The API's statement and page shaping, on a test's connection as a given role."""
    with conn.cursor(row_factory=kit.row_factory(DiscoveredGig)) as cur:
        rows = cur.execute(DISCOVERY_SQL, discovery_params(query, prefs)).fetchall()
    page = shape_page(rows, query.limit)
    return page.items, page.next_cursor


def all_pages(
    conn: psycopg.Connection[Any], filters: DiscoveryQuery, prefs: ViewerPreferences = SAFE
) -> list[DiscoveredGig]:
    items: list[DiscoveredGig] = []
    cursor: str | None = None
    for _ in range(1000):
        page, cursor = page_as_role(conn, _with_cursor(filters, cursor), prefs)
        items.extend(page)
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


def _with_cursor(filters: DiscoveryQuery, cursor: str | None) -> DiscoveryQuery:
    return filters.model_copy(update={"cursor": cursor})


@pytest.fixture()
def owner(db: Database) -> uuid.UUID:
    return make_owner(db)


@pytest.fixture()
def anon(db: Database) -> Iterator[psycopg.Connection[Any]]:
    with db.as_role("anon") as conn:
        yield conn


def ids(items: list[DiscoveredGig] | list[MapPin]) -> list[uuid.UUID]:
    return [item.id for item in items]


# ===================================================================== distance
def test_location_geo_of_the_data_generator_is_ll_to_earth_to_the_bit(db: Database) -> None:
    rng = random.Random(7)
    points = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(200)]
    points += [(89.9, 179.9), (-89.9, -179.9), (0.0, 180.0), (90.0, 0.0), (51.5074, -0.1278)]
    for lat, lng in points:
        lat, lng = round(lat, 8), round(lng, 8)
        row = db.execute(
            "SELECT ll_to_earth(%s::numeric(10,8)::float8, %s::numeric(11,8)::float8)::text AS e",
            (lat, lng),
        )[0]
        expected = tuple(float(part) for part in row["e"].strip("()").split(","))
        assert earth_point(lat, lng) == expected


CENTRES = [
    pytest.param(48.85, 2.35, id="paris"),
    pytest.param(-33.9, 151.2, id="sydney"),
    pytest.param(10.0, 179.9, id="antimeridian-east"),
    pytest.param(-20.0, -179.9, id="antimeridian-west"),
    pytest.param(89.9, 30.0, id="north-pole"),
    pytest.param(-89.9, -120.0, id="south-pole"),
]


@pytest.mark.parametrize(("lat", "lng"), CENTRES)
def test_radius_search_matches_haversine_on_random_points(
    db: Database, owner: uuid.UUID, lat: float, lng: float
) -> None:
    rng = random.Random(f"{lat},{lng}")
    radius_km = round(rng.uniform(1, 100), 3)
    radius_m = radius_km * 1000
    rows = []
    for _ in range(150):
        point = destination(lat, lng, rng.uniform(0, 360), rng.uniform(0, 2.2 * radius_m))
        rows.append(gig_values(owner, location_lat=point[0], location_lng=point[1]))
    insert_gigs(db, rows)
    expected = {
        row["id"]: haversine_m(lat, lng, row["location_lat"], row["location_lng"]) for row in rows
    }
    # A point within a micrometre of the edge could fall either way by rounding alone.
    assert all(abs(d - radius_m) > 1e-6 for d in expected.values())
    inside = {gig_id for gig_id, d in expected.items() if d <= radius_m}
    assert 0 < len(inside) < len(rows)

    with db.as_role("anon") as conn:
        found = all_pages(conn, DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_km, limit=17))
    assert {item.id for item in found} == inside
    assert len(found) == len(inside)
    for item in found:
        assert item.distance_m == pytest.approx(expected[item.id], abs=1e-4)


@pytest.mark.parametrize(("lat", "lng"), CENTRES[:4])
def test_both_query_plans_return_the_same_page(
    db: Database, owner: uuid.UUID, lat: float, lng: float
) -> None:
    """The sparse plan (bands or GiST, then sort) and the dense plan (walk the order) agree."""
    rng = random.Random(f"plans {lat},{lng}")
    rows = []
    for _ in range(120):
        point = destination(lat, lng, rng.uniform(0, 360), rng.uniform(0, 60_000))
        rows.append(
            gig_values(
                owner,
                location_lat=point[0],
                location_lng=point[1],
                boost_level=rng.choice((0, 0, 0, 1, 2, 3)),
                created_at=NOW - timedelta(minutes=rng.randint(1, 5000)),
            )
        )
    insert_gigs(db, rows)
    call = (
        "SELECT gig_id, distance_m FROM discover_gig_page(%s, %s, 40000, NULL, '{}', NULL, NULL,"
        " NULL, false, '{}', NULL, NULL, NULL, 101, %s)"
    )
    sparse = db.execute(call, (lat, lng, 1_000_000))
    dense = db.execute(call, (lat, lng, 0))
    assert sparse == dense
    assert len(sparse) > 10


def test_radius_boundary_is_inclusive(db: Database, owner: uuid.UUID) -> None:
    lat, lng = 45.0, 7.0
    rng = random.Random(3)
    for _ in range(100):
        point = destination(lat, lng, rng.uniform(0, 360), rng.uniform(20_000, 30_000))
        gig = gig_values(owner, location_lat=point[0], location_lng=point[1])
        insert_gigs(db, [gig])
        exact_m = db.execute(
            "SELECT earth_distance(ll_to_earth(%s, %s), location_geo) AS d FROM gigs WHERE id = %s",
            (lat, lng, gig["id"]),
        )[0]["d"]
        # A radius in km that names exactly this distance in metres after the API's * 1000.
        if (exact_m / 1000) * 1000 == exact_m:
            break
        db.execute("DELETE FROM gigs WHERE id = %s", (gig["id"],))
    else:
        pytest.fail("no point found whose distance survives the km round trip")
    haversine = haversine_m(lat, lng, gig["location_lat"], gig["location_lng"])
    assert exact_m == pytest.approx(haversine, abs=1e-6)

    def found(radius_m: float) -> bool:
        with db.as_role("anon") as conn:
            page, _ = page_as_role(
                conn, DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_m / 1000), SAFE
            )
        return gig["id"] in ids(page)

    assert found(exact_m), "a gig exactly at the radius is inside"
    assert found(exact_m + 0.001), "a gig just under the radius is inside"
    assert not found(exact_m - 0.001), "a gig just over the radius is outside"


# ===================================================================== the latitude bands (0008)
PAGE_CALL = (
    "SELECT gig_id, distance_m FROM discover_gig_page(%s, %s, %s, NULL, '{}', NULL, NULL,"
    " NULL, false, '{}', NULL, NULL, NULL, 101)"
)
SCANS = (
    "SELECT pg_stat_get_xact_numscans('idx_gigs_discovery_band'::regclass) AS bands,"
    " pg_stat_get_xact_numscans('idx_gigs_published_location'::regclass) AS gist"
)


def insert_distant_gigs(db: Database, owner: uuid.UUID, count: int = 2_000) -> None:
    """Published gigs on a grid over 20-39.9°N, 100-60.1°W, away from every centre tested here.

    With only the few hundred gigs of one test, PostgreSQL 15's planner reads the whole table
    (or another index) for the band search; these give the table the shape of a real one, on
    which it takes the band index as it does on the benchmark's million gigs. They are loaded
    with triggers off (the guard's per-owner quota count makes that thousands of times slower);
    location_geo is the trigger's own expression.
    """
    with db.connect() as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            """
            INSERT INTO gigs (owner_user_id, title, description, comp_type, location_text,
                              location_lat, location_lng, location_geo, start_time, end_time,
                              status, looking_for_types)
            SELECT %(owner)s, 'Somewhere else', 'A gig far away from the circle under test.',
                   'tfp', 'Elsewhere', lat, lng, ll_to_earth(lat, lng),
                   now() + interval '10 days', now() + interval '10 days 3 hours',
                   'published', '{model}'
              FROM generate_series(0, %(count)s - 1) AS i,
                   LATERAL (SELECT 20 + (i %% 200) * 0.1 AS lat,
                                   -100 + ((i * 37) %% 400) * 0.1 AS lng) AS point
            """,
            {"owner": owner, "count": count},
        )
        conn.commit()


def page_and_scans(
    db: Database, lat: float, lng: float, radius_m: float
) -> tuple[list[tuple[uuid.UUID, float]], dict[str, int]]:
    """One page as anon, and which spatial index served it (scans counted in this transaction)."""
    with db.as_role("anon") as conn:
        before = conn.execute(SCANS).fetchone()
        rows = conn.execute(PAGE_CALL, (lat, lng, radius_m)).fetchall()
        after = conn.execute(SCANS).fetchone()
    assert before is not None and after is not None
    scans = {name: after[name] - before[name] for name in ("bands", "gist")}
    return [(row["gig_id"], row["distance_m"]) for row in rows], scans


def test_the_function_assumes_earthdistances_radius(db: Database) -> None:
    # discover_gig_page writes ll_to_earth, gc_to_sec and earth_distance out with R = 6378168.
    assert db.execute("SELECT earth() AS r")[0]["r"] == EARTH_RADIUS_M


@pytest.mark.parametrize(
    ("lat", "lng", "radius_m"),
    [
        pytest.param(0.0, 0.0, 100_000.0, id="equator"),
        pytest.param(45.0249999, 7.0, 25_000.0, id="centre-on-a-band-edge"),
        pytest.param(-37.81, 144.96, 5_000.0, id="melbourne"),
        pytest.param(70.0, 25.0, 60_000.0, id="far-north"),
        pytest.param(-84.0, -60.0, 100_000.0, id="near-the-south-pole"),
        pytest.param(10.0, 179.0, 100_000.0, id="just-short-of-the-antimeridian"),
    ],
)
def test_band_search_finds_the_whole_circle_and_nothing_outside(
    db: Database, owner: uuid.UUID, lat: float, lng: float, radius_m: float
) -> None:
    """Points 1 m inside the circle in every direction are found, points 1 m outside are not.

    The bands and the longitude range are the circle's bounding box; at 70° or 84° the box is
    several times wider in longitude than in latitude, which only asin(sin δ / cos φ) gets right.
    """
    inside, outside = [], []
    for bearing in range(0, 360, 2):
        for distance, bucket in ((radius_m - 1.0, inside), (radius_m + 1.0, outside)):
            point = destination(lat, lng, float(bearing), distance)
            bucket.append(gig_values(owner, location_lat=point[0], location_lng=point[1]))
    insert_gigs(db, inside + outside)
    insert_distant_gigs(db, owner)
    # Planner statistics, as autovacuum keeps them: on a table it has never analysed the planner
    # may read the whole (tiny) partial GiST index instead; the answer is the same either way.
    db.execute("ANALYZE gigs")

    found: set[uuid.UUID] = set()
    with db.as_role("anon") as conn:
        found = {
            item.id
            for item in all_pages(
                conn, DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_m / 1000, limit=100)
            )
        }
    assert found == {row["id"] for row in inside}
    # Served by the bands (the count that picks the plan may also read the GiST index, past
    # 200 gigs in the box, as here).
    _, scans = page_and_scans(db, lat, lng, radius_m)
    assert scans["bands"] >= 2, scans


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        pytest.param(89.5, 10.0, id="circle-around-the-north-pole"),
        pytest.param(-89.9, -120.0, id="circle-around-the-south-pole"),
        pytest.param(10.0, 179.9, id="across-the-antimeridian-east"),
        pytest.param(-20.0, -179.9, id="across-the-antimeridian-west"),
    ],
)
def test_circles_the_bands_cannot_express_use_the_gist_search(
    db: Database, owner: uuid.UUID, lat: float, lng: float
) -> None:
    rng = random.Random(f"fallback {lat},{lng}")
    rows = []
    for _ in range(60):
        point = destination(lat, lng, rng.uniform(0, 360), rng.uniform(0, 150_000))
        rows.append(gig_values(owner, location_lat=point[0], location_lng=point[1]))
    insert_gigs(db, rows)
    db.execute("ANALYZE gigs")
    page, scans = page_and_scans(db, lat, lng, 100_000.0)
    assert scans["bands"] == 0 and scans["gist"] > 0, scans
    expected = {
        row["id"]
        for row in rows
        if haversine_m(lat, lng, row["location_lat"], row["location_lng"]) <= 100_000.0
    }
    assert {gig for gig, _ in page} == expected
    assert 0 < len(expected) < len(rows)


def test_distances_are_earth_distance_to_the_bit(db: Database, owner: uuid.UUID) -> None:
    """The band search's arithmetic is earthdistance's, operation for operation: same floats."""
    rng = random.Random(11)
    centres = [(rng.uniform(-80, 80), rng.uniform(-178, 178)) for _ in range(12)]
    centres += [(89.95, 0.0), (0.0, 179.95)]  # the GiST search, for comparison
    rows = []
    for lat, lng in centres:
        for _ in range(8):
            point = destination(lat, lng, rng.uniform(0, 360), rng.uniform(0, 40_000))
            rows.append(gig_values(owner, location_lat=point[0], location_lng=point[1]))
    insert_gigs(db, rows)
    compared = 0
    for lat, lng in centres:
        page, _ = page_and_scans(db, lat, lng, 40_000.0)
        exact = {
            row["id"]: row["d"]
            for row in db.execute(
                "SELECT id, earth_distance(ll_to_earth(%s, %s), location_geo) AS d FROM gigs"
                " WHERE id = ANY(%s)",
                (lat, lng, [gig for gig, _ in page]),
            )
        }
        for gig, distance in page:
            assert distance == exact[gig]  # equal floats, not approximately
            compared += 1
    assert compared >= 8 * len(centres) - 4  # a rounded point can land just outside


def test_location_band_is_generated_from_the_latitude(db: Database, owner: uuid.UUID) -> None:
    gigs = [
        gig_values(owner, location_lat=lat, location_lng=0.0)
        for lat in (-90.0, -89.99999999, -0.00000001, 0.0, 0.05, 51.54999999, 89.99999999, 90.0)
    ]
    insert_gigs(db, gigs)
    bands = {
        row["id"]: row["location_band"]
        for row in db.execute(
            "SELECT id, location_band FROM gigs WHERE id = ANY(%s)", ([g["id"] for g in gigs],)
        )
    }
    assert [bands[g["id"]] for g in gigs] == [0, 0, 1799, 1800, 1801, 2830, 3599, 3600]
    with pytest.raises(psycopg.errors.GeneratedAlways):
        db.execute("UPDATE gigs SET location_band = 7 WHERE id = %s", (gigs[0]["id"],))


def test_items_carry_distance_and_owner_profile(db: Database) -> None:
    owner = make_owner(db, name="Ada Lens", rating="4.75")
    gig = gig_values(owner, location_lat=51.51, location_lng=-0.12)
    insert_gigs(db, [gig])
    with db.as_role("anon") as conn:
        near, _ = page_as_role(conn, DiscoveryQuery(lat=51.5, lng=-0.12, radius_km=5), SAFE)
        anywhere, _ = page_as_role(conn, DiscoveryQuery(), SAFE)
    (item,) = near
    assert item.id == gig["id"]
    assert item.distance_m == pytest.approx(haversine_m(51.5, -0.12, 51.51, -0.12), abs=1e-4)
    assert item.owner.display_name == "Ada Lens"
    assert item.owner.avatar_url == f"https://cdn.example.test/{owner}.jpg"
    assert str(item.owner.rating) == "4.75"
    assert anywhere[0].distance_m is None


# ===================================================================== filters
def test_only_published_current_gigs_are_discovered(db: Database, owner: uuid.UUID) -> None:
    visible = gig_values(owner)
    deadline_ahead = gig_values(owner, application_deadline=NOW + timedelta(days=1))
    hidden = [
        gig_values(owner, status="draft"),
        gig_values(owner, status="closed"),
        gig_values(owner, status="cancelled"),
        gig_values(owner, application_deadline=NOW - timedelta(minutes=1)),
        gig_values(owner, start_time=NOW - timedelta(hours=1), end_time=NOW + timedelta(hours=2)),
    ]
    insert_gigs(db, [visible, deadline_ahead, *hidden])
    with db.as_role("anon") as conn:
        found = set(ids(all_pages(conn, DiscoveryQuery())))
    assert found == {visible["id"], deadline_ahead["id"]}


def test_filters_comp_type_roles_dates_and_text(db: Database, owner: uuid.UUID) -> None:
    day = NOW + timedelta(days=20)
    paid = gig_values(
        owner,
        comp_type="paid",
        looking_for_types=["stylist"],
        start_time=day,
        end_time=day + timedelta(hours=2),
    )
    tfp_model = gig_values(
        owner,
        looking_for_types=["model", "dancer"],
        start_time=day + timedelta(days=5),
        end_time=day + timedelta(days=5, hours=2),
    )
    expenses = gig_values(
        owner,
        comp_type="expenses",
        looking_for_types=["makeup_artist"],
        title="Underwater fashion editorial",
        location_text="Lido pool",
        description="Swimwear looks shot beneath the surface, all gear provided.",
    )
    insert_gigs(db, [paid, tfp_model, expenses])

    def search(**kwargs: Any) -> set[uuid.UUID]:
        with db.as_role("anon") as conn:
            return set(ids(all_pages(conn, DiscoveryQuery(**kwargs))))

    assert search(comp_type="paid") == {paid["id"]}
    assert search(comp_type="tfp") == {tfp_model["id"]}
    assert search(looking_for=("dancer", "stylist")) == {paid["id"], tfp_model["id"]}
    assert search(looking_for=("actor",)) == set()
    # Both ends of the date range are inclusive.
    assert search(starts_after=day) == {paid["id"], tfp_model["id"]}
    assert search(starts_after=day + timedelta(microseconds=1)) == {tfp_model["id"]}
    assert search(starts_before=day) == {paid["id"], expenses["id"]}
    assert search(starts_after=day, starts_before=day) == {paid["id"]}
    # Full text over title, description and location, with stemming.
    assert search(q="underwater") == {expenses["id"]}
    assert search(q="swimwear surfaces") == {expenses["id"]}
    assert search(q="lido") == {expenses["id"]}
    assert search(q="portrait -river") == set()
    assert search(q="portrait", comp_type="paid") == {paid["id"]}


def test_invalid_filters_are_refused() -> None:
    # Each field's own range is the query model's (422 from validation, before any SQL) ...
    field_level: list[dict[str, Any]] = [
        {"lat": 91.0, "lng": 0.0},
        {"lat": 0.0, "lng": 181.0},
        {"lat": 0.0, "lng": 0.0, "radius_km": 0.5},
        {"lat": 0.0, "lng": 0.0, "radius_km": 100.01},
        {"comp_type": "free"},
        {"limit": 0},
        {"limit": 101},
        {"starts_after": datetime(2030, 1, 1)},  # no time zone
    ]
    for values in field_level:
        with pytest.raises(ValidationError):
            DiscoveryQuery.model_validate(values)
    # ... what needs two fields is discovery_params', naming the field.
    for query, field in [
        (DiscoveryQuery(lat=10.0), "lat"),
        (DiscoveryQuery(lng=10.0), "lat"),
        (DiscoveryQuery(radius_km=5), "radius_km"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            discovery_params(query, SAFE)
        assert refused.value.details[0]["field"] == field
    assert (
        discovery_params(DiscoveryQuery(lat=0.0, lng=0.0, radius_km=100), SAFE)["radius_m"]
        == 100_000
    )


def test_the_sql_function_refuses_out_of_range_arguments(db: Database) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute(
            "SELECT * FROM discover_gig_page(0, 0, 100001, NULL, '{}', NULL, NULL, NULL, false,"
            " '{}', NULL, NULL, NULL, 21)"
        )
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute("SELECT * FROM gig_map_pin_ids(0, 0, 1, 1, false, '{}', 501)")


# ===================================================================== ordering and cursor
def test_order_is_boost_then_newest(db: Database, owner: uuid.UUID) -> None:
    rng = random.Random(11)
    rows = [
        gig_values(
            owner,
            boost_level=rng.randint(0, 3),
            created_at=NOW - timedelta(minutes=rng.randint(1, 50)),
        )
        for _ in range(40)
    ]
    insert_gigs(db, rows)
    with db.as_role("anon") as conn:
        found = all_pages(conn, DiscoveryQuery(limit=6))
    expected = sorted(
        rows, key=lambda r: (r["boost_level"], r["created_at"], r["id"]), reverse=True
    )
    assert ids(found) == [row["id"] for row in expected]


def test_cursor_pages_return_every_gig_once_while_gigs_are_added(
    db: Database, owner: uuid.UUID
) -> None:
    rng = random.Random(5)
    rows = [
        gig_values(
            owner,
            boost_level=rng.randint(0, 2),
            created_at=NOW - timedelta(minutes=rng.randint(10, 100)),
        )
        for _ in range(45)
    ]
    insert_gigs(db, rows)
    seen: list[uuid.UUID] = []
    added: set[uuid.UUID] = set()
    cursor: str | None = None
    for page_number in range(100):
        with db.as_role("anon") as conn:
            page, cursor = page_as_role(conn, DiscoveryQuery(limit=7, cursor=cursor), SAFE)
        seen.extend(ids(page))
        if cursor is None:
            break
        # New gigs between pages: some sort before the cursor (new, boosted), some after it.
        newcomers = [
            gig_values(owner, boost_level=3),
            gig_values(owner, boost_level=0, created_at=NOW - timedelta(days=3)),
        ]
        insert_gigs(db, newcomers)
        added.update(g["id"] for g in newcomers)
        assert page_number < 99
    assert len(seen) == len(set(seen)), "no gig appears twice"
    assert {row["id"] for row in rows} <= set(seen), "every gig that existed is returned"
    assert set(seen) - {row["id"] for row in rows} <= added


def test_garbage_cursors_raise_invalid_cursor(db: Database) -> None:
    def b64(payload: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    good = [0, NOW.isoformat(), str(uuid.uuid4())]
    garbage = [
        "",
        "not base64 !!",
        "%%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        b64("a string"),
        b64([1, 2]),
        b64({"k": "gigs.mine", "v": good}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": [7, *good[1:]]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": ["0", *good[1:]]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": [True, *good[1:]]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": [0, "yesterday", good[2]]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": [0, "2030-01-01T00:00:00", good[2]]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": [0, good[1], "nope"]}),
        b64({"k": discovery.DISCOVERY_CURSOR, "v": good[:2]}),
    ]
    for cursor in garbage:
        with pytest.raises(ValidationFailed) as refused:
            discovery_params(DiscoveryQuery(cursor=cursor), SAFE)
        assert refused.value.code == "invalid_cursor", cursor
    made = encode_cursor(discovery.DISCOVERY_CURSOR, [0, NOW, uuid.uuid4()])
    assert discovery_params(DiscoveryQuery(cursor=made), SAFE)["after_boost"] == 0


# ===================================================================== content preferences
def test_nsfw_and_blocked_categories_follow_preferences(db: Database, owner: uuid.UUID) -> None:
    plain = gig_values(owner, content_categories=["portrait"])
    nsfw = gig_values(owner, is_nsfw=True)
    boudoir = gig_values(owner, content_categories=["boudoir", "beauty"])
    insert_gigs(db, [plain, nsfw, boudoir])
    near = DiscoveryQuery(lat=51.5, lng=-0.12, radius_km=10)

    def search(prefs: ViewerPreferences, filters: DiscoveryQuery) -> set[uuid.UUID]:
        with db.as_role("anon") as conn:
            return set(ids(all_pages(conn, filters, prefs)))

    for filters in (DiscoveryQuery(), near):
        assert search(SAFE, filters) == {plain["id"], boudoir["id"]}, "NSFW hidden by default"
        assert search(ViewerPreferences(allow_nsfw_content=True), filters) == {
            plain["id"],
            nsfw["id"],
            boudoir["id"],
        }
        assert search(ViewerPreferences(blocked_categories=("boudoir",)), filters) == {plain["id"]}
        assert search(ViewerPreferences(True, ("beauty", "fitness")), filters) == {
            plain["id"],
            nsfw["id"],
        }
    with db.as_role("anon") as conn:
        pins = asyncio.run(_pins_async(db, -90, -180, 90, 180, SAFE))
        assert set(ids(pins)) == {plain["id"], boudoir["id"]}
        assert conn is not None


def test_content_categories_are_checked(db: Database, owner: uuid.UUID) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        insert_gigs(db, [gig_values(owner, content_categories=["Not A Slug"])])
    with pytest.raises(psycopg.errors.CheckViolation):
        insert_gigs(db, [gig_values(owner, content_categories=[f"c{i}" for i in range(11)])])


# ===================================================================== row level security
def test_discovery_runs_under_row_level_security(db: Database, owner: uuid.UUID) -> None:
    published = gig_values(owner)
    draft = gig_values(owner, status="draft")
    insert_gigs(db, [published, draft])
    with db.as_role("anon") as conn:
        assert set(ids(all_pages(conn, DiscoveryQuery()))) == {published["id"]}
        visible = conn.execute("SELECT id FROM gigs").fetchall()
        assert [row["id"] for row in visible] == [published["id"]]
    # The owner sees the draft through "Owners can view own gigs", but discovery never lists it.
    with db.as_role("authenticated", owner) as conn:
        assert {r["id"] for r in conn.execute("SELECT id FROM gigs").fetchall()} == {
            published["id"],
            draft["id"],
        }
        assert set(ids(all_pages(conn, DiscoveryQuery()))) == {published["id"]}


def test_discovery_reads_as_the_caller_on_the_apps_pools(db: Database, owner: uuid.UUID) -> None:
    """discovery.discover through CallerReadAccess on pools built as the app builds them: an
    anonymous caller on the pool pinned to anon, a user pipelined as themselves."""
    gig = gig_values(owner, location_lat=40.0, location_lng=-74.0)
    nsfw = gig_values(owner, location_lat=40.01, location_lng=-74.0, is_nsfw=True)
    insert_gigs(db, [gig, nsfw, gig_values(owner, location_lat=41.0, location_lng=-74.0)])
    viewer = make_owner(db)
    db.execute(
        "INSERT INTO user_content_preferences (user_id, allow_nsfw_content) VALUES (%s, true) "
        "ON CONFLICT (user_id) DO UPDATE SET allow_nsfw_content = true",
        (viewer,),
    )
    settings = Settings(db=DatabaseSettings(app_database_url=authenticator_url(db.url)))
    claims = AccessClaims(
        sub=viewer, role="authenticated", email="viewer@example.test", exp=2**31,
        raw={"sub": str(viewer), "role": "authenticated", "aud": "authenticated"},
    )  # fmt: skip
    query = DiscoveryQuery(lat=40.0, lng=-74.0, radius_km=50)

    async def run() -> tuple[kit.Page[DiscoveredGig], kit.Page[DiscoveredGig]]:
        async with create_pool(settings) as pool, create_anon_pool(settings) as anon_pool:
            anonymous = await discovery.discover(CallerReadAccess(anon_pool, pool, None), query)
            signed_in = await discovery.discover(CallerReadAccess(anon_pool, pool, claims), query)
            return anonymous, signed_in

    anonymous, signed_in = asyncio.run(run())
    assert ids(anonymous.items) == [gig["id"]], "the safe defaults hide the nsfw gig"
    assert set(ids(signed_in.items)) == {gig["id"], nsfw["id"]}, "the viewer's preferences apply"


# ===================================================================== map pins
async def _pins_async(
    db: Database,
    min_lat: float,
    min_lng: float,
    max_lat: float,
    max_lng: float,
    prefs: ViewerPreferences,
    limit: int = 500,
) -> list[MapPin]:
    async with await psycopg.AsyncConnection.connect(
        db.url, options="-c search_path=public,extensions"
    ) as conn:
        async with conn.transaction():
            await conn.execute("SELECT set_config('role', 'anon', true)")
            params = discovery.map_pin_params(
                min_lat=min_lat,
                min_lng=min_lng,
                max_lat=max_lat,
                max_lng=max_lng,
                prefs=prefs,
                limit=limit,
            )
            return await kit.fetch_all(conn, MapPin, discovery.MAP_PINS_SQL, params)


def test_map_pins_in_a_box_and_across_the_antimeridian(db: Database, owner: uuid.UUID) -> None:
    fiji_east = gig_values(owner, location_lat=-17.5, location_lng=179.5)
    fiji_west = gig_values(owner, location_lat=-17.0, location_lng=-179.5)
    greenwich = gig_values(owner, location_lat=51.48, location_lng=0.0)
    outside = gig_values(owner, location_lat=-17.0, location_lng=170.0)
    draft = gig_values(owner, location_lat=-17.0, location_lng=179.9, status="draft")
    insert_gigs(db, [fiji_east, fiji_west, greenwich, outside, draft])

    across = asyncio.run(_pins_async(db, -20, 178, -15, -178, SAFE))
    assert set(ids(across)) == {fiji_east["id"], fiji_west["id"]}
    assert list(across[0].__dataclass_fields__) == [
        "id",
        "title",
        "lat",
        "lng",
        "comp_type",
        "boost_level",
    ]
    around_london = asyncio.run(_pins_async(db, 51, -1, 52, 1, SAFE))
    assert ids(around_london) == [greenwich["id"]]
    assert around_london[0].lat == pytest.approx(51.48)
    # An ordinary box spans the long way round, never across the antimeridian.
    assert ids(asyncio.run(_pins_async(db, -20, -178, -15, 178, SAFE))) == [outside["id"]]
    with pytest.raises(ValidationFailed):
        asyncio.run(_pins_async(db, 10, 0, 5, 1, SAFE))


def test_map_pins_are_capped_at_500_best_first(db: Database, owner: uuid.UUID) -> None:
    rng = random.Random(9)
    rows = [
        gig_values(
            owner,
            location_lat=rng.uniform(48.8, 48.9),
            location_lng=rng.uniform(2.3, 2.4),
            boost_level=3 if i < 5 else 0,
        )
        for i in range(520)
    ]
    insert_gigs(db, rows)
    pins = asyncio.run(_pins_async(db, 48, 2, 49, 3, SAFE))
    assert len(pins) == 500
    assert {pin.id for pin in pins[:5]} == {row["id"] for row in rows[:5]}
    assert len(asyncio.run(_pins_async(db, 48, 2, 49, 3, SAFE, limit=10))) == 10
    with pytest.raises(ValidationFailed):
        asyncio.run(_pins_async(db, 48, 2, 49, 3, SAFE, limit=501))
