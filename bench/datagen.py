"""The benchmarks' data generator: users with profiles and gigs, loaded with COPY.

Every benchmark loads its data through this module, so numbers from different benchmarks describe
the same world. The data is deterministic for a seed (times are relative to the moment of loading,
so that published gigs start in the future) and shaped like the platform's: most gigs in a few
dense cities, the rest spread thinly over rural regions, one of which straddles the antimeridian.

Loading speed (1M gigs on 2 cores): the gigs' secondary indexes are dropped for the COPY and
rebuilt afterwards, two at a time; triggers are skipped with ``session_replication_role =
replica`` (the owner connection is a superuser on the benchmark servers), so the load writes no
audit rows and the ``location_geo`` column is computed here with exactly the formula of
``ll_to_earth`` (a test proves both agree to the bit). Foreign keys are triggers too: the
generator only writes owners that exist.

    python -m bench.datagen --gigs 1000000 --users 200000 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import math
import random
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import psycopg
from psycopg import sql
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from preset.constants import CREATIVE_ROLES

#: earthdistance's earth() in metres: the sphere ll_to_earth and earth_distance work on.
EARTH_RADIUS_M: Final = 6378168.0
KM_PER_DEGREE_LAT: Final = 111.32
BATCH_ROWS: Final = 10_000

CONTENT_CATEGORIES: Final = (
    "fashion",
    "portrait",
    "beauty",
    "fitness",
    "editorial",
    "boudoir",
    "lingerie",
    "art_nude",
    "commercial",
    "music",
)
SHOOT_KINDS: Final = (
    "editorial",
    "portrait",
    "fashion",
    "street style",
    "beauty",
    "fitness",
    "lookbook",
    "music video",
    "product",
    "film noir",
    "golden hour",
    "studio",
)
ADJECTIVES: Final = ("Moody", "Bright", "Vintage", "Minimal", "Urban", "Dreamy", "Bold", "Soft")
FIRST_NAMES: Final = (
    "Ava",
    "Liam",
    "Mia",
    "Noah",
    "Zoe",
    "Leo",
    "Isla",
    "Omar",
    "Chloe",
    "Ravi",
    "Lena",
    "Jonas",
    "Aoife",
    "Sven",
    "Maya",
    "Kai",
    "Nora",
    "Theo",
    "Ines",
    "Felix",
)
LAST_NAMES: Final = (
    "Smith",
    "Martin",
    "Garcia",
    "Müller",
    "Rossi",
    "Murphy",
    "Larsen",
    "Chen",
    "Dubois",
    "Novak",
    "Kowalski",
    "Silva",
    "Brown",
    "Okafor",
    "Nakamura",
    "Walsh",
)


@dataclass(frozen=True)
class City:
    """A dense market: gigs fall around the centre, Rayleigh-distributed, within max_km."""

    name: str
    lat: float
    lng: float
    weight: float
    sigma_km: float = 9.0
    max_km: float = 40.0


@dataclass(frozen=True)
class Area:
    """A sparse region: gigs spread uniformly over a lat/lng rectangle (lng may run past 180)."""

    name: str
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float
    weight: float


CITIES: Final = (
    City("London", 51.5074, -0.1278, 0.22),
    City("Paris", 48.8566, 2.3522, 0.16),
    City("New York", 40.7128, -74.0060, 0.16),
    City("Berlin", 52.5200, 13.4050, 0.06),
    City("Los Angeles", 34.0522, -118.2437, 0.06),
    City("Milan", 45.4642, 9.1900, 0.04),
    City("Sydney", -33.8688, 151.2093, 0.04),
)
AREAS: Final = (
    Area("rural Ireland", 51.6, 55.2, -10.3, -6.2, 0.04),
    Area("Scandinavia", 60.0, 69.5, 8.0, 28.0, 0.08),
    Area("Australian outback", -30.0, -20.0, 120.0, 145.0, 0.10),
    Area("Fiji and the antimeridian", -19.0, -15.0, 177.0, 182.0, 0.02),
    Area("northern Canada", 60.0, 72.0, -130.0, -70.0, 0.02),
)

GIG_COLUMNS: Final = (
    "id",
    "owner_user_id",
    "title",
    "description",
    "comp_type",
    "comp_amount",
    "comp_currency",
    "location_text",
    "location_lat",
    "location_lng",
    "location_radius",
    "start_time",
    "end_time",
    "application_deadline",
    "max_applicants",
    "status",
    "boost_level",
    "looking_for_types",
    "location_geo",
    "is_nsfw",
    "content_categories",
    "published_at",
    "created_at",
    "updated_at",
)
USER_COLUMNS: Final = ("id", "email", "role", "subscription_tier", "created_at", "updated_at")
PROFILE_COLUMNS: Final = (
    "id",
    "user_id",
    "display_name",
    "handle",
    "avatar_url",
    "city",
    "country",
    "looking_for_types",
    "experience_years",
    "profile_completion_percentage",
    "rating",
    "review_count",
    "created_at",
    "updated_at",
)


def earth_point(lat: float, lng: float) -> tuple[float, float, float]:
    """ll_to_earth(lat, lng) evaluated in the same order of float operations as the SQL."""
    rad = math.pi / 180.0
    lat_r, lng_r = lat * rad, lng * rad
    return (
        EARTH_RADIUS_M * math.cos(lat_r) * math.cos(lng_r),
        EARTH_RADIUS_M * math.cos(lat_r) * math.sin(lng_r),
        EARTH_RADIUS_M * math.sin(lat_r),
    )


def earth_text(lat: float, lng: float) -> str:
    x, y, z = earth_point(lat, lng)
    return f"({x!r}, {y!r}, {z!r})"


def _ts(moment: datetime) -> str:
    return moment.isoformat()


def _array(values: Sequence[str]) -> str:
    return "{" + ",".join(values) + "}"


def _null(value: object | None) -> str:
    return "\\N" if value is None else str(value)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True)
class LoadResult:
    users: int
    gigs: int
    contributor_ids: int
    seconds_users: float
    seconds_gigs: float
    seconds_indexes: float


def city_point(rng: random.Random, city: City) -> tuple[float, float]:
    while True:
        distance = city.sigma_km * math.sqrt(-2.0 * math.log(1.0 - rng.random()))
        if distance <= city.max_km:
            break
    bearing = rng.random() * 2.0 * math.pi
    lat = city.lat + distance * math.cos(bearing) / KM_PER_DEGREE_LAT
    lng = city.lng + distance * math.sin(bearing) / (
        KM_PER_DEGREE_LAT * math.cos(math.radians(city.lat))
    )
    return lat, lng


def area_point(rng: random.Random, area: Area) -> tuple[float, float]:
    lat = rng.uniform(area.min_lat, area.max_lat)
    lng = rng.uniform(area.min_lng, area.max_lng)
    if lng > 180.0:
        lng -= 360.0
    return lat, lng


def pick_place(rng: random.Random) -> tuple[str, float, float]:
    roll = rng.random()
    for city in CITIES:
        if roll < city.weight:
            lat, lng = city_point(rng, city)
            return city.name, lat, lng
        roll -= city.weight
    for area in AREAS:
        if roll < area.weight:
            lat, lng = area_point(rng, area)
            return area.name, lat, lng
        roll -= area.weight
    lat, lng = area_point(rng, AREAS[-1])
    return AREAS[-1].name, lat, lng


def user_rows(
    count: int, seed: int, now: datetime, contributor_share: float = 0.3
) -> Iterator[tuple[uuid.UUID, bool, str, str]]:
    """(user id, is contributor, users COPY line, profiles COPY line) for each user."""
    rng = random.Random(seed)
    for index in range(count):
        user_id = _uuid(rng)
        contributor = rng.random() < contributor_share
        created = now - timedelta(days=rng.uniform(0, 720))
        tier = rng.choices(("free", "plus", "pro"), weights=(80, 14, 6))[0]
        user_line = "\t".join(
            (
                str(user_id),
                f"bench{index}@bench.preset.test",
                "contributor" if contributor else "talent",
                tier,
                _ts(created),
                _ts(created),
            )
        )
        place, _, _ = pick_place(rng)
        rated = rng.random() < 0.6
        profile_line = "\t".join(
            (
                str(_uuid(rng)),
                str(user_id),
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"b{index:07d}",
                f"https://cdn.preset.test/avatars/{user_id}.jpg" if rng.random() < 0.7 else "\\N",
                place,
                "\\N",
                _array(rng.sample(CREATIVE_ROLES, k=rng.randint(1, 3))),
                str(rng.randint(0, 20)),
                str(rng.randint(10, 100)),
                f"{rng.uniform(3.0, 5.0):.2f}" if rated else "\\N",
                str(rng.randint(1, 60)) if rated else "0",
                _ts(created),
                _ts(created),
            )
        )
        yield user_id, contributor, user_line, profile_line


def gig_lines(count: int, owners: Sequence[uuid.UUID], seed: int, now: datetime) -> Iterator[str]:
    """COPY lines (text format) for ``count`` gigs owned by ``owners``."""
    rng = random.Random(seed + 1)
    statuses = ("published", "draft", "closed", "completed", "cancelled")
    status_weights = (85, 8, 4, 2, 1)
    for _ in range(count):
        place, lat, lng = pick_place(rng)
        lat, lng = round(lat, 8), round(lng, 8)
        status = rng.choices(statuses, weights=status_weights)[0]
        created = now - timedelta(seconds=rng.uniform(60, 180 * 86400))
        if status == "completed" or (status == "published" and rng.random() < 0.03):
            start = now - timedelta(days=rng.uniform(1, 60))
        else:
            start = now + timedelta(days=rng.uniform(1, 120))
        end = start + timedelta(hours=rng.uniform(2, 10))
        deadline: datetime | None = None
        if rng.random() < 0.5:
            deadline = start - timedelta(days=rng.uniform(0, 3))
            if rng.random() < 0.05:
                deadline = min(start, now - timedelta(hours=rng.uniform(1, 48)))
        comp_type = rng.choices(("tfp", "paid", "expenses"), weights=(50, 35, 15))[0]
        amount = f"{rng.randint(50, 1500)}.00" if comp_type == "paid" else None
        kind = rng.choice(SHOOT_KINDS)
        boost = rng.choices((0, 1, 2, 3), weights=(85, 8, 5, 2))[0]
        nsfw = rng.random() < 0.03
        categories = rng.sample(CONTENT_CATEGORIES, k=rng.choice((0, 1, 1, 2)))
        published_at = created if status != "draft" else None
        yield "\t".join(
            (
                str(_uuid(rng)),
                str(rng.choice(owners)),
                f"{rng.choice(ADJECTIVES)} {kind} shoot in {place}",
                f"Looking for creatives for a {kind} shoot around {place}. Relaxed set.",
                comp_type,
                _null(amount),
                "EUR",
                f"{place} studio",
                f"{lat:.8f}",
                f"{lng:.8f}",
                str(rng.randint(1, 100)),
                _ts(start),
                _ts(end),
                _null(deadline and _ts(deadline)),
                str(rng.randint(1, 20)),
                status,
                str(boost),
                _array(rng.sample(CREATIVE_ROLES, k=rng.randint(1, 3))),
                earth_text(lat, lng),
                "t" if nsfw else "f",
                _array(categories),
                _null(published_at and _ts(published_at)),
                _ts(created),
                _ts(created),
            )
        )


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _copy_lines(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    lines: Iterator[str],
    total: int,
    progress: Progress,
    label: str,
) -> None:
    task = progress.add_task(label, total=total)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= BATCH_ROWS:
                copy.write("\n".join(batch) + "\n")
                progress.advance(task, len(batch))
                batch.clear()
        if batch:
            copy.write("\n".join(batch) + "\n")
            progress.advance(task, len(batch))


def secondary_indexes(conn: psycopg.Connection[Any], table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    rows = conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid = %s::regclass
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
         ORDER BY 1
        """,
        (f"public.{table}",),
    ).fetchall()
    return [(str(name), str(definition)) for name, definition in rows]


