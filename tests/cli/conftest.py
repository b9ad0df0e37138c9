from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.support.database import Database


@pytest.fixture()
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose commands target this test's own database through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("PRESET_ENV", "test")
    return CliRunner()
