"""Typed settings, grouped by concern.

Every value comes from the environment or from a `.env` file in the working directory (the
environment wins). A group's variables are its prefix plus the field's name in capitals:
``PRESET_DB_`` + ``pool_max_size`` is ``PRESET_DB_POOL_MAX_SIZE``; the two connection strings keep
their conventional names (``DATABASE_URL``, ``APP_DATABASE_URL``).

Unknown names are refused, so a typo can never be silently ignored: any ``PRESET_…`` environment
variable that is not a setting (except ``PRESET_TEST_…``, which belong to the test suite's own
harness) and any `.env` key that is not a setting is an error naming it.

Secrets are ``SecretStr`` (never printed by a repr or a log; ``.get_secret_value()`` where one is
used). They have development defaults only when ``PRESET_ENV=development`` (the default on a
laptop); in production they must be set explicitly, so a deployment can never run on a known key.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

#: The repository root (the package is installed in editable mode from ``src/``).
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: 64 bytes or more: long enough for every HMAC algorithm (RFC 7518 §3.2), HS512 included.
DEV_JWT_SECRET = "preset-development-jwt-secret-change-me-0123456789-abcdefghijklmn"  # noqa: S105
DEV_AUTHENTICATOR_PASSWORD = "preset-authenticator-dev"  # noqa: S105

#: Every setting's environment variable starts with this.
ENV_PREFIX = "PRESET_"
#: Variables of the test suite's harness (its own server's port and data directory), not settings.
TEST_HARNESS_PREFIX = "PRESET_TEST_"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SettingsGroup(BaseModel):
    """One concern's settings: variables named ``env_prefix`` + the field name in capitals, or
    the name in ``env_names``."""

    model_config = ConfigDict(extra="forbid")

    env_prefix: ClassVar[str]
    env_names: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def variable(cls, field_name: str) -> str:
        return cls.env_names.get(field_name, cls.env_prefix + field_name.upper())


class AppSettings(SettingsGroup):
    """Where and how the platform runs."""

    env_prefix: ClassVar[str] = "PRESET_"

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Field(default=PROJECT_ROOT / ".data")
    log_level: str = "INFO"

    @property
    def is_development(self) -> bool:
        return self.env is Environment.DEVELOPMENT


class DatabaseSettings(SettingsGroup):
    """The database: an outside server through DATABASE_URL, or the embedded one."""

    env_prefix: ClassVar[str] = "PRESET_DB_"
    env_names: ClassVar[Mapping[str, str]] = {
        "database_url": "DATABASE_URL",
        "app_database_url": "APP_DATABASE_URL",
    }

    #: Owner connection (migrations, seeding, service jobs). Unset: the embedded server. A secret:
    #: it may carry a password.
    database_url: SecretStr | None = None
    #: Connection for request handling, as the `authenticator` login role. Unset: derived from
    #: the owner URL with the user and password replaced.
    app_database_url: SecretStr | None = None
    authenticator_password: SecretStr = SecretStr(DEV_AUTHENTICATOR_PASSWORD)
    embedded_port: int = Field(default=54329, ge=1024, le=65535)
    embedded_dbname: str = "preset"
    #: The embedded server's WAL archive keeps segments at most this old…
    wal_archive_max_age_hours: float = Field(default=72.0, gt=0)
    #: …and at most this much of them, oldest pruned first (at every start of the server).
    wal_archive_max_mb: int = Field(default=2048, ge=16)
    pool_min_size: int = Field(default=2, ge=1)
    pool_max_size: int = Field(default=20, ge=1)
    #: Connections pinned to role `anon` for anonymous discovery (a second, smaller pool).
    anon_pool_max_size: int = Field(default=8, ge=1)
    #: How long a request waits for a pooled connection before it answers 503
    #: `database_unavailable` (with Retry-After) instead of hanging.
    pool_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    #: A pool slot whose reconnection keeps failing is given up after this long (and made again
    #: on the next request), so a pool never sits in a long back-off once the database is back.
    reconnect_timeout_seconds: float = Field(default=0.5, gt=0, le=60)
    #: `statement_timeout` of every request's transaction and of the anonymous pool's sessions
    #: (set by preset.db.session, never on a role): a statement past it is cancelled, 503
    #: `database_timeout`.
    statement_timeout_ms: int = Field(default=5000, ge=1, le=600_000)
    #: `idle_in_transaction_session_timeout`, set the same way: a transaction left idle this long
    #: is ended by the server and its connection replaced.
    idle_in_transaction_timeout_ms: int = Field(default=10_000, ge=1, le=3_600_000)


class AuthSettings(SettingsGroup):
    """Access tokens: Supabase-compatible HS256 JWTs."""

    env_prefix: ClassVar[str] = "PRESET_AUTH_"

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_audience: str = "authenticated"
    access_token_ttl_seconds: int = Field(default=3600, ge=60)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=3600)


class MailSettings(SettingsGroup):
    """Outgoing e-mail: SMTP when a host is set, otherwise written to the log (development)."""

    env_prefix: ClassVar[str] = "PRESET_MAIL_"

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    from_address: str = "Preset <no-reply@preset.local>"
    #: Links in e-mails point here (the web front end that posts the token to the API).
    public_base_url: str = "http://localhost:8000"


class RateLimitSettings(SettingsGroup):
    """Requests per minute per client, by route group (in-process: per worker)."""

    env_prefix: ClassVar[str] = "PRESET_RATE_LIMIT_"

    enabled: bool = True
    auth_per_minute: int = Field(default=60, ge=1)
    read_per_minute: int = Field(default=1200, ge=1)
    write_per_minute: int = Field(default=120, ge=1)


class HttpSettings(SettingsGroup):
    """Limits on what a request may carry (preset.api.middleware.InputGuardMiddleware)."""

    env_prefix: ClassVar[str] = "PRESET_HTTP_"

    #: Largest request body, in bytes (413 payload_too_large past it).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    #: Per path prefix overrides of ``max_body_bytes`` (the longest matching prefix wins), e.g.
    #: ``PRESET_HTTP_BODY_LIMITS='{"/api/media/": 52428800}'`` for uploads.
    body_limits: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    #: On SIGTERM, `preset serve` stops accepting connections and lets the requests in flight
    #: finish for at most this long before it closes what is left.
    shutdown_grace_seconds: int = Field(default=10, ge=1, le=600)


class UnknownSettingError(ValueError):
    """A variable that looks like a setting (or a `.env` key) is none: most likely a typo."""


def _groups(settings_cls: type[BaseSettings]) -> dict[str, type[SettingsGroup]]:
    groups: dict[str, type[SettingsGroup]] = {}
    for name, field in settings_cls.model_fields.items():
        group = field.annotation
        if not (isinstance(group, type) and issubclass(group, SettingsGroup)):
            raise TypeError(f"Settings.{name} must be a SettingsGroup")
        groups[name] = group
    return groups


def setting_variables(
    settings_cls: type[BaseSettings] | None = None,
) -> dict[str, tuple[str, str]]:
    """Every setting's variable name: ``{"PRESET_DB_POOL_MAX_SIZE": ("db", "pool_max_size")}``."""
    variables: dict[str, tuple[str, str]] = {}
    for group_name, group in _groups(settings_cls or Settings).items():
        for field_name in group.model_fields:
            variables[group.variable(field_name).upper()] = (group_name, field_name)
    return variables


