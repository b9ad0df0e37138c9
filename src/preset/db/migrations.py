"""Alembic, driven from Python: migrate, roll back, list, create."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from preset.db.urls import owner_url, sqlalchemy_url
from preset.settings import PROJECT_ROOT


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["url"] = url or owner_url()
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def new_revision(message: str) -> str:
    script = command.revision(alembic_config("postgresql://unused/unused"), message=message)
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic did not create a single revision")
    return str(script.path)


@dataclass(frozen=True)
class MigrationState:
    revision: str
    description: str
    applied: bool
    is_current: bool


def current_revision(url: str | None = None) -> str | None:
    engine = create_engine(sqlalchemy_url(url or owner_url()), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    head = ScriptDirectory.from_config(
        alembic_config("postgresql://unused/unused")
    ).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def migration_states(url: str | None = None) -> list[MigrationState]:
    """Every migration, oldest first, and whether it is applied (like `supabase migration list`)."""
    script = ScriptDirectory.from_config(alembic_config("postgresql://unused/unused"))
    current = current_revision(url)
    applied: set[str] = set()
    if current is not None:
        applied = {rev.revision for rev in script.iterate_revisions(current, "base")}
    revisions = list(reversed(list(script.walk_revisions())))
    return [
        MigrationState(
            revision=rev.revision,
            description=(rev.doc or "").strip().splitlines()[0] if rev.doc else "",
            applied=rev.revision in applied,
            is_current=rev.revision == current,
        )
        for rev in revisions
    ]
