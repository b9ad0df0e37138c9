"""Every query of the accounts domain (typed rows through preset.db.kit; the caller's
transaction decides the role)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import LiteralString

from preset.db import kit
from preset.db.session import Connection


@dataclass(frozen=True, slots=True)
class User:
    """A ``users`` row as the API shows it to its owner (billing identifiers stay private to the
    platform): the response model of the user routes, encoded as it is by GET /api/users/me."""

    id: uuid.UUID
    email: str
    role: str
    verification_status: str
    subscription_tier: str
    subscription_status: str
    subscription_started_at: datetime | None
    subscription_expires_at: datetime | None
    last_login_at: datetime | None
    email_verified_at: datetime | None
    account_status: str
    suspended_until: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class LoginCandidate(User):
    """The account an e-mail address names, with its password hash (None: no password set)."""

    password_hash: str | None = field(metadata=kit.sql_expression("c.password_hash"))


@dataclass(frozen=True, slots=True)
class LoginFailures:
    account_failures: int
    address_failures: int
    #: Seconds until the failure that keeps the count at the limit leaves the window (None while
    #: under the limit).
    account_retry_after: int | None
    address_retry_after: int | None


@dataclass(frozen=True, slots=True)
class RefreshToken:
    id: uuid.UUID
    user_id: uuid.UUID
    family_id: uuid.UUID
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None
    expired: bool = field(metadata=kit.sql_expression("{t}expires_at <= now()"))


@dataclass(frozen=True, slots=True)
class EmailToken:
    """A presented e-mail token with its user's current address and state."""

    id: uuid.UUID
    user_id: uuid.UUID
    email: str
    used_at: datetime | None
    expired: bool = field(metadata=kit.sql_expression("{t}expires_at <= now()"))
    current_email: str = field(metadata=kit.sql_expression("u.email"))
    account_status: str = field(metadata=kit.sql_expression("u.account_status"))


_USER = kit.columns(User)

# ------------------------------------------------------------------ users (as the caller)
OWN_USER_QUERY = f"SELECT {_USER} FROM users WHERE id = auth.uid()"


async def get_own_user(conn: Connection) -> User | None:
    """The caller's users row; row level security limits it to their own."""
    return await kit.fetch_one(conn, User, OWN_USER_QUERY)


async def get_user(conn: Connection, user_id: uuid.UUID) -> User | None:
    return await kit.fetch_one(conn, User, f"SELECT {_USER} FROM users WHERE id = %s", (user_id,))


# ------------------------------------------------------------------ sign-up (service role)
async def insert_user(conn: Connection, *, email: str, role: str) -> User:
    return await kit.insert_returning(conn, "users", {"email": email, "role": role}, User)


async def insert_wallet(conn: Connection, user_id: uuid.UUID) -> None:
    await kit.execute(
        conn,
        "INSERT INTO user_credits (user_id) VALUES (%s) ON CONFLICT (user_id) DO NOTHING",
        (user_id,),
    )


async def set_password_hash(conn: Connection, user_id: uuid.UUID, password_hash: str) -> None:
    await kit.execute(
        conn,
        """
        INSERT INTO user_credentials (user_id, password_hash) VALUES (%s, %s)
        ON CONFLICT (user_id) DO UPDATE
           SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
        """,
        (user_id, password_hash),
    )


async def update_email(conn: Connection, user_id: uuid.UUID, email: str) -> User | None:
    """A new address is unverified until its owner proves it again."""
    return await kit.fetch_one(
        conn,
        User,
        f"""
        UPDATE users
           SET email = %s,
               email_verified_at = NULL,
               verification_status = CASE WHEN verification_status = 'email_verified'
                                          THEN 'unverified' ELSE verification_status END
         WHERE id = %s
        RETURNING {_USER}
        """,
        (email, user_id),
    )