class _GroupedVariables(PydanticBaseSettingsSource):
    """Settings from one mapping of variables (the environment, or a `.env` file), sorted into
    their groups; a name that should be a setting and is none raises `UnknownSettingError`."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        variables: Mapping[str, str | None],
        *,
        origin: str,
        strict: bool,
    ) -> None:
        super().__init__(settings_cls)
        self._variables = variables
        self._origin = origin
        #: Strict: every name must be a setting (a `.env` file is ours alone). Otherwise only
        #: names with the settings' prefix (the environment holds every other program's too).
        self._strict = strict

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Unused: __call__ builds the whole nested mapping at once.
        return None, field_name, False

    def _claims(self, name: str) -> bool:
        if self._strict:
            return True
        return name.startswith(ENV_PREFIX) and not name.startswith(TEST_HARNESS_PREFIX)

    def __call__(self) -> dict[str, Any]:
        known = setting_variables(self.settings_cls)
        values: dict[str, dict[str, Any]] = {}
        unknown: list[str] = []
        for raw_name, value in self._variables.items():
            name = raw_name.upper()
            target = known.get(name)
            if target is None:
                if self._claims(name):
                    unknown.append(raw_name)
                continue
            if value is None:  # a bare `NAME` line in a .env file
                continue
            group, field_name = target
            values.setdefault(group, {})[field_name] = value
        if unknown:
            raise UnknownSettingError(_unknown_message(sorted(unknown), self._origin, known))
        return values


def _unknown_message(names: Iterable[str], origin: str, known: Iterable[str]) -> str:
    parts = []
    for name in names:
        close = difflib.get_close_matches(name.upper(), list(known), n=1)
        parts.append(f"{name} (did you mean {close[0]}?)" if close else name)
    return (
        f"unknown setting in {origin}: {', '.join(parts)}; "
        "src/preset/settings.py lists every setting"
    )


class Settings(BaseSettings):
    """All settings, one group per concern; secrets refused at their development defaults in
    production."""

    model_config = SettingsConfigDict(extra="forbid", env_file=".env", env_file_encoding="utf-8")

    app: AppSettings = Field(default_factory=AppSettings)
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments first, then the environment, then `.env` (`Settings(_env_file=…)` picks
        # another file, as with any pydantic-settings class).
        env_file = getattr(dotenv_settings, "env_file", None)
        return (
            init_settings,
            _GroupedVariables(settings_cls, os.environ, origin="the environment", strict=False),
            _GroupedVariables(
                settings_cls, _read_env_files(env_file), origin="the .env file", strict=True
            ),
        )

    @model_validator(mode="after")
    def _secrets_required_outside_development(self) -> Settings:
        if self.app.env is Environment.PRODUCTION:
            if self.auth.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
                raise ValueError("PRESET_AUTH_JWT_SECRET must be set in production")
            if self.db.authenticator_password.get_secret_value() == DEV_AUTHENTICATOR_PASSWORD:
                raise ValueError("PRESET_DB_AUTHENTICATOR_PASSWORD must be set in production")
            if self.db.database_url is None:
                raise ValueError("DATABASE_URL must be set in production")
        return self


def _read_env_files(env_file: Any) -> dict[str, str | None]:
    if env_file is None:
        return {}
    files = [env_file] if isinstance(env_file, str | os.PathLike) else list(env_file)
    values: dict[str, str | None] = {}
    for path in map(Path, files):
        if path.is_file():
            values.update(dotenv_values(path, encoding="utf-8"))
    return values


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
