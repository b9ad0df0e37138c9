"""Every query of the accounts domain (plain SQL; the caller's transaction decides the role)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from preset.db.session import Connection

Row = dict[str, Any]

USER_COLUMNS = (
    "id, email, role, verification_status, subscription_tier, subscription_status, "
    "subscription_started_at, subscription_expires_at, last_login_at, email_verified_at, "
    "account_status, suspended_until, created_at, updated_at"
)


async def _one(conn: Connection, query: str, params: Any = None) -> Row | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


# ------------------------------------------------------------------ users (as the caller)
OWN_USER_QUERY = f"SELECT {USER_COLUMNS} FROM users WHERE id = auth.uid()"


async def get_own_user(conn: Connection) -> Row | None:
    """The caller's users row; row level security limits it to their own."""
    return await _one(conn, OWN_USER_QUERY)


async def get_user(conn: Connection, user_id: uuid.UUID) -> Row | None:
    return await _one(conn, f"SELECT {USER_COLUMNS} FROM users WHERE id = %s", (user_id,))


# ------------------------------------------------------------------ sign-up (service role)
async def insert_user(conn: Connection, *, email: str, role: str) -> Row:
    row = await _one(
        conn,
        f"INSERT INTO users (email, role) VALUES (%s, %s) RETURNING {USER_COLUMNS}",
        (email, role),
    )
    assert row is not None
    return row


async def insert_wallet(conn: Connection, user_id: uuid.UUID) -> None:
    await conn.execute(
        "INSERT INTO user_credits (user_id) VALUES (%s) ON CONFLICT (user_id) DO NOTHING",
        (user_id,),
    )


async def set_password_hash(conn: Connection, user_id: uuid.UUID, password_hash: str) -> None:
    await conn.execute(
        """
        INSERT INTO user_credentials (user_id, password_hash) VALUES (%s, %s)
        ON CONFLICT (user_id) DO UPDATE
           SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
        """,
        (user_id, password_hash),
    )


async def update_email(conn: Connection, user_id: uuid.UUID, email: str) -> Row | None:
    """A new address is unverified until its owner proves it again."""
    return await _one(
        conn,
        f"""
        UPDATE users
           SET email = %s,
               email_verified_at = NULL,
               verification_status = CASE WHEN verification_status = 'email_verified'
                                          THEN 'unverified' ELSE verification_status END
         WHERE id = %s
        RETURNING {USER_COLUMNS}
        """,
        (email, user_id),
    )


# ------------------------------------------------------------------ login (service role)
async def login_candidate(conn: Connection, email: str) -> Row | None:
    return await _one(
        conn,
        f"""
        SELECT {", ".join("u." + c for c in USER_COLUMNS.split(", "))}, c.password_hash
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
) -> Row:
    """Failures in the window (per account: since its last success) and when each limit lifts.

    ``*_retry_after`` is the number of seconds until the failure that keeps the count at the
    limit leaves the window (NULL while under the limit).
    """
    row = await _one(
        conn,
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
            (SELECT count(*) FROM account) AS account_failures,
            (SELECT count(*) FROM address) AS address_failures,
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
    assert row is not None
    return row


async def record_login_attempt(
    conn: Connection, *, email: str, ip_address: str, succeeded: bool
) -> None:
    await conn.execute(
        "INSERT INTO login_attempts (email, ip_address, succeeded) VALUES (%s, %s, %s)",
        (email, ip_address, succeeded),
    )


async def touch_last_login(conn: Connection, user_id: uuid.UUID) -> Row | None:
    return await _one(
        conn,
        f"UPDATE users SET last_login_at = now() WHERE id = %s RETURNING {USER_COLUMNS}",
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
    row = await _one(
        conn,
        """
        INSERT INTO refresh_tokens (user_id, family_id, token_hash, parent_id, expires_at)
        VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
        RETURNING id
        """,
        (user_id, family_id, token_hash, parent_id, ttl_seconds),
    )
    assert row is not None
    token_id: uuid.UUID = row["id"]
    return token_id


async def refresh_token_for_update(conn: Connection, token_hash: str) -> Row | None:
    """The presented token with its owner's state, locked so two refreshes serialise."""
    return await _one(
        conn,
        """
        SELECT t.id, t.user_id, t.family_id, t.expires_at, t.revoked_at, t.revoked_reason,
               t.expires_at <= now() AS expired
          FROM refresh_tokens t
         WHERE t.token_hash = %s
           FOR UPDATE
        """,
        (token_hash,),
    )


async def mark_rotated(conn: Connection, token_id: uuid.UUID, replaced_by: uuid.UUID) -> None:
    await conn.execute(
        """
        UPDATE refresh_tokens
           SET revoked_at = now(), revoked_reason = 'rotated', replaced_by = %s
         WHERE id = %s
        """,
        (replaced_by, token_id),
    )


async def revoke_family(conn: Connection, family_id: uuid.UUID, reason: str) -> int:
    cur = await conn.execute(
        """
        UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = %s
         WHERE family_id = %s AND revoked_at IS NULL
        """,
        (reason, family_id),
    )
    return cur.rowcount


async def revoke_all_for_user(conn: Connection, user_id: uuid.UUID, reason: str) -> int:
    cur = await conn.execute(
        """
        UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = %s
         WHERE user_id = %s AND revoked_at IS NULL
        """,
        (reason, user_id),
    )
    return cur.rowcount


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
    await conn.execute(
        "DELETE FROM email_tokens WHERE user_id = %s AND purpose = %s AND used_at IS NULL",
        (user_id, purpose),
    )
    await conn.execute(
        """
        INSERT INTO email_tokens (user_id, purpose, email, token_hash, expires_at)
        VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))
        """,
        (user_id, purpose, email, token_hash, ttl_seconds),
    )


async def email_token_for_update(conn: Connection, token_hash: str, purpose: str) -> Row | None:
    return await _one(
        conn,
        """
        SELECT t.id, t.user_id, t.email, t.used_at, t.expires_at <= now() AS expired,
               u.email AS current_email, u.account_status
          FROM email_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = %s AND t.purpose = %s
           FOR UPDATE OF t
        """,
        (token_hash, purpose),
    )


async def mark_email_token_used(conn: Connection, token_id: uuid.UUID) -> None:
    await conn.execute("UPDATE email_tokens SET used_at = now() WHERE id = %s", (token_id,))


async def mark_email_verified(conn: Connection, user_id: uuid.UUID) -> Row | None:
    return await _one(
        conn,
        f"""
        UPDATE users
           SET email_verified_at = coalesce(email_verified_at, now()),
               verification_status = CASE WHEN verification_status = 'unverified'
                                          THEN 'email_verified' ELSE verification_status END
         WHERE id = %s
        RETURNING {USER_COLUMNS}
        """,
        (user_id,),
    )


def is_active(account_status: str, suspended_until: datetime | None, now: datetime) -> bool:
    if account_status == "active":
        return True
    return account_status == "suspended" and suspended_until is not None and suspended_until <= now