# ------------------------------------------------------------------ login (service role)
async def login_candidate(conn: Connection, email: str) -> LoginCandidate | None:
    return await kit.fetch_one(
        conn,
        LoginCandidate,
        f"""
        SELECT {kit.columns(LoginCandidate, "u")}
          FROM users u LEFT JOIN user_credentials c ON c.user_id = u.id
         WHERE lower(u.email) = %s
        """,
        (email,),
    )


async def login_failures(
    conn: Connection,
    *,
    email: str,
    ip_address: str,
    window_seconds: int,
    account_limit: int,
    address_limit: int,
) -> LoginFailures:
    """Failures in the window (per account: since its last success) and when each limit lifts."""
    row = await kit.fetch_one(
        conn,
        LoginFailures,
        """
        WITH window_start AS (SELECT now() - make_interval(secs => %(window)s) AS at),
        span AS (SELECT make_interval(secs => %(window)s) AS length),
        last_success AS (
            SELECT max(attempted_at) AS at FROM login_attempts
             WHERE email = %(email)s AND succeeded
        ),
        account AS (
            SELECT a.attempted_at FROM login_attempts a, window_start w, last_success s
             WHERE a.email = %(email)s AND NOT a.succeeded AND a.attempted_at > w.at
               AND (s.at IS NULL OR a.attempted_at > s.at)
             ORDER BY a.attempted_at DESC
        ),
        address AS (
            SELECT a.attempted_at FROM login_attempts a, window_start w
             WHERE a.ip_address = %(ip)s AND NOT a.succeeded AND a.attempted_at > w.at
             ORDER BY a.attempted_at DESC
        )
        SELECT
            (SELECT count(*) FROM account)::int AS account_failures,
            (SELECT count(*) FROM address)::int AS address_failures,
            (SELECT ceil(extract(epoch FROM attempted_at + (SELECT length FROM span) - now()))
               FROM account OFFSET %(account_limit)s - 1 LIMIT 1)::int AS account_retry_after,
            (SELECT ceil(extract(epoch FROM attempted_at + (SELECT length FROM span) - now()))
               FROM address OFFSET %(address_limit)s - 1 LIMIT 1)::int AS address_retry_after
        """,
        {
            "email": email,
            "ip": ip_address,
            "window": window_seconds,
            "account_limit": account_limit,
            "address_limit": address_limit,
        },
    )
    if row is None:  # pragma: no cover - a SELECT without FROM always returns its row
        raise RuntimeError("login_failures returned nothing")
    return row


async def record_login_attempt(
    conn: Connection, *, email: str, ip_address: str, succeeded: bool
) -> None:
    await kit.execute(
        conn,
        "INSERT INTO login_attempts (email, ip_address, succeeded) VALUES (%s, %s, %s)",
        (email, ip_address, succeeded),
    )


async def touch_last_login(conn: Connection, user_id: uuid.UUID) -> User | None:
    return await kit.fetch_one(
        conn,
        User,
        f"UPDATE users SET last_login_at = now() WHERE id = %s RETURNING {_USER}",
        (user_id,),
    )


# ------------------------------------------------------------------ refresh tokens
async def insert_refresh_token(
    conn: Connection,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    token_hash: str,
    parent_id: uuid.UUID | None,
    ttl_seconds: int,
) -> uuid.UUID:
    token_id: uuid.UUID = await kit.fetch_value(
        conn,
        """
        INSERT INTO refresh_tokens (user_id, family_id, token_hash, parent_id, expires_at)
        VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
        RETURNING id
        """,
        (user_id, family_id, token_hash, parent_id, ttl_seconds),
    )
    return token_id


async def refresh_token_for_update(conn: Connection, token_hash: str) -> RefreshToken | None:
    """The presented token, locked so two refreshes serialise."""
    return await kit.fetch_one(
        conn,
        RefreshToken,
        f"SELECT {kit.columns(RefreshToken, 't')} FROM refresh_tokens t "
        "WHERE t.token_hash = %s FOR UPDATE",
        (token_hash,),
    )


