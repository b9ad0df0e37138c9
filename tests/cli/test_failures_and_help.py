"""A failing command says what failed and why in one line on stderr and exits non-zero (no
traceback); --help shows no value type after flags, which take none."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from preset.cli import app
from tests.support import database as support
from tests.support.database import Database

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


@pytest.fixture()
def empty_db(test_server: support.TestServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database with no migration applied, as DATABASE_URL."""
    name = f"preset_empty_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(test_server.maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = test_server.url(name)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRESET_ENV", "test")
    yield url
    test_server.drop(name)


def test_migrate_against_an_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    result = CliRunner().invoke(app, ["db", "migrate"])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "cannot reach the database (DATABASE_URL)" in line
    assert "Connection refused" in line or "failed" in line
    assert "psycopg.OperationalError" not in line  # the reason, not the exception's class


def test_the_real_command_prints_one_line_on_stderr_and_nothing_on_stdout() -> None:
    preset = Path(sys.executable).parent / "preset"
    env = {**os.environ, "DATABASE_URL": UNREACHABLE, "PRESET_ENV": "test", "COLUMNS": "40"}
    result = subprocess.run(
        [str(preset), "db", "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stdout == ""
    line = _one_error_line(result.stderr)  # one line even in a narrow terminal
    assert "cannot reach the database" in line


def test_seed_before_migrate_is_one_line(empty_db: str) -> None:
    result = CliRunner().invoke(app, ["db", "seed"])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "not at the latest migration" in line and "preset db migrate" in line


def test_the_worker_on_an_unmigrated_database_is_one_line(empty_db: str) -> None:
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "does not exist" in line and "preset db migrate" in line


def test_an_unknown_revision_is_one_line(cli: CliRunner, db: Database) -> None:
    result = cli.invoke(app, ["db", "migrate", "--to", "9999"])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "9999" in line


@pytest.mark.parametrize(
    "command", [["db", "url"], ["db", "migrate"], ["serve"], ["up", "--no-serve"], ["worker"]]
)
def test_an_unknown_setting_is_one_line_naming_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("PRESET_DB_POOL_MAX", "3")
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    line = _one_error_line(result.output)
    assert "PRESET_DB_POOL_MAX" in line and "PRESET_DB_POOL_MAX_SIZE" in line


def test_an_invalid_setting_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("PRESET_DB_POOL_MAX_SIZE", "many")
    result = CliRunner().invoke(app, ["db", "url"])
    assert result.exit_code == 2
    assert "db.pool_max_size" in _one_error_line(result.output)


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (["up"], ["--demo", "--serve", "--reload", "--help"]),
        (["db", "seed"], ["--demo", "--reset-passwords", "--help"]),
        (["worker"], ["--once", "--help"]),
    ],
)
def test_help_shows_no_type_after_flags(
    command: list[str], flags: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    rows = {line.split()[1]: line for line in result.output.splitlines() if "│ --" in line}
    for flag in flags:
        assert flag in rows, result.output
        assert "<" not in rows[flag], rows[flag]
    # Options that do take a value still say which.
    if command == ["up"]:
        assert "<int range>" in rows["--users"] and "<str>" in rows["--host"]
