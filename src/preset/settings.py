"""Typed settings, grouped by concern.

Every value comes from the environment (or a `.env` file in the working directory). Secrets have
development defaults only when ``PRESET_ENV=development`` (the default on a laptop); in any other
environment they must be set explicitly, so a production deployment can never run on a known key.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root (the package is installed in editable mode from ``src/``).
PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEV_JWT_SECRET = "preset-development-jwt-secret-change-me-0123456789"  # noqa: S105
DEV_AUTHENTICATOR_PASSWORD = "preset-authenticator-dev"  # noqa: S105


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )


class AppSettings(BaseSettings):
    """Where and how the platform runs."""

    model_config = _config("PRESET_")

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Field(default=PROJECT_ROOT / ".data")
    log_level: str = "INFO"

    @property
    def is_development(self) -> bool:
        return self.env is Environment.DEVELOPMENT


class DatabaseSettings(BaseSettings):
    """The database: an outside server through DATABASE_URL, or the embedded one."""

    model_config = _config("PRESET_DB_")

    #: Owner connection (migrations, seeding, service jobs). Unset: the embedded server.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    #: Connection for request handling, as the `authenticator` login role. Unset: derived from
    #: the owner URL with the user and password replaced.
    app_database_url: str | None = Field(default=None, validation_alias="APP_DATABASE_URL")
    authenticator_password: str = DEV_AUTHENTICATOR_PASSWORD
    embedded_port: int = Field(default=54329, ge=1024, le=65535)
    embedded_dbname: str = "preset"
    pool_min_size: int = Field(default=2, ge=1)
    pool_max_size: int = Field(default=20, ge=1)
    #: Connections pinned to role `anon` for anonymous discovery (a second, smaller pool).
    anon_pool_max_size: int = Field(default=8, ge=1)


class AuthSettings(BaseSettings):
    """Access tokens: Supabase-compatible HS256 JWTs."""

    model_config = _config("PRESET_AUTH_")

    jwt_secret: str = DEV_JWT_SECRET
    jwt_audience: str = "authenticated"
    access_token_ttl_seconds: int = Field(default=3600, ge=60)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=3600)


class MailSettings(BaseSettings):
    """Outgoing e-mail: SMTP when a host is set, otherwise written to the log (development)."""

    model_config = _config("PRESET_MAIL_")

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    from_address: str = "Preset <no-reply@preset.local>"
    #: Links in e-mails point here (the web front end that posts the token to the API).
    public_base_url: str = "http://localhost:8000"


class RateLimitSettings(BaseSettings):
    """Requests per minute per client, by route group (in-process: per worker)."""

    model_config = _config("PRESET_RATE_LIMIT_")

    enabled: bool = True
    auth_per_minute: int = Field(default=60, ge=1)
    read_per_minute: int = Field(default=1200, ge=1)
    write_per_minute: int = Field(default=120, ge=1)


class HttpSettings(BaseSettings):
    """Limits on what a request may carry (preset.api.middleware.InputGuardMiddleware)."""

    model_config = _config("PRESET_HTTP_")

    #: Largest request body, in bytes (413 payload_too_large past it).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    #: Per path prefix overrides of ``max_body_bytes`` (the longest matching prefix wins), e.g.
    #: ``PRESET_HTTP_BODY_LIMITS='{"/api/media/": 52428800}'`` for uploads.
    body_limits: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)


class Settings(BaseSettings):
    """All settings; secrets refused at their development defaults outside development."""

    model_config = _config("PRESET_UNUSED_")

    app: AppSettings = Field(default_factory=AppSettings)
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)

    @model_validator(mode="after")
    def _secrets_required_outside_development(self) -> Settings:
        if self.app.env is Environment.PRODUCTION:
            if self.auth.jwt_secret == DEV_JWT_SECRET:
                raise ValueError("PRESET_AUTH_JWT_SECRET must be set in production")
            if self.db.authenticator_password == DEV_AUTHENTICATOR_PASSWORD:
                raise ValueError("PRESET_DB_AUTHENTICATOR_PASSWORD must be set in production")
            if self.db.database_url is None:
                raise ValueError("DATABASE_URL must be set in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
