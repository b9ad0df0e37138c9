"""A small HTTP/1.1 keep-alive load generator (asyncio streams, no client library overhead).

Run in its own process so the server under test never shares an interpreter with it:

    python -m bench.loadgen --url http://127.0.0.1:8765/api/users/me --connections 50 \
        --duration 15 --tokens-file tokens.txt

Each connection sends one request at a time (closed loop) with the bearer token of one user
(tokens are spread over the connections round-robin) and records each request's latency.
Prints one JSON object: requests, errors, req/s, p50/p90/p99/max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlsplit


async def _connection(
    host: str,
    port: int,
    request: bytes,
    deadline: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                    break
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


async def run(
    url: str, connections: int, duration: float, tokens: list[str], warmup: float
) -> dict[str, float | int]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path or "/"

    def request_for(token: str) -> bytes:
        return (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
        ).encode()

    if warmup > 0:
        await asyncio.gather(
            *(
                _connection(
                    host,
                    port,
                    request_for(tokens[i % len(tokens)]),
                    time.perf_counter() + warmup,
                    [],
                    [],
                )
                for i in range(connections)
            )
        )
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(
        *(
            _connection(
                host, port, request_for(tokens[i % len(tokens)]), deadline, latencies, errors
            )
            for i in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(ordered, 0.50) * 1000, 2),
        "p90_ms": round(_percentile(ordered, 0.90) * 1000, 2),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round((ordered[-1] if ordered else float("nan")) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--tokens-file", type=Path, required=True)
    args = parser.parse_args()
    tokens = [t for t in args.tokens_file.read_text().split() if t]
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        pass
    result = asyncio.run(run(args.url, args.connections, args.duration, tokens, args.warmup))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
