"""`preset db start/status/url/stop` on a throw-away embedded server; `preset up` and `serve`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from preset.cli import app, server
from preset.db import migrations
from preset.settings import PROJECT_ROOT
from tests.support import database as support
from tests.support.database import Database, server_migration_lock


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def embedded_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An embedded server of this test's own: its own data directory (short, for the socket
    path) and a free port, so it never meets the developer's server or the test server."""
    data_dir = PROJECT_ROOT / ".data" / f"cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PRESET_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PRESET_DB_EMBEDDED_PORT", str(_free_port()))
    monkeypatch.setenv("PRESET_ENV", "test")
    try:
        yield data_dir
    finally:
        CliRunner().invoke(app, ["db", "stop"])
        shutil.rmtree(data_dir, ignore_errors=True)


def test_embedded_server_lifecycle(embedded_env: Path) -> None:
    runner = CliRunner()
    stopped = runner.invoke(app, ["db", "status"])
    assert stopped.exit_code == 0, stopped.output
    assert "stopped" in stopped.output

    started = runner.invoke(app, ["db", "start"])
    assert started.exit_code == 0, started.output
    assert "running" in started.output
    assert (embedded_env / "postgres" / "PG_VERSION").exists()

    url = runner.invoke(app, ["db", "url"]).stdout.strip()
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT current_database(), current_setting('shared_preload_libraries')"
        ).fetchone()
    assert row == ("preset", "pg_stat_statements")

    status = runner.invoke(app, ["db", "status"])
    assert "running" in status.output and "migration: none" in status.output

    assert runner.invoke(app, ["db", "start"]).exit_code == 0  # idempotent
    result = runner.invoke(app, ["db", "stop"])
    assert result.exit_code == 0, result.output
    assert "stopped" in result.output
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_up_without_serving_migrates_and_seeds(
    cli: CliRunner, db: Database, test_server: support.TestServer
) -> None:
    assert cli.invoke(app, ["db", "rollback", "--base"]).exit_code == 0
    assert migrations.current_revision(db.url) is None

    with server_migration_lock(test_server.maintenance_url):
        result = cli.invoke(app, ["up", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "outside server from DATABASE_URL" in result.output
    assert migrations.current_revision(db.url) == migrations.head_revision()
    assert db.execute("SELECT count(*) AS n FROM users")[0]["n"] == 3


def test_serve_fails_clearly_when_the_api_cannot_be_imported(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "APP_FACTORY", "preset.api.does_not_exist:create_app")
    for args in (["serve"], ["up"]):
        result = cli.invoke(app, args)
        assert result.exit_code == 1
        assert "the API cannot be loaded" in result.output


def test_serve_rejects_bad_arguments(cli: CliRunner) -> None:
    result = cli.invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2


def test_serve_runs_the_api(db: Database) -> None:
    """The real command in its own process: /health answers and the OpenAPI document is served."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "PRESET_ENV": "test"}
    preset = Path(sys.executable).parent / "preset"
    process = subprocess.Popen(
        [str(preset), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        assert health is not None, process.stdout.read().decode() if process.stdout else ""
        assert health.status_code == 200, health.text
        openapi = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5)
        assert openapi.status_code == 200 and "paths" in openapi.json()
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_logs_each_request_once_as_structured_json(db: Database) -> None:
    """uvicorn's own access line is off: the app's `request` line (JSON) is the only one."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "PRESET_ENV": "test", "PRESET_LOG_LEVEL": "INFO"}
    preset = Path(sys.executable).parent / "preset"
    process = subprocess.Popen(
        [str(preset), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    request_id = f"log-{uuid.uuid4().hex[:12]}"
    try:
        deadline = time.monotonic() + 30
        answered = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answered = httpx.get(
                    f"http://127.0.0.1:{port}/health",
                    headers={"X-Request-ID": request_id},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answered is not None and answered.status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    lines = output.decode().splitlines()
    about_health = [line for line in lines if "/health" in line]
    assert len(about_health) == 1, lines
    entry = json.loads(about_health[0])
    assert entry["event"] == "request"
    assert entry["request_id"] == request_id
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health", 200)
    assert entry["client"] == "127.0.0.1"
    assert isinstance(entry["duration_ms"], int | float)
    assert not any('"GET /health' in line for line in lines)  # uvicorn's access format
