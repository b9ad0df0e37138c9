"""Test databases: one migrated template per test worker, one clone of it per test.

Cloning (`CREATE DATABASE … TEMPLATE … STRATEGY WAL_LOG`) takes tens of milliseconds, so every
test gets a database of its own that it may commit to freely: no test sees another's rows, and
the code under test commits and rolls back exactly as it does in production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from preset.db import migrations
from preset.db.embedded import EmbeddedPostgres
from preset.db.urls import with_database
from preset.settings import PROJECT_ROOT

DbRow = dict[str, Any]

#: The suite's own embedded server (unless DATABASE_URL is set): these two variables move it.
TEST_PORT_VARIABLE = "PRESET_TEST_EMBEDDED_PORT"
TEST_DATA_DIR_VARIABLE = "PRESET_TEST_DATA_DIR"
DEFAULT_TEST_PORT = 54339


def suite_cluster() -> EmbeddedPostgres:
    """The test suite's throw-away cluster: no WAL archive, little WAL kept (see
    preset.db.embedded), in `.data/test` on port 54339 unless the variables above say otherwise."""
    data_dir = Path(os.environ.get(TEST_DATA_DIR_VARIABLE, PROJECT_ROOT / ".data" / "test"))
    port = int(os.environ.get(TEST_PORT_VARIABLE, str(DEFAULT_TEST_PORT)))
    return EmbeddedPostgres(data_dir, port, archive=None)


@dataclass(frozen=True)
class TestServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    __test__ = False  # a helper, not a test class (pytest collects Test* names it imports)
    maintenance_url: str
    label: str

    def url(self, dbname: str) -> str:
        return with_database(self.maintenance_url, dbname)

    def drop(self, dbname: str) -> None:
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )

    def create_template(self, name: str) -> str:
        self.drop(name)
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        migrations.upgrade(self.url(name))
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)
                )
            )
        return name

    def drop_template(self, name: str) -> None:
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true").format(
                    sql.Identifier(name)
                )
            )
        self.drop(name)

    def clone(self, template: str) -> str:
        name = f"preset_t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY WAL_LOG").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return name


#: Advisory lock key held while migrations run from base on the shared test server.
MIGRATION_LOCK_KEY = 7_302_118_224


@contextmanager
def server_migration_lock(maintenance_url: str) -> Iterator[None]:
    """Serialise migrations that start from base across workers and concurrent runs.

    Migration 0001 creates and alters cluster-wide roles; two sessions doing that at once collide
    (a duplicate role, or "tuple concurrently updated").
    """
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        yield


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@dataclass
class Database:
    """One test's database, as its owner (superuser on the test server)."""

    url: str

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection[DbRow]:
        return psycopg.connect(
            self.url,
            autocommit=autocommit,
            row_factory=dict_row,
            options="-c search_path=public,extensions",
        )

    def execute(self, query: str, params: Any = None) -> list[DbRow]:
        """Run one statement as the owner, committed; returns its rows (if any)."""
        with self.connect() as conn:
            cur = conn.execute(query, params)  # type: ignore[arg-type]
            rows = cur.fetchall() if cur.description else []
            conn.commit()
            return rows

    @contextmanager
    def as_role(
        self, role: str, user_id: uuid.UUID | str | None = None, *, email: str | None = None
    ) -> Iterator[psycopg.Connection[DbRow]]:
        """A transaction running as ``role`` with Supabase-style claims, as the API layer does.

        Commits when the block ends normally, rolls back on an exception.
        """
        claims: dict[str, Any] = {"role": role, "aud": "authenticated"}
        if user_id is not None:
            claims["sub"] = str(user_id)
        if email is not None:
            claims["email"] = email
        import json

        with self.connect() as conn:
            with conn.transaction():
                conn.execute(
                    "SELECT set_config('role', %s, true), "
                    "set_config('request.jwt.claims', %s, true)",
                    (role, json.dumps(claims)),
                )
                yield conn

    def as_user(self, user_id: uuid.UUID | str, role: str = "authenticated") -> Any:
        return self.as_role(role, user_id)

    def as_anon(self) -> Any:
        return self.as_role("anon")

    def as_service(self) -> Any:
        return self.as_role("service_role")
