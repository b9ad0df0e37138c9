"""Shared fixtures: a real PostgreSQL (embedded by default, DATABASE_URL when set).

The schema under test is built by running the real migrations once per test worker into a
template database; each test then gets its own clone of that template.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from preset.db.embedded import EmbeddedPostgres
from preset.db.urls import normalise, with_database
from tests.support.database import (
    Database,
    TestServer,
    server_migration_lock,
    suite_cluster,
    worker_suffix,
)


@pytest.fixture(scope="session")
def test_server() -> Iterator[TestServer]:
    outside = os.environ.get("DATABASE_URL")
    if outside:
        yield TestServer(with_database(normalise(outside), "postgres"), "DATABASE_URL")
        return
    # One embedded cluster for the whole run, shared by the xdist workers (start is idempotent
    # and serialised by PostgreSQL's own postmaster.pid lock). It keeps running afterwards, for
    # the next run: `python3 dev.py test --stop` stops it.
    server = suite_cluster()
    _start_shared(server)
    yield TestServer(server.url("postgres"), "embedded")


def _start_shared(server: EmbeddedPostgres) -> None:
    import fcntl

    server.root.mkdir(parents=True, exist_ok=True)
    lock_path = server.root.parent / f".{server.root.name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server.start()
        if server.config_outdated() and not _has_clients(server):
            # Left running by an older checkout (one that archived WAL, say): the new settings
            # only apply on a restart, safe while nobody else is connected.
            server.stop()
            server.start()


def _has_clients(server: EmbeddedPostgres) -> bool:
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()
    return bool(row and row[0])


@pytest.fixture(scope="session")
def template_db(test_server: TestServer) -> Iterator[str]:
    # The pid keeps concurrent runs on one server (several checkouts, CI) from sharing a template.
    # Builds are serialised server-wide: on a fresh cluster two workers running migration 0001 at
    # once would both find a role missing and both create it (unique violation in pg_authid).
    with server_migration_lock(test_server.maintenance_url):
        name = test_server.create_template(f"preset_template_{worker_suffix()}_{os.getpid()}")
    yield name
    test_server.drop_template(name)


@pytest.fixture()
def db(test_server: TestServer, template_db: str) -> Iterator[Database]:
    """A freshly migrated database of this test's own."""
    name = test_server.clone(template_db)
    try:
        yield Database(test_server.url(name))
    finally:
        test_server.drop(name)


def pytest_report_header() -> str:
    target = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
    return f"preset: tests run against {target}"
