"""Settings: read from the environment and `.env` into one group per concern, unknown names
refused, secrets held as SecretStr and required in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from preset.db.urls import app_url, owner_url
from preset.settings import (
    DEV_JWT_SECRET,
    AppSettings,
    AuthSettings,
    DatabaseSettings,
    Environment,
    MailSettings,
    Settings,
    UnknownSettingError,
    setting_variables,
)

SMTP_PASSWORD = "smtp-secret"  # noqa: S105
STRONG_PASSWORD = "a-long-random-secret"  # noqa: S105


@pytest.fixture()
def env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `.env` of this test's own (empty until written), and no connection strings inherited
    from the environment the suite runs in."""
    for name in ("DATABASE_URL", "APP_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / ".env"
    path.write_text("", encoding="utf-8")
    return path


def load(env_file: Path) -> Settings:
    return Settings(_env_file=env_file)


def test_variables_land_in_their_groups(env_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESET_ENV", "test")
    monkeypatch.setenv("PRESET_DB_POOL_MAX_SIZE", "7")
    monkeypatch.setenv("PRESET_RATE_LIMIT_ENABLED", "false")
    monkeypatch.setenv("PRESET_MAIL_SMTP_HOST", "mail.internal")
    monkeypatch.setenv("DATABASE_URL", "postgresql://owner@db.internal:5432/preset")

    settings = load(env_file)

    assert settings.app.env is Environment.TEST
    assert settings.db.pool_max_size == 7
    assert settings.rate_limit.enabled is False
    assert settings.mail.smtp_host == "mail.internal"
    assert owner_url(settings) == "postgresql://owner@db.internal:5432/preset"


def test_every_setting_has_one_variable_named_after_its_group() -> None:
    variables = setting_variables()
    assert variables["PRESET_ENV"] == ("app", "env")
    assert variables["PRESET_DB_EMBEDDED_PORT"] == ("db", "embedded_port")
    assert variables["PRESET_AUTH_JWT_SECRET"] == ("auth", "jwt_secret")
    assert variables["PRESET_RATE_LIMIT_WRITE_PER_MINUTE"] == ("rate_limit", "write_per_minute")
    assert variables["DATABASE_URL"] == ("db", "database_url")
    assert len(set(variables.values())) == len(variables)
    # No prefix trick: the old PRESET_UNUSED_ prefix names nothing.
    assert not any(name.startswith("PRESET_UNUSED_") for name in variables)


def test_dotenv_is_read_and_the_environment_wins(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file.write_text(
        "PRESET_LOG_LEVEL=DEBUG\nPRESET_DB_POOL_MIN_SIZE=3\n# a comment\n", encoding="utf-8"
    )
    monkeypatch.setenv("PRESET_DB_POOL_MIN_SIZE", "5")

    settings = load(env_file)

    assert settings.app.log_level == "DEBUG"
    assert settings.db.pool_min_size == 5


def test_an_unknown_preset_variable_is_an_error_naming_it(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESET_DB_POOL_MAX", "3")

    with pytest.raises(UnknownSettingError) as raised:
        load(env_file)

    message = str(raised.value)
    assert "PRESET_DB_POOL_MAX " in message and "the environment" in message
    assert "did you mean PRESET_DB_POOL_MAX_SIZE?" in message


def test_the_old_prefix_trick_is_an_unknown_setting(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESET_UNUSED_APP", "{}")
    with pytest.raises(UnknownSettingError, match="PRESET_UNUSED_APP"):
        load(env_file)


def test_an_unknown_dotenv_key_is_an_error_naming_it(env_file: Path) -> None:
    env_file.write_text("PRESET_ENV=development\nPRESET_MAIL_SMTP_HOTS=mail\n", encoding="utf-8")
    with pytest.raises(UnknownSettingError) as raised:
        load(env_file)
    assert "PRESET_MAIL_SMTP_HOTS" in str(raised.value)
    assert "the .env file" in str(raised.value)


def test_a_dotenv_key_without_the_prefix_is_refused_too(env_file: Path) -> None:
    """`.env` is read by nothing but the settings: every key in it must be one."""
    env_file.write_text("DATABASE_ULR=postgresql://localhost/preset\n", encoding="utf-8")
    with pytest.raises(UnknownSettingError, match="DATABASE_ULR"):
        load(env_file)


def test_other_programs_variables_and_the_test_harness_are_left_alone(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESET_TEST_EMBEDDED_PORT", "54399")
    monkeypatch.setenv("PRESETS_OF_SOMETHING_ELSE", "1")
    monkeypatch.setenv("POSTGRES_PASSWORD", "x")
    assert load(env_file).app.env is Environment.DEVELOPMENT


def test_unknown_arguments_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        AppSettings(enviroment="test")
    with pytest.raises(ValidationError, match="extra"):
        Settings(cache=AppSettings())


def test_secrets_are_secret_strings_and_never_printed(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESET_AUTH_JWT_SECRET", "s" * 64)
    monkeypatch.setenv("PRESET_DB_AUTHENTICATOR_PASSWORD", "authenticator-secret")
    monkeypatch.setenv("PRESET_MAIL_SMTP_PASSWORD", "smtp-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://owner:owner-secret@db.internal/preset")
    monkeypatch.setenv("APP_DATABASE_URL", "postgresql://authenticator:app-secret@db/preset")

    settings = load(env_file)

    secrets = {
        "s" * 64: settings.auth.jwt_secret,
        "authenticator-secret": settings.db.authenticator_password,
        "smtp-secret": settings.mail.smtp_password,
        "owner-secret": settings.db.database_url,
        "app-secret": settings.db.app_database_url,
    }
    for value, field in secrets.items():
        assert isinstance(field, SecretStr)
        assert value in field.get_secret_value()
        assert value not in repr(settings) and value not in str(settings)
    assert "owner-secret" in owner_url(settings)
    assert "app-secret" in app_url(settings)


def test_the_authenticator_password_reaches_the_derived_app_url(
    env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://owner@db.internal/preset")
    monkeypatch.setenv("PRESET_DB_AUTHENTICATOR_PASSWORD", "authenticator-secret")
    assert app_url(load(env_file)) == (
        "postgresql://authenticator:authenticator-secret@db.internal/preset"
    )


def test_groups_accept_plain_strings_for_secrets() -> None:
    assert AuthSettings(jwt_secret="x" * 64).jwt_secret.get_secret_value() == "x" * 64
    assert MailSettings(smtp_password=SMTP_PASSWORD).smtp_password == SecretStr(SMTP_PASSWORD)


def test_production_refuses_every_development_default() -> None:
    production = AppSettings(env=Environment.PRODUCTION)
    url = "postgresql://owner:pw@db.internal/preset"
    strong = "k" * 64
    with pytest.raises(ValidationError, match="PRESET_AUTH_JWT_SECRET"):
        Settings(app=production, db=DatabaseSettings(database_url=url))
    with pytest.raises(ValidationError, match="PRESET_DB_AUTHENTICATOR_PASSWORD"):
        Settings(
            app=production,
            auth=AuthSettings(jwt_secret=strong),
            db=DatabaseSettings(database_url=url),
        )
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        Settings(
            app=production,
            auth=AuthSettings(jwt_secret=strong),
            db=DatabaseSettings(authenticator_password=STRONG_PASSWORD),
        )
    accepted = Settings(
        app=production,
        auth=AuthSettings(jwt_secret=strong),
        db=DatabaseSettings(database_url=url, authenticator_password=STRONG_PASSWORD),
    )
    assert accepted.auth.jwt_secret.get_secret_value() != DEV_JWT_SECRET


def test_the_development_jwt_secret_is_long_enough_for_every_hmac() -> None:
    assert len(DEV_JWT_SECRET.encode()) >= 64
