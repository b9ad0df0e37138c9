"""Development passwords for seeded users, so a developer can log in after ``preset db seed``.

Only in development mode: anywhere else no seeded account has a password anybody knows (login
verifies against a dummy hash and fails), and this module refuses to run.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from typing import Any

import psycopg

from preset.accounts.service import set_password
from preset.settings import Settings, get_settings

#: Random bytes per generated password (16 URL-safe characters).
DEV_PASSWORD_BYTES = 12


class NotDevelopmentError(RuntimeError):
    """Raised when development passwords are asked for outside development mode."""


def generate_development_password() -> str:
    return "dev-" + secrets.token_urlsafe(DEV_PASSWORD_BYTES)


def assign_development_passwords(
    conn: psycopg.Connection[Any],
    user_ids: Iterable[uuid.UUID | str],
    *,
    settings: Settings | None = None,
) -> dict[str, str]:
    """Give each user a fresh random password; returns ``{email: password}`` to print.

    ``conn`` is an owner (or service-role) connection; the caller commits.
    """
    settings = settings or get_settings()
    if not settings.app.is_development:
        raise NotDevelopmentError(
            "development passwords are only assigned when PRESET_ENV=development"
        )
    passwords: dict[str, str] = {}
    for user_id in user_ids:
        row = conn.execute("SELECT email FROM users WHERE id = %s", (str(user_id),)).fetchone()
        if row is None:
            raise LookupError(f"no user {user_id}")
        email = row["email"] if isinstance(row, dict) else row[0]
        password = generate_development_password()
        set_password(conn, user_id, password)
        passwords[str(email)] = password
    return passwords
