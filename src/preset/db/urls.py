"""Which PostgreSQL we talk to, and as whom.

Two connections exist: the *owner* (migrations, seeding, maintenance, the service role's jobs)
and the *app* connection as the `authenticator` login role, which owns nothing and can only
switch to `anon`, `authenticated` or `service_role`, exactly like Supabase's API layer.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

from preset.db.embedded import EmbeddedPostgres, WalArchive
from preset.settings import Settings, get_settings

AUTHENTICATOR_ROLE = "authenticator"


def embedded_server(settings: Settings | None = None) -> EmbeddedPostgres:
    settings = settings or get_settings()
    archive = WalArchive(
        max_age_hours=settings.db.wal_archive_max_age_hours,
        max_bytes=settings.db.wal_archive_max_mb * 1024 * 1024,
    )
    return EmbeddedPostgres(settings.app.data_dir, settings.db.embedded_port, archive=archive)


def uses_embedded(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return settings.db.database_url is None


def owner_url(settings: Settings | None = None, *, start: bool = True) -> str:
    """The owner connection string; starts the embedded server when that is the target."""
    settings = settings or get_settings()
    if settings.db.database_url:
        return normalise(settings.db.database_url.get_secret_value())
    server = embedded_server(settings)
    if start:
        server.start()
        ensure_database(server.url("postgres"), settings.db.embedded_dbname)
    return server.url(settings.db.embedded_dbname)


def app_url(settings: Settings | None = None, *, start: bool = True) -> str:
    settings = settings or get_settings()
    if settings.db.app_database_url:
        return normalise(settings.db.app_database_url.get_secret_value())
    owner = make_url(owner_url(settings, start=start))
    return render(
        owner.set(
            username=AUTHENTICATOR_ROLE,
            password=settings.db.authenticator_password.get_secret_value(),
        )
    )


def normalise(url: str) -> str:
    """Accept `postgres://`, `postgresql://` and SQLAlchemy-style URLs alike."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return render(parsed.set(drivername="postgresql"))


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def sqlalchemy_url(url: str) -> str:
    return render(make_url(normalise(url)).set(drivername="postgresql+psycopg"))


def with_database(url: str, dbname: str) -> str:
    return render(make_url(normalise(url)).set(database=dbname))


def ensure_database(maintenance_url: str, dbname: str) -> None:
    """Create ``dbname`` if it does not exist (CREATE DATABASE cannot run in a transaction)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