def rebuild_indexes(url: str, definitions: Sequence[str], workers: int = 2) -> None:
    """Build the indexes on ``workers`` connections at once (CREATE INDEX locks are shared)."""
    pending = list(definitions)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            while True:
                with lock:
                    if not pending or errors:
                        return
                    definition = pending.pop(0)
                try:
                    conn.execute(sql.SQL(definition))
                except BaseException as exc:
                    with lock:
                        errors.append(exc)
                    return

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@contextmanager
def indexes_dropped(url: str, conn: psycopg.Connection[Any], table: str) -> Iterator[None]:
    definitions = secondary_indexes(conn, table)
    for name, _ in definitions:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    conn.commit()
    try:
        yield
    finally:
        # The caller commits its load; whatever is left open here failed and is abandoned.
        conn.rollback()
        rebuild_indexes(url, [definition for _, definition in definitions])


def load(
    url: str,
    *,
    users: int,
    gigs: int,
    seed: int = 42,
    reset: bool = False,
    console: Console | None = None,
) -> LoadResult:
    """Load ``users`` users (with profiles) and ``gigs`` gigs into a migrated database."""
    console = console or Console(stderr=True)
    now = datetime.now(UTC)
    with psycopg.connect(url, options="-c search_path=public,extensions") as conn:
        if reset:
            conn.execute("TRUNCATE users, profiles, gigs CASCADE")
            conn.commit()
        conn.execute("SET session_replication_role = replica")
        contributors: list[uuid.UUID] = []
        user_lines: list[str] = []
        profile_lines: list[str] = []
        started = time.perf_counter()
        with _progress(console) as progress:
            for user_id, contributor, user_line, profile_line in user_rows(users, seed, now):
                if contributor:
                    contributors.append(user_id)
                user_lines.append(user_line)
                profile_lines.append(profile_line)
            _copy_lines(conn, "users", USER_COLUMNS, iter(user_lines), users, progress, "users")
            _copy_lines(
                conn, "profiles", PROFILE_COLUMNS, iter(profile_lines), users, progress, "profiles"
            )
            conn.commit()
            seconds_users = time.perf_counter() - started
            if gigs and not contributors:
                raise ValueError("gigs need at least one contributor among the users")
            started = time.perf_counter()
            index_seconds = 0.0
            with indexes_dropped(url, conn, "gigs"):
                _copy_lines(
                    conn,
                    "gigs",
                    GIG_COLUMNS,
                    gig_lines(gigs, contributors, seed, now),
                    gigs,
                    progress,
                    "gigs",
                )
                conn.commit()
                copied = time.perf_counter()
                progress.console.print("rebuilding the gigs indexes…")
            index_seconds = time.perf_counter() - copied
            seconds_gigs = copied - started
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        console.print("vacuum analyze…")
        conn.autocommit = True
        # VACUUM sets the visibility map the index-only candidate count relies on.
        conn.execute("VACUUM (ANALYZE) users, profiles, gigs")
    return LoadResult(users, gigs, len(contributors), seconds_users, seconds_gigs, index_seconds)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--gigs", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", required=True, help="owner URL of the target database")
    parser.add_argument("--reset", action="store_true", help="empty users, profiles and gigs first")
    parser.add_argument(
        "--no-migrate", action="store_true", help="the database is already migrated to head"
    )
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if not args.no_migrate:
        from preset.db import migrations
        from preset.db.urls import ensure_database, with_database

        ensure_database(with_database(args.database_url, "postgres"), _dbname(args.database_url))
        migrations.upgrade(args.database_url)
    result = load(
        args.database_url,
        users=args.users,
        gigs=args.gigs,
        seed=args.seed,
        reset=args.reset,
        console=console,
    )
    console.print(
        f"loaded {result.users} users ({result.contributor_ids} contributors) in "
        f"{result.seconds_users:.1f} s; {result.gigs} gigs in {result.seconds_gigs:.1f} s "
        f"+ {result.seconds_indexes:.1f} s rebuilding indexes"
    )


def _dbname(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url).get("dbname") or "postgres")


if __name__ == "__main__":
    main()
