"""`preset db …`: the embedded server, migrations and seed data."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import psycopg
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from preset.cli.console import command_errors, console, errors, fail, safe_url
from preset.cli.migration_files import apply_line, create_migration, freeze_definition
from preset.db import migrations
from preset.db.urls import app_url, embedded_server, owner_url, uses_embedded
from preset.seed.base import BaseSeedResult, connect_owner, seed_base
from preset.seed.demo import (
    DEFAULT_DEMO_SEED,
    DEFAULT_DEMO_USERS,
    DEMO_EMAIL_DOMAIN,
    DemoSeedConflict,
    build_demo_dataset,
    load_demo,
)
from preset.seed.demo.logins import DemoLogin, assign_demo_password
from preset.settings import get_settings

app = typer.Typer(
    help="The database: embedded server, migrations, seed data.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
migration_app = typer.Typer(help="Author migrations.", no_args_is_help=True)
app.add_typer(migration_app, name="migration")


#: Kept for the commands that wrap their work in it; the root group applies it to every command.
database_errors = command_errors


def _outside_server_note() -> str:
    database_url = get_settings().db.database_url
    url = database_url.get_secret_value() if database_url else ""
    return f"DATABASE_URL is set: using the outside server {safe_url(url)}"


# ----------------------------------------------------------------------------------- server
@app.command()
def start() -> None:
    """Start the embedded PostgreSQL server (initialising its data directory on first use)."""
    if not uses_embedded():
        console.print(f"{_outside_server_note()}; the embedded server is not started.")
        return
    server = embedded_server()
    with database_errors(), console.status("Starting the embedded PostgreSQL server…"):
        status = server.start()
        owner_url()  # creates the application database when it is missing
    console.print(f"[green]embedded PostgreSQL[/] {status.describe()}")
    if server.config_outdated():
        console.print(
            "[yellow]note:[/] it runs with an older configuration; "
            "`preset db stop && preset db start` applies the current one"
        )
    console.print(f"connect with: psql '{owner_url(start=False)}'")


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL server."""
    if not uses_embedded():
        console.print(f"{_outside_server_note()}; nothing to stop.")
        return
    with database_errors():
        status = embedded_server().stop()
    console.print(f"embedded PostgreSQL {status.describe()}")


@app.command()
def status() -> None:
    """Which database is in use, whether it answers, and its migration state."""
    settings = get_settings()
    if uses_embedded():
        server_status = embedded_server().status()
        console.print(f"database: embedded PostgreSQL, {server_status.describe()}")
        if not server_status.running:
            console.print("start it with: preset db start")
            return
        url = owner_url(start=False)
    else:
        url = owner_url()
        console.print(f"database: outside server from DATABASE_URL ({safe_url(url)})")
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        version = row[0] if row else "?"
    except psycopg.OperationalError as exc:
        console.print(f"[red]not reachable[/]: {str(exc).strip().splitlines()[0]}")
        raise typer.Exit(1) from exc
    current = migrations.current_revision(url)
    head = migrations.head_revision()
    state = "up to date" if current == head else f"behind (head is {head})"
    console.print(f"server version: {version}")
    console.print(f"migration: {current or 'none'} — {state}")
    console.print(f"embedded data directory: {settings.app.data_dir}")


@app.command()
def url(
    app_role: Annotated[
        bool, typer.Option("--app", help="The request-handling URL (role authenticator).")
    ] = False,
) -> None:
    """Print the connection string (the owner's, unless --app), for psql and other tools."""
    target = app_url(start=False) if app_role else owner_url(start=False)
    if uses_embedded() and not embedded_server().status().running:
        errors.print("[dim]the embedded server is not running: preset db start[/]")
    # Plain print: the output is meant for `psql "$(preset db url)"`.
    typer.echo(target)


