"""What the input guard (preset.api.middleware.InputGuardMiddleware) adds to a request.

No database, no HTTP: the guard wraps an ASGI app that answers at once, and the same requests go
to that app bare and guarded, alternated in batches, so a noisy machine slows both alike:

    python -m bench.bench_input_guard

Two requests: discovery's GET (headers of a browser-sized request, a query string, no body) and
a gig's POST (its JSON body of about 1 kB, which the guard reads whole and scans).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from preset.api.middleware import InputGuardMiddleware
from preset.settings import HttpSettings

_HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari"),
    (b"accept", b"application/json"),
    (b"accept-language", b"en-IE,en;q=0.9"),
    (b"accept-encoding", b"gzip, deflate, br"),
    (b"authorization", b"Bearer " + b"e" * 300),
]
_BODY = json.dumps(
    {
        "title": "Golden hour portrait shoot",
        "description": "A relaxed outdoor portrait session by the river at sunset. " * 12,
        "comp_type": "tfp",
        "location_text": "Dublin, Ireland",
        "start_time": "2030-06-01T18:00:00+01:00",
        "looking_for_types": ["model", "stylist"],
    }
).encode()


async def _answer(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["method"] == "POST":
        await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": _BODY, "more_body": False}


async def _send(message: Any) -> None:
    return None


def _scope(method: str) -> dict[str, Any]:
    headers = list(_HEADERS)
    if method == "POST":
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(_BODY))]
    return {
        "type": "http",
        "method": method,
        "path": "/api/gigs",
        "query_string": b"lat=51.5074&lng=-0.1278&radius_km=25&limit=20",
        "headers": headers,
    }


async def _batch(app: ASGIApp, method: str, size: int) -> float:
    """Microseconds per request over one batch."""
    scope = _scope(method)
    started = time.perf_counter()
    for _ in range(size):
        await app(scope, _receive, _send)
    return (time.perf_counter() - started) / size * 1e6


async def _run(batches: int, size: int) -> dict[str, tuple[float, float]]:
    guarded = InputGuardMiddleware(_answer, http=HttpSettings(), path_templates=lambda: [])
    results: dict[str, tuple[float, float]] = {}
    for method in ("GET", "POST"):
        bare: list[float] = []
        guard: list[float] = []
        for index in range(batches):
            order = ((bare, _answer), (guard, guarded))
            for times, app in order if index % 2 else order[::-1]:
                times.append(await _batch(app, method, size))
        results[method] = (statistics.median(bare), statistics.median(guard))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--batches", type=int, default=21)
    parser.add_argument("--size", type=int, default=20_000)
    args = parser.parse_args(argv)
    for method, (bare, guard) in asyncio.run(_run(args.batches, args.size)).items():
        label = "GET /api/gigs?…" if method == "GET" else f"POST /api/gigs ({len(_BODY)} B JSON)"
        print(f"{label}: bare {bare:.2f} µs, guarded {guard:.2f} µs, added {guard - bare:+.2f} µs")


if __name__ == "__main__":
    main()
