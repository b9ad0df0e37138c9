"""Discovery benchmark: radius search at 5, 25 and 100 km in a dense city and a sparse region.

Run by hand on data from ``bench.datagen`` (1M gigs, 200k users), never in the test suite:

    python -m bench.bench_discovery --database-url postgresql://…/preset_bench \\
        [--postgis-url postgresql://…/preset_bench_postgis --load-postgis] \\
        [--http-url http://127.0.0.1:8000] [--runs 300] [--explain docs-fragment.md]

For each scenario it reports the median and p95 of:
  * ``discovery``: the exact statement the API runs (``preset.gigs.discovery.DISCOVERY_SQL``) as
    role ``anon`` with row level security on;
  * ``planner``: the textbook single query (earth_box + earth_distance, ORDER BY … LIMIT) run as
    the owner, i.e. what the planner picks on its own, without RLS in the way;
  * ``postgis``: the same search over the same rows with PostGIS geography and ST_DWithin, when a
    PostGIS database is given (``--load-postgis`` copies the gigs there first);
  * ``http``: ``GET /api/gigs?lat=&lng=&radius_km=`` when ``--http-url`` is given.
``--interleave`` runs the columns in turns over blocks of 20 centres (a noisy machine's slow
spells fall on all of them) and, with ``--http-url``, reports HTTP - discovery paired by centre.
Centres are drawn deterministically near the scenario's centre so caches cannot memorise one point.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from preset.db import kit
from preset.gigs.discovery import DISCOVERY_SQL, ViewerPreferences, discovery_params, shape_page
from preset.gigs.repository import DiscoveredGig
from preset.gigs.schemas import DiscoveryQuery

PAGE = 20


@dataclass(frozen=True)
class Scenario:
    name: str
    lat: float
    lng: float
    jitter_deg: float
    radius_km: float


SCENARIOS = tuple(
    Scenario(f"{place} {radius} km", lat, lng, jitter, radius)
    for place, lat, lng, jitter in (
        ("London (dense)", 51.5074, -0.1278, 0.05),
        ("rural Ireland (sparse)", 53.2, -8.3, 0.3),
    )
    for radius in (5, 25, 100)
)

PLANNER_SQL = """
SELECT g.id, earth_distance(ll_to_earth(%(lat)s, %(lng)s), g.location_geo) AS distance_m
  FROM gigs g
 WHERE g.status = 'published' AND g.start_time > now()
   AND (g.application_deadline IS NULL OR g.application_deadline > now()) AND NOT g.is_nsfw
   AND earth_box(ll_to_earth(%(lat)s, %(lng)s), %(radius_m)s) @> g.location_geo
   AND earth_distance(ll_to_earth(%(lat)s, %(lng)s), g.location_geo) <= %(radius_m)s
 ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
 LIMIT %(limit)s
"""

POSTGIS_SQL = """
SELECT g.id, ST_Distance(g.geog, c.point) AS distance_m
  FROM gigs_geo g, (SELECT ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326)::geography AS point) c
 WHERE g.status = 'published' AND g.start_time > now()
   AND (g.application_deadline IS NULL OR g.application_deadline > now()) AND NOT g.is_nsfw
   AND ST_DWithin(g.geog, c.point, %(radius_m)s)
 ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
 LIMIT %(limit)s
"""

POSTGIS_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS gigs_geo;
CREATE TABLE gigs_geo (
    id uuid PRIMARY KEY, status text NOT NULL, boost_level integer NOT NULL,
    created_at timestamptz NOT NULL, start_time timestamptz, application_deadline timestamptz,
    is_nsfw boolean NOT NULL, lat float8, lng float8, geog geography(Point, 4326)
);
"""
POSTGIS_INDEXES = (
    "CREATE INDEX gigs_geo_published_geog ON gigs_geo USING gist (geog) WHERE status = 'published'",
    "CREATE INDEX gigs_geo_published_order ON gigs_geo"
    " (boost_level DESC, created_at DESC, id DESC) WHERE status = 'published'",
)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def centres(scenario: Scenario, runs: int) -> list[tuple[float, float]]:
    rng = random.Random(scenario.name)
    return [
        (
            scenario.lat + rng.uniform(-scenario.jitter_deg, scenario.jitter_deg),
            scenario.lng + rng.uniform(-scenario.jitter_deg, scenario.jitter_deg),
        )
        for _ in range(runs)
    ]


def timed(runs: Sequence[tuple[float, float]], call: Callable[[float, float], int]) -> list[float]:
    return timed_interleaved(runs, {"call": call})["call"]


