"""`preset db …` against a real database: urls, migrations, rollbacks, new migrations."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from preset.cli import app, migration_files
from preset.db import migrations, sqlfiles
from preset.settings import PROJECT_ROOT
from tests.support.database import Database


def _statuses(output: str) -> dict[str, tuple[str, bool]]:
    """Revision → (status, is current) from the Rich table of `preset db migrations`."""
    found: dict[str, tuple[str, bool]] = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) >= 6 and cells[1] and cells[3] in ("applied", "pending"):
            found[cells[1]] = (cells[3], cells[4] == "←")
    return found


def test_help_lists_every_command() -> None:
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for name in ("db", "serve", "up"):
        assert name in top.output
    db_help = runner.invoke(app, ["db", "--help"])
    for name in (
        "start", "stop", "status", "url", "migrate", "rollback", "migrations", "migration", "seed",
    ):  # fmt: skip
        assert name in db_help.output


def test_url_prints_a_connectable_owner_url(cli: CliRunner, db: Database) -> None:
    result = cli.invoke(app, ["db", "url"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_database(), 1").fetchone()
    assert row is not None and row[0] == db.url.rsplit("/", 1)[1]


def test_url_app_connects_as_the_authenticator(cli: CliRunner) -> None:
    result = cli.invoke(app, ["db", "url", "--app"])
    assert result.exit_code == 0, result.output
    with psycopg.connect(result.stdout.strip()) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row == ("authenticator",)


def test_start_and_stop_leave_an_outside_server_alone(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESET_DATA_DIR", str(tmp_path / "data"))
    for verb in ("start", "stop"):
        result = cli.invoke(app, ["db", verb])
        assert result.exit_code == 0, result.output
        assert "DATABASE_URL is set" in result.output
    assert not (tmp_path / "data").exists()
    status = cli.invoke(app, ["db", "status"])
    assert status.exit_code == 0, status.output
    assert "outside server from DATABASE_URL" in status.output
    assert "up to date" in status.output


def test_migrations_lists_applied_and_pending_after_partial_rollback(
    cli: CliRunner, db: Database
) -> None:
    revisions = [state.revision for state in migrations.migration_states(db.url)]
    assert len(revisions) >= 3

    listed = _statuses(cli.invoke(app, ["db", "migrations"]).output)
    assert listed == {rev: ("applied", rev == revisions[-1]) for rev in revisions}

    rolled = cli.invoke(app, ["db", "rollback", "--steps", "2"])
    assert rolled.exit_code == 0, rolled.output
    result = cli.invoke(app, ["db", "migrations"])
    assert result.exit_code == 0, result.output
    expected = {rev: ("applied", rev == revisions[-3]) for rev in revisions[:-2]}
    expected |= {rev: ("pending", False) for rev in revisions[-2:]}
    assert _statuses(result.output) == expected
    assert f"{len(revisions) - 2} applied, 2 pending" in result.output


def test_rollback_one_step_then_migrate(cli: CliRunner, db: Database) -> None:
    revisions = [state.revision for state in migrations.migration_states(db.url)]
    result = cli.invoke(app, ["db", "rollback", "--steps", "1"])
    assert result.exit_code == 0, result.output
    assert migrations.current_revision(db.url) == revisions[-2]

    result = cli.invoke(app, ["db", "migrate"])
    assert result.exit_code == 0, result.output
    assert migrations.current_revision(db.url) == revisions[-1]
    assert cli.invoke(app, ["db", "migrate"]).output.startswith("already at")


def test_rollback_to_a_revision_and_option_errors(cli: CliRunner, db: Database) -> None:
    revisions = [state.revision for state in migrations.migration_states(db.url)]
    result = cli.invoke(app, ["db", "rollback", "--to", revisions[1]])
    assert result.exit_code == 0, result.output
    assert migrations.current_revision(db.url) == revisions[1]

    both = cli.invoke(app, ["db", "rollback", "--steps", "1", "--base"])
    assert both.exit_code == 1 and "only one of" in both.output
    unknown = cli.invoke(app, ["db", "rollback", "--to", "nope"])
    assert unknown.exit_code == 1 and "cannot roll back" in unknown.output
    assert migrations.current_revision(db.url) == revisions[1]


def test_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(app, ["db", "migrate"])
    assert result.exit_code == 1
    assert "cannot reach the database (DATABASE_URL)" in result.output
    assert "Traceback" not in result.output


def test_migration_new_creates_a_revision_with_sql_files_that_runs(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Work on a copy of migrations/ so the repository is never touched.
    copy = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migration_files, "MIGRATIONS_DIR", copy)
    monkeypatch.setattr(sqlfiles, "SQL_DIR", copy / "sql")
    old_head = migrations.head_revision()

    result = CliRunner().invoke(app, ["db", "migration", "new", "add demo widgets"])
    assert result.exit_code == 0, result.output

    expected_rev = f"{int(old_head) + 1:04d}"
    script = copy / "versions" / f"{expected_rev}_add_demo_widgets.py"
    up_sql = copy / "sql" / f"{expected_rev}_add_demo_widgets.up.sql"
    down_sql = copy / "sql" / f"{expected_rev}_add_demo_widgets.down.sql"
    assert script.exists() and up_sql.exists() and down_sql.exists()
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(copy))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_heads() == [expected_rev]
    assert scripts.get_revision(expected_rev).down_revision == old_head  # type: ignore[union-attr]

    up_sql.write_text(up_sql.read_text() + "CREATE TABLE demo_widgets (id int PRIMARY KEY);\n")
    down_sql.write_text(down_sql.read_text() + "DROP TABLE demo_widgets;\n")
    config.attributes["url"] = db.url
    command.upgrade(config, "head")
    assert db.execute("SELECT to_regclass('public.demo_widgets') AS t")[0]["t"] is not None
    command.downgrade(config, "-1")
    assert db.execute("SELECT to_regclass('public.demo_widgets') AS t")[0]["t"] is None
    assert not (PROJECT_ROOT / "migrations" / "sql" / up_sql.name).exists()


def test_migration_new_rejects_bad_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migration_files, "MIGRATIONS_DIR", tmp_path)
    result = CliRunner().invoke(app, ["db", "migration", "new", "../escape"])
    assert result.exit_code == 1
    assert "migration name" in result.output
