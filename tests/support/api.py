"""HTTP test harness: the real app, built for one test's own database, plus a real SMTP server.

The app's pool connects as `authenticator` to the test's database (never as its owner); mail
goes over SMTP to an in-process aiosmtpd server, so tests read tokens from real e-mails.
"""

from __future__ import annotations

import re
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from preset.api.app import create_app
from preset.db.urls import render
from preset.settings import (
    AppSettings,
    DatabaseSettings,
    Environment,
    MailSettings,
    RateLimitSettings,
    Settings,
)
from tests.support.database import Database

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105


@dataclass
class MailBox:
    """Messages received by the in-process SMTP server."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def latest_token(self, address: str, subject_contains: str) -> str:
        for message in reversed(self.to(address)):
            if subject_contains.lower() in str(message["Subject"]).lower():
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                match = re.search(r"^token: (\S+)\s*$", body.decode(), re.MULTILINE)
                assert match, body
                return match.group(1)
        raise AssertionError(f"no mail '{subject_contains}' to {address}")


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: MailBox


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = MailBox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, mailbox)
    finally:
        controller.stop()


def authenticator_url(owner_url: str) -> str:
    return render(make_url(owner_url).set(username="authenticator", password=None))


def app_settings_for(
    db: Database,
    smtp: SmtpServer | None,
    *,
    pool_max_size: int = 4,
    anon_pool_max_size: int = 2,
    rate_limit: RateLimitSettings | None = None,
) -> Settings:
    return Settings(
        app=AppSettings(env=Environment.TEST, log_level="WARNING"),
        db=DatabaseSettings(
            app_database_url=authenticator_url(db.url),
            pool_min_size=1,
            pool_max_size=pool_max_size,
            anon_pool_max_size=anon_pool_max_size,
        ),
        mail=MailSettings(
            smtp_host=smtp.host if smtp else None, smtp_port=smtp.port if smtp else 25
        ),
        rate_limit=rate_limit
        or RateLimitSettings(
            auth_per_minute=10_000, read_per_minute=10_000, write_per_minute=10_000
        ),
    )


@contextmanager
def api_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signup(
    client: TestClient,
    *,
    email: str | None = None,
    handle: str | None = None,
    role: str = "talent",
    password: str = DEFAULT_PASSWORD,
    display_name: str = "Test Person",
) -> dict[str, Any]:
    """Sign a new account up through the API; returns the token response."""
    suffix = uuid.uuid4().hex[:10]
    response = client.post(
        "/api/auth/signup",
        json={
            "email": email or f"user_{suffix}@example.com",
            "password": password,
            "role": role,
            "display_name": display_name,
            "handle": handle or f"user_{suffix}",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the error envelope with this status and code (and a request id)."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response.headers["X-Request-ID"]
    return error


# ------------------------------------------------------------------ fixtures (imported by the
# conftest of each HTTP test package)
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture()
def client(db: Database, smtp: SmtpServer) -> Iterator[TestClient]:
    """The real app for this test's database; mail goes to the in-process SMTP server."""
    with api_client(app_settings_for(db, smtp)) as test_client:
        yield test_client
