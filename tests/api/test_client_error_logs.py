"""An expected client error (any 4xx) is logged at INFO, never as an ERROR with a traceback.

Read from the output of the real server (``preset serve`` in its own process, structlog's JSON
lines on stdout): what an operator would see.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.helpers import AT, GIG_ID, cursor_of
from tests.gigs.helpers import account
from tests.support.database import Database


@pytest.fixture()
def served_api(db: Database) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``preset serve`` in its own process (uvicorn, real HTTP), logging at INFO."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "PRESET_ENV": "test",
        "PRESET_LOG_LEVEL": "INFO",
        "PRESET_HTTP_MAX_BODY_BYTES": "2048",
    }
    preset = Path(sys.executable).parent / "preset"
    process = subprocess.Popen(
        [str(preset), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


def test_client_errors_are_logged_below_error_without_a_traceback(
    served_api: tuple[str, subprocess.Popen[bytes]], db: Database
) -> None:
    base, process = served_api
    owner = account(db, role="contributor", tier="pro")
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/gigs?q=a%00b", {}),
        ("GET", "/api/profiles/a%00b", {}),
        ("GET", "/api/nowhere", {}),
        ("DELETE", "/health", {}),
        ("GET", "/api/users/me", {}),
        ("GET", "/api/users/me", {"headers": {"Authorization": "Bearer a.b.c"}}),
        (
            "GET",
            "/api/gigs/mine?cursor=" + cursor_of({"k": "gigs.mine", "v": [AT, 1]}),
            {"headers": owner.headers},
        ),
        ("POST", "/api/gigs", {"headers": owner.headers, "json": {"title": "x" * 5000}}),
        ("POST", "/api/gigs", {"headers": owner.headers, "json": {"title": "x"}}),
        ("POST", "/api/gigs", {"headers": owner.headers, "content": b"{", "timeout": 5}),
        ("POST", f"/api/gigs/{GIG_ID}/publish", {"headers": owner.headers}),
    ]
    statuses = []
    with httpx.Client(base_url=base, timeout=10) as http:
        for method, url, options in requests:
            response = http.request(method, url, **options)
            statuses.append(response.status_code)
            assert 400 <= response.status_code < 500, (url, response.text)
    process.terminate()
    output, _ = process.communicate(timeout=15)

    lines = output.decode(errors="replace").splitlines()
    records = []
    for line in lines:
        if line.startswith("{"):
            records.append(json.loads(line))
    access = [r for r in records if r.get("event") == "request" and r.get("status", 0) >= 400]
    # Every 4xx has its access line at INFO; no line of the run is an error or has a traceback.
    assert sorted(r["status"] for r in access) == sorted(statuses)
    assert {r["level"] for r in access} == {"info"}
    assert [r for r in records if r["level"] in {"error", "critical", "exception"}] == []
    assert [r for r in records if "exception" in r or "exc_info" in r] == []
    assert not any("Traceback" in line for line in lines), output.decode(errors="replace")
