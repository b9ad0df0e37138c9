"""`preset worker`: the background worker (scheduled jobs and the domain-events outbox)."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from preset import worker
from preset.cli.console import console
from preset.cli.db import database_errors
from preset.db.urls import owner_url
from preset.settings import get_settings


async def _run_until_signalled(url: str, *, interval: float, poll: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await worker.run_forever(
        url,
        get_settings(),
        jobs_interval=interval,
        poll_interval=poll,
        log=console.print,
        stop=stop,
    )


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def run_worker(
        once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
        interval: Annotated[
            float,
            typer.Option("--interval", min=0.5, help="Seconds between scheduled-job runs."),
        ] = 5.0,
        poll: Annotated[
            float,
            typer.Option(
                "--poll",
                min=0.1,
                help="Seconds between outbox polls (a NOTIFY from a queued e-mail wakes it "
                "at once).",
            ),
        ] = 1.0,
    ) -> None:
        """Run background jobs: close expired gigs, deliver domain events (e-mails included)."""
        with database_errors():
            url = owner_url()
            if once:
                jobs, events = asyncio.run(worker.run_once(url, get_settings()))
                console.print(
                    f"closed {jobs['gigs_closed']} gigs; processed {events.processed} events, "
                    f"{events.failed} failed"
                )
                for error in events.errors:
                    console.print(f"[red]event failed:[/red] {error}")
                if events.failed:
                    raise typer.Exit(1)
                return
            console.print(
                f"worker running: jobs every {interval:g}s, outbox on NOTIFY or every {poll:g}s "
                "(Ctrl-C or SIGTERM stops it)"
            )
            asyncio.run(_run_until_signalled(url, interval=interval, poll=poll))
            console.print("worker stopped")