async def mark_rotated(conn: Connection, token_id: uuid.UUID, replaced_by: uuid.UUID) -> None:
    await kit.execute(
        conn,
        """
        UPDATE refresh_tokens
           SET revoked_at = now(), revoked_reason = 'rotated', replaced_by = %s
         WHERE id = %s
        """,
        (replaced_by, token_id),
    )


async def revoke_family(conn: Connection, family_id: uuid.UUID, reason: str) -> int:
    """End one session: every live token of the family."""
    return await _revoke_where(conn, "family_id", family_id, reason)


async def revoke_all_for_user(conn: Connection, user_id: uuid.UUID, reason: str) -> int:
    """End every session of a user."""
    return await _revoke_where(conn, "user_id", user_id, reason)


async def _revoke_where(
    conn: Connection, column: LiteralString, value: uuid.UUID, reason: str
) -> int:
    return await kit.execute(
        conn,
        f"UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = %s "
        f"WHERE {column} = %s AND revoked_at IS NULL",
        (reason, value),
    )


# ------------------------------------------------------------------ e-mail tokens
async def replace_email_token(
    conn: Connection,
    *,
    user_id: uuid.UUID,
    purpose: str,
    email: str,
    token_hash: str,
    ttl_seconds: int,
) -> None:
    """Issue a token; earlier unused tokens of the same purpose stop working."""
    await kit.execute(
        conn,
        "DELETE FROM email_tokens WHERE user_id = %s AND purpose = %s AND used_at IS NULL",
        (user_id, purpose),
    )
    await kit.execute(
        conn,
        """
        INSERT INTO email_tokens (user_id, purpose, email, token_hash, expires_at)
        VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
        """,
        (user_id, purpose, email, token_hash, ttl_seconds),
    )


async def email_token_for_update(
    conn: Connection, token_hash: str, purpose: str
) -> EmailToken | None:
    return await kit.fetch_one(
        conn,
        EmailToken,
        f"""
        SELECT {kit.columns(EmailToken, "t")}
          FROM email_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = %s AND t.purpose = %s
           FOR UPDATE OF t
        """,
        (token_hash, purpose),
    )


async def email_token_is_live(conn: Connection, token_hash: str, email: str) -> bool:
    """Whether a token still works for the address it was sent to: not used, not expired, not
    superseded by a newer one, and the account still has that address."""
    live: bool = await kit.fetch_value(
        conn,
        """
        SELECT EXISTS (
            SELECT 1 FROM email_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = %s AND t.used_at IS NULL AND t.expires_at > now()
               AND lower(t.email) = lower(%s) AND lower(u.email) = lower(%s))
        """,
        (token_hash, email, email),
    )
    return live


async def mark_email_token_used(conn: Connection, token_id: uuid.UUID) -> None:
    await kit.execute(conn, "UPDATE email_tokens SET used_at = now() WHERE id = %s", (token_id,))


async def mark_email_verified(conn: Connection, user_id: uuid.UUID) -> User | None:
    return await kit.fetch_one(
        conn,
        User,
        f"""
        UPDATE users
           SET email_verified_at = coalesce(email_verified_at, now()),
               verification_status = CASE WHEN verification_status = 'unverified'
                                          THEN 'email_verified' ELSE verification_status END
         WHERE id = %s
        RETURNING {_USER}
        """,
        (user_id,),
    )


def is_active(account_status: str, suspended_until: datetime | None, now: datetime) -> bool:
    if account_status == "active":
        return True
    return account_status == "suspended" and suspended_until is not None and suspended_until <= now


@dataclass(frozen=True, slots=True)
class CallerStanding:
    """The caller's platform role and tier (what every domain's rules ask of them)."""

    role: str
    subscription_tier: str


async def caller_standing(conn: Connection) -> CallerStanding | None:
    """The caller's own role and tier, read as the caller (their own `users` row)."""
    return await kit.fetch_one(
        conn,
        CallerStanding,
        "SELECT role, subscription_tier FROM users WHERE id = (select auth.uid())",
    )