def timed_interleaved(
    runs: Sequence[tuple[float, float]],
    calls: dict[str, Callable[[float, float], int]],
    block: int = 20,
) -> dict[str, list[float]]:
    """The columns take turns over blocks of ``block`` centres, the order rotating from block to
    block: a slow spell of a noisy machine falls on all of them alike, and the samples stay
    paired by centre. Ten warm-up centres first. (Alternating call by call, ``block=1``, keeps
    every process cold when the columns are different processes, the API and the database: on
    the 2-core benchmark machine that doubled both columns. The twin bench, whose columns are
    functions in one database session, alternates call by call.)"""
    labels = list(calls)
    for lat, lng in runs[:10]:  # warm-up
        for label in labels:
            calls[label](lat, lng)
    samples: dict[str, list[float]] = {label: [] for label in labels}
    for number, start in enumerate(range(0, len(runs), block)):
        shift = number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            for lat, lng in runs[start : start + block]:
                started = time.perf_counter()
                calls[label](lat, lng)
                samples[label].append((time.perf_counter() - started) * 1000.0)
    return samples


def connect(url: str) -> psycopg.Connection[Any]:
    # No server-side prepared statements: every execution is planned with its own values (the
    # columns stay comparable with every earlier run). The API's pool keeps psycopg's default
    # and prepares a statement after its fifth use, which spares it ~0.7 ms of planning per page
    # at London 25 km: the http column is that much better off than the discovery column.
    conn = psycopg.connect(url, autocommit=True, options="-c search_path=public,extensions")
    conn.prepare_threshold = None
    return conn


def discovery_call(
    conn: psycopg.Connection[Any], radius_km: float
) -> Callable[[float, float], int]:
    prefs = ViewerPreferences()
    rows = kit.row_factory(DiscoveredGig)

    def call(lat: float, lng: float) -> int:
        # The API's statement, parameters, row type and page shaping, on a plain connection.
        query = DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_km, limit=PAGE)
        with conn.cursor(row_factory=rows) as cur:
            found = cur.execute(DISCOVERY_SQL, discovery_params(query, prefs)).fetchall()
        return len(shape_page(found, PAGE).items)

    return call


def plain_call(
    conn: psycopg.Connection[Any], statement: str, radius_km: float
) -> Callable[[float, float], int]:
    def call(lat: float, lng: float) -> int:
        params = {"lat": lat, "lng": lng, "radius_m": radius_km * 1000, "limit": PAGE + 1}
        return len(conn.execute(statement, params).fetchall())

    return call


def http_call(base_url: str, radius_km: float) -> Callable[[float, float], int]:
    # One kept-alive connection, as the raw query keeps its database connection: the
    # difference measured is the API's own work, not TCP set-up per request.
    parts = urllib.parse.urlsplit(base_url)
    client = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=10)

    def call(lat: float, lng: float) -> int:
        path = f"/api/gigs?lat={lat}&lng={lng}&radius_km={radius_km}&limit={PAGE}"
        client.request("GET", path)
        response = client.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {payload[:200]!r}")
        body = json.loads(payload)
        return len(body.get("items", body.get("data", [])))

    return call


def load_postgis(source_url: str, postgis_url: str, console: Console) -> None:
    """Copy the gigs (same rows, same coordinates) into a PostGIS geography table."""
    from preset.db.urls import ensure_database, with_database

    dbname = psycopg.conninfo.conninfo_to_dict(postgis_url).get("dbname") or "postgres"
    ensure_database(with_database(postgis_url, "postgres"), str(dbname))
    with connect(postgis_url) as target, connect(source_url) as source:
        target.execute(POSTGIS_SCHEMA)
        total = source.execute("SELECT count(*) FROM gigs").fetchone()
        columns = "id, status, boost_level, created_at, start_time, application_deadline, is_nsfw"
        started = time.perf_counter()
        with Progress(console=console) as progress:
            task = progress.add_task("gigs → PostGIS", total=total[0] if total else None)
            with (
                source.cursor().copy(
                    f"COPY (SELECT {columns}, location_lat::float8, location_lng::float8"
                    " FROM gigs) TO STDOUT"
                ) as out,
                target.cursor().copy(f"COPY gigs_geo ({columns}, lat, lng) FROM STDIN") as into,
            ):
                for chunk in out:
                    into.write(chunk)
                    progress.update(task, advance=bytes(chunk).count(b"\n"))
        target.execute(
            "UPDATE gigs_geo SET geog = ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography"
            " WHERE lat IS NOT NULL"
        )
        target.execute("SET maintenance_work_mem = '512MB'")
        for statement in POSTGIS_INDEXES:
            target.execute(statement)
        target.execute("VACUUM (ANALYZE) gigs_geo")
        console.print(f"PostGIS copy ready in {time.perf_counter() - started:.1f} s")


