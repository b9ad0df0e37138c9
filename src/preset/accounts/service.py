"""The account rules: sign-up, login with throttling, rotating refresh tokens, verification,
password reset, and what a user may change on their own row.

Service-role work runs in transactions opened by the API layer's ``ServiceTransactions`` (one at
a time; it commits, never this module). Password hashing (tens of milliseconds of CPU) runs in a
worker thread and never while a database connection is held. E-mails are queued in the same
transaction as the token they carry (``preset.mail.outbox``) and sent by the worker after commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import psycopg
import structlog

from preset import constants as c
from preset.accounts import mails
from preset.accounts import repository as repo
from preset.accounts.schemas import (
    LoginRequest,
    PasswordResetConfirm,
    SignupRequest,
    TokenResponse,
    UserUpdate,
)
from preset.auth.passwords import hash_password, verify_password_or_dummy
from preset.auth.tokens import hash_token, issue_access_token, new_opaque_token
from preset.db.session import (
    Connection,
    RequestContext,
    ServiceTransactions,
    SingleUserRead,
    act_as_service,
)
from preset.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
    reject_extra_fields,
)
from preset.mail.outbox import queue_mail
from preset.profiles import repository as profiles_repo
from preset.settings import Settings

logger = structlog.get_logger("preset.accounts")

#: Columns of `users` only the platform or an admin changes (PRODUCT_RULES §1).
PROTECTED_USER_FIELDS = frozenset(
    {
        "id",
        "role",
        "verification_status",
        "subscription_tier",
        "subscription_status",
        "stripe_customer_id",
        "stripe_subscription_id",
        "subscription_started_at",
        "subscription_expires_at",
        "last_login_at",
        "email_verified_at",
        "account_status",
        "suspended_until",
        "created_at",
        "updated_at",
    }
)

VERIFY_PURPOSE = "verify_email"
RESET_PURPOSE = "password_reset"


@dataclass(frozen=True, slots=True)
class AccountsDeps:
    settings: Settings
    tx: ServiceTransactions


# ------------------------------------------------------------------ helpers
async def _hash(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password)


async def _verify(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(verify_password_or_dummy, password_hash, password)


def _check_password_rules(password: str, email: str) -> None:
    if email.lower() in password.lower():
        raise ValidationFailed(
            "the password may not contain the e-mail address",
            code="weak_password",
            details=[{"field": "password", "message": "contains the e-mail address"}],
        )


async def _issue_tokens(
    deps: AccountsDeps,
    conn: Connection,
    user: repo.User,
    *,
    family_id: uuid.UUID | None = None,
    parent_id: uuid.UUID | None = None,
) -> tuple[TokenResponse, uuid.UUID]:
    raw_refresh = new_opaque_token()
    token_id = await repo.insert_refresh_token(
        conn,
        user_id=user.id,
        family_id=family_id or uuid.uuid4(),
        token_hash=hash_token(raw_refresh),
        parent_id=parent_id,
        ttl_seconds=deps.settings.auth.refresh_token_ttl_seconds,
    )
    access, expires_in = issue_access_token(
        deps.settings.auth, user_id=user.id, email=user.email, user_role=user.role
    )
    response = TokenResponse(
        access_token=access,
        refresh_token=raw_refresh,
        expires_in=expires_in,
        user=user,
    )
    return response, token_id


async def _issue_email_token(
    conn: Connection,
    *,
    user_id: uuid.UUID,
    email: str,
    purpose: str,
    template: str,
    ttl_seconds: int,
    actor_user_id: uuid.UUID | None,
) -> None:
    """A fresh one-time token (earlier unused ones of the purpose stop working) and the e-mail
    that carries it, queued in the same transaction: the e-mail goes out only if this commits."""
    raw = new_opaque_token()
    await repo.replace_email_token(
        conn,
        user_id=user_id,
        purpose=purpose,
        email=email,
        token_hash=hash_token(raw),
        ttl_seconds=ttl_seconds,
    )
    await queue_mail(
        conn,
        template=template,
        recipient=email,
        user_id=user_id,
        actor_user_id=actor_user_id,
        secret=raw,
    )


def _inactive_error(user: repo.User) -> Forbidden | None:
    now = datetime.now(UTC)
    if repo.is_active(user.account_status, user.suspended_until, now):
        return None
    if user.account_status == "banned":
        return Forbidden("this account is banned", code="account_banned")
    until = user.suspended_until  # a suspension always has one (users CHECK constraint)
    return Forbidden(
        "this account is suspended",
        code="account_suspended",
        details={"suspended_until": until.isoformat() if until else None},
    )


# ------------------------------------------------------------------ sign-up
async def signup(deps: AccountsDeps, payload: SignupRequest) -> TokenResponse:
    _check_password_rules(payload.password, payload.email)
    password_hash = await _hash(payload.password)
    async with deps.tx.transaction() as conn:
        user = await repo.insert_user(conn, email=payload.email, role=payload.role)
        await profiles_repo.insert_profile(
            conn, user_id=user.id, display_name=payload.display_name, handle=payload.handle
        )
        await repo.insert_wallet(conn, user.id)
        await profiles_repo.insert_default_preferences(conn, user.id)
        await repo.set_password_hash(conn, user.id, password_hash)
        await _issue_email_token(
            conn,
            user_id=user.id,
            email=payload.email,
            purpose=VERIFY_PURPOSE,
            template=mails.VERIFY_EMAIL,
            ttl_seconds=c.EMAIL_VERIFICATION_TTL_SECONDS,
            actor_user_id=user.id,
        )
        tokens, _ = await _issue_tokens(deps, conn, user)
    logger.info("account.signed_up", user_id=str(user.id), role=payload.role)
    return tokens


# ------------------------------------------------------------------ login
async def login(deps: AccountsDeps, payload: LoginRequest, ip_address: str) -> TokenResponse:
    async with deps.tx.transaction() as conn:
        failures = await repo.login_failures(
            conn,
            email=payload.email,
            ip_address=ip_address,
            window_seconds=c.LOGIN_FAILURE_WINDOW_SECONDS,
            account_limit=c.LOGIN_MAX_FAILURES_PER_ACCOUNT,
            address_limit=c.LOGIN_MAX_FAILURES_PER_ADDRESS,
        )
        candidate = await repo.login_candidate(conn, payload.email)
    if failures.account_failures >= c.LOGIN_MAX_FAILURES_PER_ACCOUNT:
        raise TooManyRequests(
            "too many failed logins for this account; try again later",
            code="login_throttled",
            retry_after=int(failures.account_retry_after or c.LOGIN_FAILURE_WINDOW_SECONDS),
            details={"scope": "account"},
        )
    if failures.address_failures >= c.LOGIN_MAX_FAILURES_PER_ADDRESS:
        raise TooManyRequests(
            "too many failed logins from this address; try again later",
            code="login_throttled",
            retry_after=int(failures.address_retry_after or c.LOGIN_FAILURE_WINDOW_SECONDS),
            details={"scope": "address"},
        )

    # Unknown addresses and accounts without a password verify against a dummy hash, so the
    # answer takes as long as for a real account. No connection is held meanwhile.
    password_ok = await _verify(candidate.password_hash if candidate else None, payload.password)

    async with deps.tx.transaction(candidate.id if candidate else None) as conn:
        await repo.record_login_attempt(
            conn, email=payload.email, ip_address=ip_address, succeeded=password_ok
        )
        if not password_ok or candidate is None:
            tokens = None
        elif _inactive_error(candidate) is not None:
            tokens = None
        else:
            user = await repo.touch_last_login(conn, candidate.id)
            assert user is not None
            tokens, _ = await _issue_tokens(deps, conn, user)
    if tokens is None:
        if password_ok and candidate is not None:
            inactive = _inactive_error(candidate)
            assert inactive is not None
            raise inactive
        raise Unauthorized("wrong e-mail address or password", code="invalid_credentials")
    logger.info("account.logged_in", user_id=str(tokens.user.id))
    return tokens


# ------------------------------------------------------------------ refresh and logout
async def refresh(deps: AccountsDeps, raw_token: str) -> TokenResponse:
    outcome: TokenResponse | Unauthorized
    async with deps.tx.transaction() as conn:
        token = await repo.refresh_token_for_update(conn, hash_token(raw_token))
        if token is None:
            outcome = Unauthorized("unknown refresh token", code="invalid_refresh_token")
        elif token.revoked_at is not None:
            if token.revoked_reason == "rotated":
                # A rotated token presented again: it was stolen or replayed. Every token of
                # the family stops working, the legitimate holder's current one included.
                revoked = await repo.revoke_family(conn, token.family_id, "reuse_detected")
                logger.warning(
                    "auth.refresh_token_reused",
                    user_id=str(token.user_id),
                    family_id=str(token.family_id),
                    revoked=revoked,
                )
                outcome = Unauthorized(
                    "this refresh token was already used; the session has been revoked",
                    code="refresh_token_reused",
                )
            else:
                outcome = Unauthorized(
                    "this refresh token was revoked", code="invalid_refresh_token"
                )
        elif token.expired:
            outcome = Unauthorized("this refresh token has expired", code="refresh_token_expired")
        else:
            user = await repo.get_user(conn, token.user_id)
            assert user is not None
            if _inactive_error(user) is not None:
                await repo.revoke_family(conn, token.family_id, "account_suspended")
                outcome = Unauthorized(
                    "this account cannot act at the moment",
                    code=f"account_{user.account_status}",
                )
            else:
                outcome, child_id = await _issue_tokens(
                    deps, conn, user, family_id=token.family_id, parent_id=token.id
                )
                await repo.mark_rotated(conn, token.id, child_id)
    # Raised after the block so the revocations above are committed.
    if isinstance(outcome, Unauthorized):
        raise outcome
    return outcome


async def logout(deps: AccountsDeps, raw_token: str) -> None:
    """Revoke the session (the token's whole family); unknown tokens change nothing."""
    async with deps.tx.transaction() as conn:
        token = await repo.refresh_token_for_update(conn, hash_token(raw_token))
        if token is not None:
            await repo.revoke_family(conn, token.family_id, "logout")


# ------------------------------------------------------------------ e-mail verification
def _token_problem(token: repo.EmailToken | None, *, what: str) -> BadRequest | None:
    if token is None:
        return BadRequest(f"this {what} token is not valid", code="invalid_token")
    if token.used_at is not None:
        return BadRequest(f"this {what} token was already used", code="token_used")
    if token.expired:
        return BadRequest(f"this {what} token has expired", code="token_expired")
    if token.email.lower() != token.current_email.lower():
        # Sent to an address the account no longer has.
        return BadRequest(f"this {what} token is not valid", code="invalid_token")
    return None


async def verify_email(deps: AccountsDeps, raw_token: str) -> repo.User:
    async with deps.tx.transaction() as conn:
        token = await repo.email_token_for_update(conn, hash_token(raw_token), VERIFY_PURPOSE)
        problem = _token_problem(token, what="verification")
        if problem is not None:
            raise problem
        assert token is not None
        await repo.mark_email_token_used(conn, token.id)
        user = await repo.mark_email_verified(conn, token.user_id)
        assert user is not None
    return user


# ------------------------------------------------------------------ password reset
async def request_password_reset(deps: AccountsDeps, email: str) -> None:
    """Always answers the same, so it never tells whether an address has an account (the
    e-mail is queued, not sent, so an existing account does not answer slower either)."""
    async with deps.tx.transaction() as conn:
        candidate = await repo.login_candidate(conn, email)
        if candidate is None or _inactive_error(candidate) is not None:
            return
        await _issue_email_token(
            conn,
            user_id=candidate.id,
            email=candidate.email,
            purpose=RESET_PURPOSE,
            template=mails.PASSWORD_RESET,
            ttl_seconds=c.PASSWORD_RESET_TTL_SECONDS,
            actor_user_id=None,
        )


async def confirm_password_reset(deps: AccountsDeps, payload: PasswordResetConfirm) -> None:
    # Hashed before the transaction: no connection is held while the CPU works.
    password_hash = await _hash(payload.password)
    async with deps.tx.transaction() as conn:
        token = await repo.email_token_for_update(conn, hash_token(payload.token), RESET_PURPOSE)
        problem = _token_problem(token, what="password reset")
        if problem is not None:
            raise problem
        assert token is not None
        _check_password_rules(payload.password, token.current_email)
        await repo.mark_email_token_used(conn, token.id)
        await repo.set_password_hash(conn, token.user_id, password_hash)
        # Every session ends: whoever knew the old password is logged out.
        await repo.revoke_all_for_user(conn, token.user_id, "password_reset")


# ------------------------------------------------------------------ the caller's user row
async def get_me(read: SingleUserRead) -> repo.User:
    # One round trip for the whole request: the hottest read of the API.
    user = await read.one(repo.User, repo.OWN_USER_QUERY)
    if user is None:
        raise NotFound("no such user")
    return user


async def update_me(ctx: RequestContext, payload: UserUpdate) -> repo.User:
    reject_extra_fields(
        payload.model_extra or {},
        PROTECTED_USER_FIELDS,
        who_may_change="the platform or an administrator",
    )
    user_id = ctx.require_user_id()
    current = await repo.get_own_user(ctx.conn)
    if current is None:
        raise NotFound("no such user")
    if payload.email is None or payload.email == current.email:
        return current
    # The guard trigger forbids users writing their own e-mail column (the address is tied to
    # verification), so the platform makes the change, on the user's behalf, in the caller's
    # own transaction (one pooled connection), and re-verifies.
    await act_as_service(ctx)
    user = await repo.update_email(ctx.conn, user_id, payload.email)
    assert user is not None
    await _issue_email_token(
        ctx.conn,
        user_id=user_id,
        email=payload.email,
        purpose=VERIFY_PURPOSE,
        template=mails.EMAIL_CHANGE,
        ttl_seconds=c.EMAIL_VERIFICATION_TTL_SECONDS,
        actor_user_id=user_id,
    )
    return user


# ------------------------------------------------------------------ seeding and operations
def set_password(conn: psycopg.Connection[Any], user_id: uuid.UUID | str, password: str) -> None:
    """Set a user's password from a synchronous owner connection (seeding, operations).

    Does not commit: the caller's transaction decides.
    """
    conn.execute(
        """
        INSERT INTO user_credentials (user_id, password_hash) VALUES (%s, %s)
        ON CONFLICT (user_id) DO UPDATE
           SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
        """,
        (str(user_id), hash_password(password)),
    )
