"""`preset serve` and `preset up`: run the API, or everything from an empty machine."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from preset.cli.console import console, fail, safe_url
from preset.cli.db import database_errors, run_seed
from preset.db import migrations
from preset.db.urls import embedded_server, owner_url, uses_embedded
from preset.seed.demo import DEFAULT_DEMO_SEED, DEFAULT_DEMO_USERS
from preset.settings import get_settings

APP_FACTORY = "preset.api.app:create_app"

Host = Annotated[str, typer.Option("--host", help="Interface to listen on.")]
Port = Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")]
Reload = Annotated[bool, typer.Option("--reload", help="Restart on code changes (development).")]


def check_app_factory() -> None:
    """Fail clearly, before uvicorn starts, when the API package cannot be imported."""
    module_name, _, attribute = APP_FACTORY.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        fail(
            f"the API cannot be loaded: importing {module_name} failed ({exc})",
            hint="is the package installed (`python3 dev.py up`) and complete?",
        )
    if not callable(getattr(module, attribute, None)):
        fail(f"{module_name} has no application factory `{attribute}()`")


def run_server(host: str, port: int, workers: int, reload: bool) -> None:
    check_app_factory()
    # Bad settings fail here, in one line, rather than inside uvicorn's app loading.
    settings = get_settings()
    import uvicorn

    console.print(f"[green]serving[/] http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        log_level="info",
        # One line per request: the app's structured `request` line (preset.api.middleware),
        # not uvicorn's plain access line as well.
        access_log=False,
        # SIGTERM: stop accepting, let the requests in flight finish for at most this long,
        # then close what is left (docs/api.md, "When something is down").
        timeout_graceful_shutdown=settings.http.shutdown_grace_seconds,
    )


def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Workers = 1,
    reload: Reload = False,
) -> None:
    """Run the HTTP API (uvicorn) against the configured database."""
    run_server(host, port, workers, reload)


def up(
    demo: Annotated[bool, typer.Option("--demo", help="Also load the demo data set.")] = False,
    users: Annotated[
        int, typer.Option("--users", min=1, max=100_000, help="People in the demo data set.")
    ] = DEFAULT_DEMO_USERS,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Run the API once the database is ready.")
    ] = True,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Workers = 1,
    reload: Reload = False,
) -> None:
    """Everything in one go: database (embedded unless DATABASE_URL), migrate, seed, serve."""
    if serve_api:
        check_app_factory()  # fail before touching the database, not after
    with database_errors():
        if uses_embedded():
            with console.status("Starting the embedded PostgreSQL server…"):
                status = embedded_server().start()
            console.print(f"[green]1/4 database[/] embedded PostgreSQL {status.describe()}")
        else:
            console.print("[green]1/4 database[/] outside server from DATABASE_URL")
        target = owner_url()
        console.print(f"    {safe_url(target)}")
        before = migrations.current_revision(target)
        with console.status("Applying migrations…"):
            migrations.upgrade(target, "head")
        after = migrations.current_revision(target)
        console.print(f"[green]2/4 migrations[/] {before or 'base'} → {after}")
        console.print("[green]3/4 seed[/]")
        run_seed(demo=demo, users=users, seed=DEFAULT_DEMO_SEED)
    if not serve_api:
        console.print("[green]4/4 ready[/] (not serving: --no-serve)")
        return
    console.print("[green]4/4 API[/]")
    run_server(host, port, workers, reload)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(up)