def explain_discovery(
    conn: psycopg.Connection[Any], lat: float, lng: float, radius_km: float
) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of what discover_gig_page runs inside (through auto_explain)."""
    plans: list[str] = []

    def keep(notice: psycopg.errors.Diagnostic) -> None:
        text = notice.message_primary or ""
        if "public.gigs" in text or "discover_gig_page" in text:
            plans.append(text)

    conn.add_notice_handler(keep)
    try:
        conn.execute("LOAD 'auto_explain'")
        for setting in (
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "auto_explain.log_nested_statements = on",
            "auto_explain.log_level = notice",
            "client_min_messages = notice",
        ):
            conn.execute(f"SET {setting}")
        conn.execute("SET ROLE anon")
        discovery_call(conn, radius_km)(lat, lng)
    finally:
        conn.execute("RESET ROLE")
        conn.execute("SET auto_explain.log_min_duration = -1")
        conn.remove_notice_handler(keep)
    return "\n\n".join(plans)


def explain_plain(
    conn: psycopg.Connection[Any], statement: str, lat: float, lng: float, radius_km: float
) -> str:
    params = {"lat": lat, "lng": lng, "radius_m": radius_km * 1000, "limit": PAGE + 1}
    rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params).fetchall()
    return "\n".join(str(row[0]) for row in rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="owner URL of the loaded database")
    parser.add_argument("--postgis-url", help="a database on a server with PostGIS")
    parser.add_argument("--load-postgis", action="store_true", help="(re)copy the gigs there first")
    parser.add_argument("--http-url", help="base URL of a running API on the same database")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--explain", help="write EXPLAIN (ANALYZE, BUFFERS) output to this file")
    parser.add_argument("--json", help="write the raw numbers to this file")
    parser.add_argument("--label", default="", help="a name for this server in the output")
    parser.add_argument(
        "--no-planner", action="store_true", help="skip the planner column (slow at dense radii)"
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="run the columns in turns over blocks of 20 centres; with --http-url also report"
        " the median over centres of (http - discovery)",
    )
    args = parser.parse_args(argv)
    console = Console(stderr=True)

    if args.postgis_url and args.load_postgis:
        load_postgis(args.database_url, args.postgis_url, console)

    results: dict[str, dict[str, dict[str, float]]] = {}
    explains: list[str] = []
    with connect(args.database_url) as owner, connect(args.database_url) as anon:
        anon.execute("SET ROLE anon")
        postgis = connect(args.postgis_url) if args.postgis_url else None
        version = owner.execute("SHOW server_version").fetchone()
        console.print(f"server {version[0] if version else '?'} {args.label}")
        for scenario in SCENARIOS:
            runs = centres(scenario, args.runs)
            calls: dict[str, Callable[[float, float], int]] = {
                "discovery": discovery_call(anon, scenario.radius_km),
            }
            if not args.no_planner:
                calls["planner"] = plain_call(owner, PLANNER_SQL, scenario.radius_km)
            if postgis is not None:
                calls["postgis"] = plain_call(postgis, POSTGIS_SQL, scenario.radius_km)
            if args.http_url:
                calls["http"] = http_call(args.http_url, scenario.radius_km)
            results[scenario.name] = {}
            if args.interleave:
                by_label = timed_interleaved(runs, calls)
            else:
                by_label = {label: timed(runs, call) for label, call in calls.items()}
            for label, samples in by_label.items():
                results[scenario.name][label] = {
                    "median_ms": statistics.median(samples),
                    "p95_ms": percentile(samples, 0.95),
                    "runs": len(samples),
                }
                console.print(
                    f"{scenario.name:32} {label:10} median {statistics.median(samples):8.3f} ms"
                    f"  p95 {percentile(samples, 0.95):8.3f} ms"
                )
            if args.interleave and "http" in by_label:
                gaps = [h - d for h, d in zip(by_label["http"], by_label["discovery"], strict=True)]
                results[scenario.name]["http_minus_discovery"] = {
                    "median_ms": statistics.median(gaps),
                    "p95_ms": percentile(gaps, 0.95),
                    "runs": len(gaps),
                }
                console.print(
                    f"{scenario.name:32} {'http-disc':10} median {statistics.median(gaps):8.3f} ms"
                    "  (paired by centre)"
                )
            if args.explain:
                explains.append(f"### {scenario.name}: discovery (inside discover_gig_page)\n")
                explains.append(
                    "```\n"
                    + explain_discovery(owner, scenario.lat, scenario.lng, scenario.radius_km)
                    + "\n```\n"
                )
                explains.append(f"### {scenario.name}: planner's own choice\n")
                explains.append(
                    "```\n"
                    + explain_plain(
                        owner, PLANNER_SQL, scenario.lat, scenario.lng, scenario.radius_km
                    )
                    + "\n```\n"
                )
                if postgis is not None:
                    explains.append(f"### {scenario.name}: PostGIS geography\n")
                    explains.append(
                        "```\n"
                        + explain_plain(
                            postgis, POSTGIS_SQL, scenario.lat, scenario.lng, scenario.radius_km
                        )
                        + "\n```\n"
                    )
        if postgis is not None:
            postgis.close()

    table = Table(title=f"discovery, page of {PAGE} ({args.runs} runs each) {args.label}")
    labels = sorted({label for row in results.values() for label in row})
    table.add_column("scenario")
    for label in labels:
        table.add_column(f"{label} median / p95 ms")
    for name, row in results.items():
        table.add_row(
            name,
            *(
                f"{row[label]['median_ms']:.2f} / {row[label]['p95_ms']:.2f}"
                if label in row
                else "-"
                for label in labels
            ),
        )
    Console().print(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    if args.explain:
        with open(args.explain, "w", encoding="utf-8") as handle:
            handle.write("\n".join(explains))


if __name__ == "__main__":
    main()
