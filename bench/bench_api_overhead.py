"""What the API adds around discovery's query, measured inside one process (no HTTP, no client).

Run by hand against a loaded benchmark database, with the server's own environment:

    DATABASE_URL=postgresql://…/preset_bench \\
    APP_DATABASE_URL=postgresql://authenticator@…/preset_bench \\
    PRESET_RATE_LIMIT_READ_PER_MINUTE=100000000 python -m bench.bench_api_overhead >/dev/null

Each round calls, in turn, (a) the ASGI app with ``GET /api/gigs?lat=&lng=&radius_km=&limit=20``
(middleware, routing, validation, rate limit, the query as ``anon``, encoding, access log) and
(b) only what the endpoint itself does with the database: the same query through
``read_all_as_anon`` on the app's anonymous pool, shaping and encoding the page. The order
alternates from round to round, so a slow spell of a noisy machine falls on both; the
difference of the medians (wall) and of the means (CPU of this process) is the framework's
share. Both talk to PostgreSQL over the same pool, so the database's time cancels out.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from preset.api.app import create_app
from preset.db.session import read_all_as_anon
from preset.gigs import discovery
from preset.gigs.repository import DiscoveredGig
from preset.gigs.schemas import DiscoveryQuery


async def _run(runs: int, lat: float, lng: float, radius_km: float) -> dict[str, float]:
    app = create_app()
    query = f"lat={lat}&lng={lng}&radius_km={radius_km}&limit=20".encode()
    status: dict[str, int] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    async def through_the_app() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/gigs",
            "raw_path": b"/api/gigs",
            "root_path": "",
            "query_string": query,
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
            "app": app,
        }
        await app(scope, receive, send)
        if status.get("code") != 200:
            raise RuntimeError(f"GET /api/gigs answered {status.get('code')}")

    params = discovery.discovery_params(
        DiscoveryQuery(lat=lat, lng=lng, radius_km=radius_km, limit=20),
        discovery.ViewerPreferences(),
    )

    async with app.router.lifespan_context(app):
        pool = app.state.anon_pool

        async def endpoint_work_only() -> None:
            rows = await read_all_as_anon(pool, DiscoveredGig, discovery.DISCOVERY_SQL, params)
            discovery.encode_page(discovery.shape_page(rows, 20))

        calls: Sequence[tuple[str, Callable[[], Awaitable[None]]]] = (
            ("app", through_the_app),
            ("query", endpoint_work_only),
        )
        for _ in range(100):  # warm-up
            for _, call in calls:
                await call()
        wall: dict[str, list[float]] = {"app": [], "query": []}
        cpu: dict[str, list[float]] = {"app": [], "query": []}
        for index in range(runs):
            for label, call in calls if index % 2 else calls[::-1]:
                cpu_start, wall_start = time.process_time(), time.perf_counter()
                await call()
                wall[label].append((time.perf_counter() - wall_start) * 1000)
                cpu[label].append((time.process_time() - cpu_start) * 1000)
    return {
        "app_wall_median_ms": statistics.median(wall["app"]),
        "query_wall_median_ms": statistics.median(wall["query"]),
        "app_cpu_mean_ms": statistics.mean(cpu["app"]),
        "query_cpu_mean_ms": statistics.mean(cpu["query"]),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--lat", type=float, default=51.5074)
    parser.add_argument("--lng", type=float, default=-0.1278)
    parser.add_argument("--radius-km", type=float, default=25.0)
    args = parser.parse_args(argv)
    result = asyncio.run(_run(args.runs, args.lat, args.lng, args.radius_km))
    # The access log goes to stdout (it is part of what is measured); the result to stderr.
    print(
        f"app   wall median {result['app_wall_median_ms']:.3f} ms  cpu mean"
        f" {result['app_cpu_mean_ms']:.3f} ms\n"
        f"query wall median {result['query_wall_median_ms']:.3f} ms  cpu mean"
        f" {result['query_cpu_mean_ms']:.3f} ms\n"
        f"added wall {result['app_wall_median_ms'] - result['query_wall_median_ms']:+.3f} ms"
        f"  cpu {result['app_cpu_mean_ms'] - result['query_cpu_mean_ms']:+.3f} ms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
