"""`preset worker`: the background worker (scheduled jobs and the domain-events outbox)."""

from __future__ import annotations

from typing import Annotated

import typer

from preset import worker
from preset.cli.console import console
from preset.cli.db import database_errors
from preset.db.urls import owner_url


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def run_worker(
        once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
        interval: Annotated[
            float, typer.Option("--interval", min=0.5, help="Seconds between passes.")
        ] = 5.0,
    ) -> None:
        """Run background jobs: close expired gigs, deliver domain events to their handlers."""
        with database_errors():
            url = owner_url()
            if once:
                jobs, events = worker.run_once(url)
                console.print(
                    f"closed {jobs['gigs_closed']} gigs; processed {events.processed} events, "
                    f"{events.failed} failed"
                )
                for error in events.errors:
                    console.print(f"[red]event failed:[/red] {error}")
                if events.failed:
                    raise typer.Exit(1)
                return
            console.print(f"worker running every {interval:g}s (Ctrl-C stops it)")
            try:
                worker.run_forever(url, interval_seconds=interval, log=console.print)
            except KeyboardInterrupt:
                console.print("worker stopped")
