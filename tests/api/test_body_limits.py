"""Request bodies have a size limit: 413 ``payload_too_large`` before the body is read whole.

From ``Content-Length`` before anything is read; for a chunked body while its chunks are counted
(the rest is never read); per path prefix where a setting says so. Nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from tests.api.helpers import count_rows
from tests.gigs.helpers import Account, account, create_gig, gig_body
from tests.support.api import SmtpServer, api_client, app_settings_for, assert_error
from tests.support.database import Database


def test_a_body_past_the_limit_is_413_and_writes_nothing(
    client: TestClient, db: Database, owner: Account
) -> None:
    body = gig_body(description="x" * (1024 * 1024))
    error = assert_error(
        client.post("/api/gigs", json=body, headers=owner.headers), 413, "payload_too_large"
    )
    assert error["details"] == {"limit_bytes": 1024 * 1024}
    assert count_rows(db, "gigs") == 0
    # Just under the limit the request reaches the route (which has its own field limits).
    body = gig_body(usage_rights="x" * (1000 * 1000))
    assert_error(
        client.post("/api/gigs", json=body, headers=owner.headers), 422, "validation_error"
    )


async def _asgi_call(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: Iterator[bytes]
) -> tuple[list[Message], int]:
    """One request straight through the app's ASGI interface: the messages it sent and how many
    body chunks it read."""
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return sent, read


def _status_and_code(sent: list[Message]) -> tuple[int, str]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body)["error"]["code"]


def _endless(chunk: bytes, *, count: int = 256) -> Iterator[bytes]:
    """As good as endless for a 1 MiB limit (16 MiB of 64 KiB chunks), and finite, so a guard
    that stopped counting fails the test instead of reading forever."""
    for _ in range(count):
        yield chunk


@pytest.mark.parametrize("content_type", [b"application/json", b"text/plain"])
def test_a_streamed_body_is_cut_off_at_the_limit(
    client: TestClient, db: Database, owner: Account, content_type: bytes
) -> None:
    """Chunked (no Content-Length): the guard counts chunks and answers 413 once they pass the
    limit; the endless rest is never read. JSON bodies are read by the guard itself, any other
    type is counted on its way to the route."""
    token = owner.headers["Authorization"].encode()
    headers = [
        (b"authorization", token),
        (b"content-type", content_type),
        (b"transfer-encoding", b"chunked"),
    ]
    chunk = b"x" * 65536
    assert client.portal is not None
    sent, read = client.portal.call(
        _asgi_call, client.app, "POST", "/api/gigs", headers, _endless(chunk)
    )
    assert _status_and_code(sent) == (413, "payload_too_large")
    assert read == 1024 * 1024 // len(chunk) + 1
    assert count_rows(db, "gigs") == 0


def test_a_declared_length_past_the_limit_is_refused_before_reading(
    client: TestClient, owner: Account
) -> None:
    headers = [
        (b"authorization", owner.headers["Authorization"].encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(10**12).encode()),
    ]
    assert client.portal is not None
    sent, read = client.portal.call(
        _asgi_call, client.app, "POST", "/api/gigs", headers, _endless(b"{")
    )
    assert _status_and_code(sent) == (413, "payload_too_large")
    assert read == 0


@pytest.mark.parametrize("declared", [b"abc", b"-5"])
def test_a_content_length_that_is_not_a_length_is_400(
    client: TestClient, owner: Account, declared: bytes
) -> None:
    headers = [
        (b"authorization", owner.headers["Authorization"].encode()),
        (b"content-type", b"application/json"),
        (b"content-length", declared),
    ]
    assert client.portal is not None
    sent, read = client.portal.call(
        _asgi_call, client.app, "POST", "/api/gigs", headers, _endless(b"{}")
    )
    assert _status_and_code(sent) == (400, "bad_request")
    assert read == 0


def test_the_limit_is_a_setting_overridable_per_path_prefix(db: Database, smtp: SmtpServer) -> None:
    settings = app_settings_for(db, smtp)
    settings.http.max_body_bytes = 4096
    settings.http.body_limits = {"/api/moodboards": 64, "/api/gigs/": 100_000}
    owner = account(db, role="contributor", tier="pro")
    with api_client(settings) as client:
        board = {"title": "A moodboard with a title long enough to pass sixty-four bytes"}
        error = assert_error(
            client.post("/api/moodboards", json=board, headers=owner.headers),
            413,
            "payload_too_large",
        )
        assert error["details"] == {"limit_bytes": 64}
        # /api/gigs itself falls under the default, /api/gigs/<id>... under its prefix's limit.
        texts = {"description": "x" * 4900, "usage_rights": "y" * 1900}  # ~6.8 kB, all valid
        assert_error(
            client.post("/api/gigs", json=gig_body(**texts), headers=owner.headers),
            413,
            "payload_too_large",
        )
        gig = create_gig(client, owner)
        patched = client.patch(f"/api/gigs/{gig['id']}", json=texts, headers=owner.headers)
        assert patched.status_code == 200, patched.text
        assert patched.json()["usage_rights"] == texts["usage_rights"]
    assert count_rows(db, "moodboards") == 0
