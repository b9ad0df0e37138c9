"""Discovery against its PostGIS twin: the same search and path, only the spatial type differs.

Run by hand on the bench database (from ``bench.datagen``) on a server with PostGIS 3:

    python -m bench.bench_discovery_twin --runs 150 \\
        --database-url postgresql://postgres@127.0.0.1:5432/preset_bench [--postgis-twin]

``--postgis-twin`` first applies ``bench/postgis_twin.sql`` (idempotent; bench state, not a
migration): a generated ``gigs.geog`` geography column, its partial GiST index with the same
INCLUDE columns as ``idx_gigs_discovery_nearby``, an order index covering ``geog``, and
``bench_discover_gig_page_postgis()``, a copy of ``discover_gig_page()`` whose only differences
are ``ST_DWithin``/``ST_Distance`` on a sphere in place of the earth cube tests and
``earth_distance``. A ``…_spheroid`` variant (WGS84 spheroid distances) is made from the same text.

For each scenario of ``bench.bench_discovery`` (same centres) it times, as role ``anon``:
  * ``full``: ``preset.gigs.discovery.DISCOVERY_SQL`` with its parameters from
    ``discovery_params`` and its rows shaped by ``shape_page``, exactly what the API's read
    does, once as written and once with the function name swapped for the twin's;
  * ``fn``: the function alone (ids and distances of the page);
and compares the pages the two functions return for every centre.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from bench.bench_discovery import (
    PAGE,
    SCENARIOS,
    centres,
    connect,
    percentile,
    timed,
    timed_interleaved,
)
from preset.db import kit
from preset.gigs.discovery import DISCOVERY_SQL, ViewerPreferences, discovery_params, shape_page
from preset.gigs.repository import DiscoveredGig
from preset.gigs.schemas import DiscoveryQuery

TWIN_SQL = Path(__file__).with_name("postgis_twin.sql")
ORIGINAL = "public.discover_gig_page("
TWINS = {
    "earthdistance": "public.discover_gig_page(",
    "postgis_sphere": "public.bench_discover_gig_page_postgis(",
    "postgis_spheroid": "public.bench_discover_gig_page_postgis_spheroid(",
}
FUNCTION_ONLY_SQL = """
SELECT gig_id, distance_m FROM {function}
           %(lat)s, %(lng)s, %(radius_m)s, %(comp_type)s, %(looking_for)s::text[],
           %(starts_after)s, %(starts_before)s, %(q)s, %(allow_nsfw)s, %(blocked)s::text[],
           %(after_boost)s, %(after_created_at)s, %(after_id)s, %(page_size)s)
"""


def apply_twin(url: str, console: Console) -> None:
    text = TWIN_SQL.read_text(encoding="utf-8")
    spheroid = text.replace(
        "public.bench_discover_gig_page_postgis(",
        "public.bench_discover_gig_page_postgis_spheroid(",
    ).replace("use_spheroid => false", "use_spheroid => true")
    vacuum = text.index("\nVACUUM (ANALYZE) public.gigs;")
    with connect(url) as conn:
        conn.execute(text[:vacuum])
        # Only the function of the spheroid copy: the rest of the file has just run.
        start = spheroid.index("CREATE OR REPLACE FUNCTION")
        end = spheroid.index("\nVACUUM (ANALYZE) public.gigs;")
        conn.execute("SET search_path = public, extensions;\n" + spheroid[start:end])
        # On its own: a multi-statement string runs as one transaction, where VACUUM cannot.
        conn.execute("VACUUM (ANALYZE) public.gigs")
    console.print("PostGIS twin applied")


def statement_for(function: str) -> str:
    if ORIGINAL not in DISCOVERY_SQL:
        raise RuntimeError("DISCOVERY_SQL no longer calls public.discover_gig_page(")
    return DISCOVERY_SQL.replace(ORIGINAL, function)


def full_call(
    conn: psycopg.Connection[Any], statement: str, radius_km: float
) -> Callable[[float, float], int]:
    """The API's discovery read with the statement swapped: same parameters, same shaping."""
    prefs = ViewerPreferences()
    rows_of = kit.row_factory(DiscoveredGig)

    def call(lat: float, lng: float) -> int:
        query = DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_km, limit=PAGE)
        params = discovery_params(query, prefs)
        with conn.cursor(row_factory=rows_of) as cur:
            cur.execute(statement, params)
            rows = cur.fetchall()
        return len(shape_page(rows, query.limit).items)

    return call


def page_of(
    conn: psycopg.Connection[Any], function: str, lat: float, lng: float, radius_km: float
) -> list[tuple[Any, float]]:
    params = discovery_params(
        DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_km, limit=PAGE), ViewerPreferences()
    )
    statement = FUNCTION_ONLY_SQL.format(function=function)
    return [(row[0], row[1]) for row in conn.execute(statement, params).fetchall()]


