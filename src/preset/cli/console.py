"""One Rich console for the command line, and the way commands fail: one line on stderr saying
what failed and why, and a non-zero exit (never a traceback for a failure we can explain)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import psycopg
import typer
from alembic.util import CommandError
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup, TyperOption

from preset.db.embedded import EmbeddedPostgresError
from preset.settings import UnknownSettingError

console = Console(highlight=False)
#: Never wraps: a failure is one line however narrow the terminal.
errors = Console(stderr=True, highlight=False, soft_wrap=True)

#: Exit codes: a failure of the command, and settings that make every command fail.
FAILED = 1
BAD_SETTINGS = 2


def fail(message: str, *, hint: str | None = None, code: int = FAILED) -> NoReturn:
    line = f"[bold red]error:[/] {escape(message)}"
    if hint:
        line += f" [dim]({escape(hint)})[/]"
    errors.print(line)
    raise typer.Exit(code)


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def first_line(error: BaseException) -> str:
    """The part of an error message that says why: its first non-empty line."""
    cause: BaseException = error
    if isinstance(error, DBAPIError) and error.orig is not None:
        cause = error.orig  # SQLAlchemy prefixes "(psycopg.OperationalError)" and adds SQL
    for line in str(cause).splitlines():
        if line.strip():
            return line.strip()
    return type(cause).__name__


def _settings_problem(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(problems)


def _using_embedded() -> bool:
    from preset.db.urls import uses_embedded

    try:
        return uses_embedded()
    except (UnknownSettingError, ValidationError):
        return False


def _database_failure(error: psycopg.Error | DBAPIError) -> NoReturn:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    reason = first_line(cause)
    # psycopg raises the bare OperationalError (no SQLSTATE subclass) when it cannot connect.
    if type(cause) is psycopg.OperationalError:
        target = "the embedded server" if _using_embedded() else "DATABASE_URL"
        fail(
            f"cannot reach the database ({target}): {reason}",
            hint="check DATABASE_URL, or unset it to use the embedded server",
        )
    if isinstance(cause, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedFunction):
        fail(
            f"the database refused the command: {reason}",
            hint="is it migrated? `preset db migrate`",
        )
    # The server's own hint says what to do (e.g. "enable earthdistance in the dashboard").
    server_hint = cause.diag.message_hint if isinstance(cause, psycopg.Error) else None
    fail(f"the database refused the command: {reason}", hint=server_hint)


@contextmanager
def command_errors() -> Iterator[None]:
    """Turn the failures a command can meet (settings, the database, migrations, the embedded
    server) into one line on stderr and a non-zero exit."""
    try:
        yield
    except UnknownSettingError as exc:
        fail(str(exc), code=BAD_SETTINGS)
    except ValidationError as exc:
        fail(f"invalid settings: {_settings_problem(exc)}", code=BAD_SETTINGS)
    except EmbeddedPostgresError as exc:
        fail(
            f"the embedded PostgreSQL server failed: {first_line(exc)}",
            hint="its log is .data/postgres/server.log",
        )
    except (psycopg.Error, DBAPIError) as exc:
        _database_failure(exc)
    except CommandError as exc:
        fail(f"migrations: {first_line(exc)}", hint="`preset db migrations` lists them")


class PresetGroup(TyperGroup):
    """The root command group: every command's failures go through `command_errors`."""

    def invoke(self, ctx: Any) -> Any:
        with command_errors():
            return super().invoke(ctx)


_display_type_rich = TyperOption.display_type_rich


def _no_type_for_flags(option: TyperOption, ctx: Any) -> str | None:
    # Typer's rich help prints "<bool>" after flags such as --demo or --help, which take no
    # value (its plain help does not); show nothing there, as click and the plain help do.
    if option.is_flag:
        return None
    return _display_type_rich(option, ctx)


setattr(TyperOption, "display_type_rich", _no_type_for_flags)  # noqa: B010
