"""Loading a demo data set: idempotent inserts, fast COPY, and the refusal to mix two data sets."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.types.json import Jsonb

from preset.seed.base import Connection, seed_platform_credits
from preset.seed.demo.dataset import (
    BATCH_SIZE,
    DEMO_EMAIL_DOMAIN,
    LOAD_ORDER,
    DemoDataset,
    ProgressCallback,
    Row,
)


# ----------------------------------------------------------------------------------- loading
def _chunks(rows: Sequence[Row], size: int) -> Iterable[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(
    conn: Connection,
    table: str,
    rows: Sequence[Row],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """``INSERT … ON CONFLICT DO NOTHING`` every row (all rows share the first row's keys).

    Returns the number of rows actually inserted.
    """
    if not rows:
        return 0
    columns = list(rows[0])
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    inserted = done = 0
    with conn.cursor() as cur:
        for chunk in _chunks(rows, batch_size):
            values = [[row[column] for column in columns] for row in chunk]
            cur.executemany(statement, values, returning=False)
            inserted += max(cur.rowcount, 0)
            done += len(chunk)
            if progress:
                progress(table, done, len(rows))
    return inserted


def copy_rows(
    conn: Connection,
    table: str,
    rows: Sequence[Row],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = 10_000,
) -> int:
    """Bulk-load rows with COPY (no conflict handling: for fresh tables and benchmarks)."""
    if not rows:
        return 0
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    done = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for chunk in _chunks(rows, batch_size):
            for row in chunk:
                copy.write_row([_copy_value(row[c]) for c in columns])
            done += len(chunk)
            if progress:
                progress(table, done, len(rows))
    return done


def _copy_value(value: Any) -> Any:
    # COPY's text format has no adapter context for Jsonb wrappers around lists; unwrap to str.
    if isinstance(value, Jsonb):
        return json.dumps(value.obj)
    return value


class DemoSeedConflict(RuntimeError):
    """The database holds demo data generated with other parameters."""


def existing_demo_users(conn: Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM users WHERE email LIKE %s", (f"%@{DEMO_EMAIL_DOMAIN}",)
    ).fetchone()
    return int(row[0]) if row else 0


def load_demo(
    conn: Connection, dataset: DemoDataset, *, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Insert the data set inside the caller's transaction; returns rows inserted per table.

    Idempotent for the same data set. A database that already holds demo data for a different
    number of users is refused rather than mixed, so every ledger stays consistent.
    """
    present = existing_demo_users(conn)
    if present and present != dataset.users:
        raise DemoSeedConflict(
            f"the database already holds demo data for {present} users; "
            f"seeding {dataset.users} would mix two data sets (reset the database first)"
        )
    seed_platform_credits(conn)
    inserted = {
        table: insert_rows(conn, table, dataset.rows(table), progress=progress)
        for table in LOAD_ORDER
    }
    grouped: dict[tuple[str, str], list[tuple[UUID, UUID]]] = defaultdict(list)
    for table, row_id, column, value in dataset.links:
        grouped[(table, column)].append((value, row_id))
    with conn.cursor() as cur:
        for (table, column), pairs in grouped.items():
            # Only where still unset, so a second run writes nothing (and audits nothing).
            cur.executemany(
                sql.SQL("UPDATE {} SET {} = %s WHERE id = %s AND {} IS NULL").format(
                    sql.Identifier(table), sql.Identifier(column), sql.Identifier(column)
                ),
                pairs,
            )
    return inserted
