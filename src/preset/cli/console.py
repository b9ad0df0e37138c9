"""One Rich console for the command line, and the way commands fail."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import make_url

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def fail(message: str, *, hint: str | None = None, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}")
    if hint:
        errors.print(f"[dim]hint:[/] {hint}")
    raise typer.Exit(code)


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)