# ----------------------------------------------------------------------------------- migrations
@app.command()
def migrate(
    to: Annotated[str, typer.Option("--to", help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to head (or --to REV)."""
    with database_errors():
        target = owner_url()
        before = migrations.current_revision(target)
        with console.status(f"Migrating {safe_url(target)} to {to}…"):
            migrations.upgrade(target, to)
        after = migrations.current_revision(target)
    if before == after:
        console.print(f"already at {after or 'base'}; nothing to apply")
    else:
        console.print(f"[green]migrated[/] {before or 'base'} → {after}")


def _drop_empty_version_table(url: str) -> None:
    """At base nothing of ours should remain, not even Alembic's empty bookkeeping table."""
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()
        if exists and exists[0]:
            rows = conn.execute("SELECT count(*) FROM public.alembic_version").fetchone()
            if rows and rows[0] == 0:
                conn.execute("DROP TABLE public.alembic_version")


@app.command()
def rollback(
    steps: Annotated[
        int | None, typer.Option("--steps", min=1, help="Undo the last N migrations.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Undo down to revision REV.")] = None,
    base: Annotated[bool, typer.Option("--base", help="Undo every migration.")] = False,
) -> None:
    """Undo migrations: the last one by default, or --steps N, --to REV, --base."""
    if sum(option is not None and option is not False for option in (steps, to, base)) > 1:
        fail("give only one of --steps, --to and --base")
    target_revision = "base" if base else to if to is not None else f"-{steps or 1}"
    with database_errors():
        target = owner_url()
        before = migrations.current_revision(target)
        if before is None:
            console.print("no migration is applied; nothing to roll back")
            return
        with console.status(f"Rolling back {safe_url(target)} to {target_revision}…"):
            try:
                migrations.downgrade(target, target_revision)
            except Exception as exc:  # alembic raises plain CommandError/ResolutionError
                if type(exc).__module__.startswith("alembic"):
                    fail(f"cannot roll back to {target_revision}: {exc}")
                raise
        after = migrations.current_revision(target)
        if after is None:
            _drop_empty_version_table(target)
    console.print(f"[green]rolled back[/] {before} → {after or 'base'}")


@app.command("migrations")
def list_migrations() -> None:
    """List every migration, applied or pending (like `supabase migration list`)."""
    with database_errors():
        states = migrations.migration_states(owner_url())
    table = Table(title="Migrations", show_lines=False)
    table.add_column("revision", no_wrap=True)
    table.add_column("description")
    table.add_column("status", no_wrap=True)
    table.add_column("current", justify="center", no_wrap=True)
    for state in states:
        table.add_row(
            state.revision,
            state.description,
            "[green]applied[/]" if state.applied else "[yellow]pending[/]",
            "←" if state.is_current else "",
        )
    console.print(table)
    applied = sum(state.applied for state in states)
    console.print(f"{applied} applied, {len(states) - applied} pending")


@migration_app.command("new")
def new_migration(
    name: Annotated[str, typer.Argument(help="What the migration does, e.g. 'add gig tags'.")],
) -> None:
    """Create a revision and its empty migrations/sql/<rev>_<slug>.up.sql and .down.sql."""
    try:
        created = create_migration(name)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"[green]created revision {created.revision}[/] (after {created.down_revision})")
    for path in (created.script, created.up_sql, created.down_sql):
        console.print(f"  {path}")


@migration_app.command("pin")
def pin_definition(
    file: Annotated[
        str,
        typer.Argument(help="A file of migrations/current/, e.g. functions/public.is_admin.sql."),
    ],
) -> None:
    """Print the `\\apply` line that applies a current definition file as it is now."""
    try:
        line = apply_line(file)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(line)


@migration_app.command("freeze")
def freeze(
    file: Annotated[str, typer.Argument(help="A file of migrations/current/, before you edit it.")],
) -> None:
    """Give the migration that applies a current file a frozen copy, so the file may change."""
    try:
        frozen = freeze_definition(file)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"[green]{frozen.migration.name}[/] now applies its own copy: {frozen.copy}")
    console.print("edit the current file, then apply it from a new migration")


# ----------------------------------------------------------------------------------- seeding
def _require_head(url: str) -> None:
    current, head = migrations.current_revision(url), migrations.head_revision()
    if current != head:
        fail(
            f"the database is at {current or 'base'}, not at the latest migration {head}",
            hint="run `preset db migrate` first",
        )


def _users_without_password(conn: psycopg.Connection[Any], user_ids: list[UUID]) -> list[UUID]:
    row = conn.execute("SELECT to_regclass('public.user_credentials') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return []
    having = {
        found[0]
        for found in conn.execute(
            "SELECT user_id FROM user_credentials WHERE user_id = ANY(%s)", (user_ids,)
        ).fetchall()
    }
    return [user_id for user_id in user_ids if user_id not in having]


def _development_passwords(
    conn: psycopg.Connection[Any], user_ids: list[UUID], *, reset: bool
) -> dict[str, str]:
    """Fresh passwords for the seed users, in development only (PRODUCT_RULES: no known
    password exists anywhere else). Only users without one get one, unless ``reset``."""
    if not get_settings().app.is_development:
        if reset:
            fail("development passwords exist only when PRESET_ENV=development")
        return {}
    try:
        from preset.accounts.dev_passwords import assign_development_passwords
    except ImportError:  # the accounts module is not part of this checkout
        return {}
    targets = user_ids if reset else _users_without_password(conn, user_ids)
    return assign_development_passwords(conn, targets) if targets else {}


def run_seed(*, demo: bool, users: int, seed: int, reset_passwords: bool = False) -> None:
    """The seed steps, shared by `preset db seed` and `preset up`."""
    target = owner_url()
    _require_head(target)
    with connect_owner(target) as conn:
        base: BaseSeedResult = seed_base(conn)
        passwords = _development_passwords(conn, base.user_ids, reset=reset_passwords)
        conn.commit()
    added = sum(base.inserted.values())
    console.print(
        f"base seed: {len(base.user_ids)} users "
        f"({'created' if added else 'already present'}): "
        + ", ".join(str(user_id) for user_id in base.user_ids)
    )
    if passwords:
        logins = Table(title="Development logins (shown once; --reset-passwords for new ones)")
        logins.add_column("e-mail")
        logins.add_column("password")
        for email, password in passwords.items():
            logins.add_row(email, password)
        console.print(logins)
    if not demo:
        return
    dataset = build_demo_dataset(users=users, seed=seed)
    total = sum(dataset.counts().values())
    columns = (
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("demo data", total=total)
        finished: dict[str, int] = {}

        def on_progress(table: str, done: int, _rows: int) -> None:
            finished[table] = done
            progress.update(task, completed=sum(finished.values()), description=table)

        with connect_owner(target) as conn:
            try:
                inserted = load_demo(conn, dataset, progress=on_progress)
            except DemoSeedConflict as exc:
                fail(str(exc))
            demo_login = _demo_password(conn, reset=reset_passwords)
            conn.commit()
        progress.update(task, completed=total, description="demo data")
    summary = ", ".join(f"{table} {count}" for table, count in inserted.items() if count)
    console.print(f"demo seed: {summary or 'already present, nothing added'}")
    if demo_login:
        console.print(
            f"demo logins: every demo person ({demo_login.users}, e-mails "
            f"*@{DEMO_EMAIL_DOMAIN}, e.g. {demo_login.example_email}) has the password "
            f"[bold]{demo_login.password}[/] (development only; shown once, "
            "--reset-passwords for a new one)"
        )


def _demo_password(conn: psycopg.Connection[Any], *, reset: bool) -> DemoLogin | None:
    """One shared password for the demo people, in development only (as for the seed users)."""
    if not get_settings().app.is_development:
        return None
    return assign_demo_password(conn, reset=reset)


@app.command()
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Add the demo data set (people, gigs, messages…).")
    ] = False,
    users: Annotated[
        int, typer.Option("--users", min=1, max=100_000, help="People in the demo data set.")
    ] = DEFAULT_DEMO_USERS,
    random_seed: Annotated[
        int, typer.Option("--seed", help="Random seed of the demo data set.")
    ] = DEFAULT_DEMO_SEED,
    reset_passwords: Annotated[
        bool,
        typer.Option(
            "--reset-passwords",
            help="Development only: new passwords for the seed users (and the demo people).",
        ),
    ] = False,
) -> None:
    """Load the seed users (admin, talent, contributor); --demo adds a realistic data set.

    Idempotent: running it again adds nothing. In development the seed users get passwords and
    the demo people one shared password, printed once.
    """
    with database_errors():
        run_seed(demo=demo, users=users, seed=random_seed, reset_passwords=reset_passwords)
