"""Helpers of the HTTP bad-input tests: rows counted, cursors doctored, refusals checked."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.gigs.helpers import Account, account
from tests.support.api import assert_error
from tests.support.database import Database

GIG_ID = "00000000-0000-0000-0000-000000000001"
AT = "2026-01-01T00:00:00+00:00"


def count_rows(db: Database, table: str) -> int:
    [row] = db.execute(f"SELECT count(*) AS n FROM {table}")
    return int(row["n"])


def cursor_of(payload: dict[str, Any]) -> str:
    """A cursor as the API encodes one (base64url of compact JSON), with any payload."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def assert_invalid_character(response: httpx.Response, location: str, field: str) -> None:
    """422 invalid_character whose details name ``field`` at ``location`` (and the message)."""
    error = assert_error(response, 422, "invalid_character")
    assert {"field": field, "location": location} in [
        {"field": d["field"], "location": d["location"]} for d in error["details"]
    ], error
    assert all(d["type"] == "invalid_character" for d in error["details"])
    assert field in error["message"]


@pytest.fixture()
def owner(db: Database) -> Account:
    return account(db, role="contributor", tier="pro")


@pytest.fixture()
def talent(db: Database) -> Account:
    return account(db, role="talent", tier="pro")
