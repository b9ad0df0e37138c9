"""The `preset` command line: one entry point, one group per concern (like Netflix Dispatch)."""

from __future__ import annotations

import typer

from preset.cli import db, server, worker
from preset.cli.console import PresetGroup
from preset.settings import get_settings

app = typer.Typer(
    cls=PresetGroup,
    name="preset",
    help="Preset: the marketplace for creative shoots. Database, seeding and the API server.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root() -> None:
    # Settings are read from the environment once per command, never from a previous one
    # (tests call several commands in one process).
    get_settings.cache_clear()


app.add_typer(db.app, name="db")
server.register(app)
worker.register(app)


def main() -> None:
    app()
