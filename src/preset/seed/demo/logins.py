"""A way in for the demo people: one shared password, in development only.

Like the seed users' passwords (preset.accounts.dev_passwords) it is random, made at seeding and
printed once; unlike them it is one password for every demo person (hashing hundreds of
passwords would slow seeding down for nothing: they all stand for "some member"). Anywhere but
development nobody gets one, so no demo account can be logged into.
"""

from __future__ import annotations

from dataclasses import dataclass

from preset.accounts.dev_passwords import NotDevelopmentError, generate_development_password
from preset.auth.passwords import hash_password
from preset.seed.base import Connection
from preset.seed.demo.dataset import DEMO_EMAIL_DOMAIN
from preset.settings import Settings, get_settings


@dataclass(frozen=True)
class DemoLogin:
    password: str
    #: Demo people who got it (all of them on a reset, else those who had no password yet).
    users: int
    #: One of them, to try it with.
    example_email: str


def assign_demo_password(
    conn: Connection, *, reset: bool = False, settings: Settings | None = None
) -> DemoLogin | None:
    """Give the demo people without a password (every demo person, with ``reset``) one fresh
    shared password; ``None`` when nobody needed one. The caller commits."""
    settings = settings or get_settings()
    if not settings.app.is_development:
        raise NotDevelopmentError("demo passwords are only assigned when PRESET_ENV=development")
    password = generate_development_password()
    rows = conn.execute(
        """
        INSERT INTO user_credentials (user_id, password_hash)
        SELECT u.id, %(hash)s
          FROM users u
         WHERE u.email LIKE %(pattern)s
           AND (%(reset)s OR NOT EXISTS (
                SELECT 1 FROM user_credentials c WHERE c.user_id = u.id))
        ON CONFLICT (user_id) DO UPDATE
           SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
        RETURNING (SELECT email FROM users WHERE id = user_credentials.user_id)
        """,
        {"hash": hash_password(password), "pattern": f"%@{DEMO_EMAIL_DOMAIN}", "reset": reset},
    ).fetchall()
    if not rows:
        return None
    return DemoLogin(password=password, users=len(rows), example_email=str(min(r[0] for r in rows)))