def function_call(
    conn: psycopg.Connection[Any], function: str, radius_km: float
) -> Callable[[float, float], int]:
    def call(lat: float, lng: float) -> int:
        return len(page_of(conn, function, lat, lng, radius_km))

    return call


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="owner URL of the bench database")
    parser.add_argument("--postgis-twin", action="store_true", help="apply postgis_twin.sql first")
    parser.add_argument("--runs", type=int, default=150)
    parser.add_argument("--json", help="write the raw numbers to this file")
    parser.add_argument(
        "--variants",
        default="earthdistance,postgis_sphere,postgis_spheroid",
        help="comma-separated subset of " + ",".join(TWINS),
    )
    parser.add_argument(
        "--no-parallel",
        action="store_true",
        help="SET max_parallel_workers_per_gather = 0 for the session (both functions alike)",
    )
    parser.add_argument(
        "--scenarios",
        default="",
        help="only the scenarios whose name contains this text (e.g. 'sparse) 5 km')",
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="alternate the variants centre by centre instead of running them one after another",
    )
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    variants = [name.strip() for name in args.variants.split(",") if name.strip()]

    if args.postgis_twin:
        apply_twin(args.database_url, console)

    results: dict[str, dict[str, Any]] = {}
    with connect(args.database_url) as anon:
        anon.execute("SET ROLE anon")
        if args.no_parallel:
            # PostGIS declares its distance functions very costly, which makes the twin's dense
            # walk look worth parallel workers; the original's walk never goes parallel.
            anon.execute("SET max_parallel_workers_per_gather = 0")
        version = anon.execute("SHOW server_version").fetchone()
        console.print(f"server {version[0] if version else '?'}")
        for scenario in SCENARIOS:
            if args.scenarios not in scenario.name:
                continue
            runs = centres(scenario, args.runs)
            row: dict[str, Any] = {}
            calls: dict[str, Callable[[float, float], int]] = {}
            for variant in variants:
                function = TWINS[variant]
                calls[f"{variant}/full"] = full_call(
                    anon, statement_for(function), scenario.radius_km
                )
                calls[f"{variant}/fn"] = function_call(anon, function, scenario.radius_km)
            if args.interleave:
                # Centre by centre, the order rotating: the variants see the same moments.
                measured = timed_interleaved(runs, calls, block=1)
            else:
                measured = {key: timed(runs, call) for key, call in calls.items()}
            if args.interleave and "earthdistance" in variants:
                # Paired by centre: the same centre, moments apart.
                for variant in variants:
                    if variant == "earthdistance":
                        continue
                    for kind in ("full", "fn"):
                        gaps = [
                            mine - theirs
                            for mine, theirs in zip(
                                measured[f"earthdistance/{kind}"],
                                measured[f"{variant}/{kind}"],
                                strict=True,
                            )
                        ]
                        row[f"{variant}/{kind}/paired"] = {
                            "median_gap_ms": statistics.median(gaps),
                            "original_faster": sum(gap < 0 for gap in gaps),
                            "centres": len(gaps),
                        }
                        console.print(
                            f"{scenario.name:32} {variant:17} {kind:4} discovery minus twin,"
                            f" paired by centre: median {statistics.median(gaps):+.3f} ms,"
                            f" discovery faster at {sum(gap < 0 for gap in gaps)}/{len(gaps)}"
                        )
            for key, samples in measured.items():
                row[key] = {
                    "median_ms": statistics.median(samples),
                    "p95_ms": percentile(samples, 0.95),
                    "runs": len(samples),
                }
                variant, kind = key.split("/")
                console.print(
                    f"{scenario.name:32} {variant:17} {kind:4} median"
                    f" {statistics.median(samples):7.3f} ms  p95"
                    f" {percentile(samples, 0.95):7.3f} ms"
                )
            # Same pages? Every centre, each twin against the original.
            for variant in variants:
                if variant == "earthdistance":
                    continue
                differing = extra = missing = 0
                worst_gap = 0.0
                for lat, lng in runs:
                    mine = page_of(anon, TWINS["earthdistance"], lat, lng, scenario.radius_km)
                    theirs = page_of(anon, TWINS[variant], lat, lng, scenario.radius_km)
                    if [gig for gig, _ in mine] != [gig for gig, _ in theirs]:
                        differing += 1
                    mine_ids = {gig for gig, _ in mine}
                    theirs_ids = {gig for gig, _ in theirs}
                    extra += len(theirs_ids - mine_ids)
                    missing += len(mine_ids - theirs_ids)
                    by_id = dict(mine)
                    for gig, distance in theirs:
                        if gig in by_id:
                            worst_gap = max(worst_gap, abs(by_id[gig] - distance))
                row[f"{variant}/pages"] = {
                    "pages": len(runs),
                    "pages_differing": differing,
                    "ids_only_in_twin": extra,
                    "ids_only_in_original": missing,
                    "max_distance_gap_m": worst_gap,
                }
                console.print(
                    f"{scenario.name:32} {variant:17} pages differing {differing}/{len(runs)}"
                    f" (+{extra} / -{missing} ids, max distance gap {worst_gap:.1f} m)"
                )
            results[scenario.name] = row

    table = Table(title=f"discovery vs its PostGIS twin, page of {PAGE}, {args.runs} runs")
    table.add_column("scenario")
    for variant in variants:
        table.add_column(f"{variant} full")
        table.add_column(f"{variant} fn")
    for name, row in results.items():
        cells = []
        for variant in variants:
            for kind in ("full", "fn"):
                cell = row[f"{variant}/{kind}"]
                cells.append(f"{cell['median_ms']:.2f} / {cell['p95_ms']:.2f}")
        table.add_row(name, *cells)
    Console().print(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
