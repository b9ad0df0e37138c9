"""Alembic environment: SQL-first migrations run as the database owner."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from preset.db.urls import owner_url, sqlalchemy_url

config = context.config


def _url() -> str:
    explicit = config.attributes.get("url")
    return sqlalchemy_url(explicit if explicit else owner_url())


def run_migrations_offline() -> None:
    context.configure(url=_url(), literal_binds=True, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
