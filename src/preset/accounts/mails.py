"""The account e-mails (sign-up verification, e-mail change verification, password reset):
queued by the service in its transaction, rendered and sent by the worker (preset.mail.outbox).

Each carries a one-time token. The template renders nothing when the token no longer works
(used, expired, superseded by a newer one, or the account has moved to another address), so a
late worker never sends a dead link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from preset import constants as c
from preset.accounts import repository as repo
from preset.auth.tokens import hash_token
from preset.db.kit import AnyConnection
from preset.mail import OutgoingMail
from preset.mail.outbox import OutboundEmail, Template
from preset.settings import MailSettings

VERIFY_EMAIL: Final = "verify_email"
EMAIL_CHANGE: Final = "email_change"
PASSWORD_RESET: Final = "password_reset"  # noqa: S105 - a template name


def _verification_body(settings: MailSettings, token: str, greeting: str) -> str:
    hours = c.EMAIL_VERIFICATION_TTL_SECONDS // 3600
    link = f"{settings.public_base_url}/verify-email?token={token}"
    return (
        f"{greeting}\n\nConfirm your address by opening {link}\n"
        f"(or send this token to POST /api/auth/verify).\n\n"
        f"token: {token}\n\nThe link works once and expires in {hours} hours.\n"
    )


def verification_mail(settings: MailSettings, to: str, token: str) -> OutgoingMail:
    return OutgoingMail(
        to=to,
        subject="Confirm your e-mail address for Preset",
        body=_verification_body(settings, token, "Welcome to Preset!"),
    )


def email_change_mail(settings: MailSettings, to: str, token: str) -> OutgoingMail:
    return OutgoingMail(
        to=to,
        subject="Confirm your new e-mail address for Preset",
        body=_verification_body(settings, token, "Your Preset account is moving to this address."),
    )


def reset_mail(settings: MailSettings, to: str, token: str) -> OutgoingMail:
    minutes = c.PASSWORD_RESET_TTL_SECONDS // 60
    link = f"{settings.public_base_url}/reset-password?token={token}"
    return OutgoingMail(
        to=to,
        subject="Reset your Preset password",
        body=(
            f"Someone asked to reset the password of this Preset account.\n\n"
            f"Choose a new one at {link}\n(or send this token with the new password to "
            f"POST /api/auth/password-reset/confirm).\n\ntoken: {token}\n\n"
            f"The link works once and expires in {minutes} minutes. If it was not you, "
            f"ignore this message.\n"
        ),
    )


def _with_live_token(render: Callable[[MailSettings, str, str], OutgoingMail]) -> Template:
    async def template(
        conn: AnyConnection, settings: MailSettings, mail: OutboundEmail
    ) -> OutgoingMail | None:
        if mail.secret is None or not await repo.email_token_is_live(
            conn, hash_token(mail.secret), mail.recipient
        ):
            return None
        return render(settings, mail.recipient, mail.secret)

    return template


#: The worker's templates of the account e-mails, by the name the service queues them under.
TEMPLATES: Final[dict[str, Template]] = {
    VERIFY_EMAIL: _with_live_token(verification_mail),
    EMAIL_CHANGE: _with_live_token(email_change_mail),
    PASSWORD_RESET: _with_live_token(reset_mail),
}
