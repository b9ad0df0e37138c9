"""WAL on the embedded server: a development cluster archives within a bound of age and size; a
throw-away cluster (the test suite's) archives nothing and keeps little WAL."""

from __future__ import annotations

import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from preset.db.embedded import EmbeddedPostgres, WalArchive, prune_wal_archive
from preset.settings import PROJECT_ROOT
from tests.support.database import suite_cluster

HOUR = 3600.0
MB = 1024 * 1024


def _segment(directory: Path, number: int, *, age_hours: float, size: int = MB) -> Path:
    path = directory / f"00000001{number:016X}"
    path.write_bytes(b"\0" * size)
    moment = time.time() - age_hours * HOUR
    os.utime(path, (moment, moment))
    return path


def test_segments_older_than_the_bound_are_pruned(tmp_path: Path) -> None:
    old = [_segment(tmp_path, n, age_hours=100 - n) for n in range(3)]
    recent = [_segment(tmp_path, n, age_hours=1) for n in range(3, 6)]
    history = tmp_path / "00000002.history"
    history.write_text("1\t0/3000000\tno recovery target specified\n")
    backup = tmp_path / "000000010000000000000003.00000028.backup"
    backup.write_text("START WAL LOCATION: 0/3000028\n")
    os.utime(history, (0, 0))
    os.utime(backup, (0, 0))

    result = prune_wal_archive(tmp_path, WalArchive(max_age_hours=24, max_bytes=100 * MB))

    assert (result.removed, result.removed_bytes) == (3, 3 * MB)
    assert (result.kept, result.kept_bytes) == (3, 3 * MB)
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in recent)
    assert history.exists() and backup.exists()  # timelines and backup labels stay


def test_the_oldest_segments_go_until_the_archive_fits_its_size(tmp_path: Path) -> None:
    segments = [_segment(tmp_path, n, age_hours=10 - n) for n in range(10)]
    partial = tmp_path / "00000001000000000000000A.partial"
    partial.write_bytes(b"\0" * MB)

    result = prune_wal_archive(tmp_path, WalArchive(max_age_hours=48, max_bytes=4 * MB))

    assert result.kept_bytes <= 4 * MB
    assert [path.exists() for path in segments] == [False] * 7 + [True] * 3
    assert partial.exists()  # the newest file
    assert prune_wal_archive(tmp_path, WalArchive(max_age_hours=48, max_bytes=4 * MB)).removed == 0


def test_a_missing_archive_is_nothing_to_prune(tmp_path: Path) -> None:
    result = prune_wal_archive(tmp_path / "absent", WalArchive())
    assert (result.removed, result.kept) == (0, 0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def cluster_dir() -> Iterator[Path]:
    # Short and under the project (a unix socket path is limited to ~107 bytes).
    path = PROJECT_ROOT / ".data" / f"wal-{uuid.uuid4().hex[:8]}"
    try:
        yield path
    finally:
        EmbeddedPostgres(path, 1024).stop()
        shutil.rmtree(path, ignore_errors=True)


def _settings(server: EmbeddedPostgres) -> dict[str, str]:
    with psycopg.connect(server.url("postgres")) as conn:
        rows = conn.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            (["archive_mode", "wal_level", "max_wal_size", "max_wal_senders"],),
        ).fetchall()
    return {name: value for name, value in rows}


def test_a_throwaway_cluster_archives_nothing(cluster_dir: Path) -> None:
    server = EmbeddedPostgres(cluster_dir, _free_port(), archive=None)
    server.start()

    assert _settings(server) == {
        "archive_mode": "off",
        "wal_level": "minimal",
        "max_wal_size": "256MB",
        "max_wal_senders": "0",
    }
    assert not server.wal_archive.exists()
    assert not server.config_outdated()
    # The same cluster asked to archive: its running configuration is now out of date.
    assert EmbeddedPostgres(cluster_dir, server.port).config_outdated()


def test_a_development_cluster_archives_and_prunes_at_every_start(cluster_dir: Path) -> None:
    bound = WalArchive(max_age_hours=1, max_bytes=64 * MB)
    server = EmbeddedPostgres(cluster_dir, _free_port(), archive=bound)
    server.start()
    assert _settings(server)["archive_mode"] == "on"
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_switch_wal()")
        conn.execute("CREATE TABLE t AS SELECT 1 AS x")
        conn.execute("SELECT pg_switch_wal()")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(server.wal_archive.iterdir()):
        time.sleep(0.2)
    archived = sorted(server.wal_archive.iterdir())
    assert archived, "no segment was archived"
    stale = _segment(server.wal_archive, 0xFFFF, age_hours=5)

    server.start()  # already running: prunes all the same

    assert not stale.exists()
    assert all(path.exists() for path in archived)


def test_the_suite_cluster_is_a_throwaway_one() -> None:
    cluster = suite_cluster()
    assert cluster.archive is None
    assert cluster.root.name == "test" or os.environ.get("PRESET_TEST_DATA_DIR")
