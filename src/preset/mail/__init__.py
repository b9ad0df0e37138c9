"""The e-mail port: SMTP when configured, the log otherwise (development).

Nothing in a request sends e-mail: requests queue it through the outbox (``preset.mail.outbox``)
and the worker sends it after commit through a :class:`Mailer`.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol

import anyio.to_thread
import structlog

from preset.settings import MailSettings

logger = structlog.get_logger("preset.mail")


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    #: The Message-ID header (``<…@…>``); a resend of the same message carries the same one, so
    #: a receiving system or mail client can recognise the duplicate.
    message_id: str | None = None


def message_id_for(key: uuid.UUID, from_address: str) -> str:
    """A stable Message-ID for the message identified by ``key`` (the outbox event's id), in the
    sender's domain."""
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    return f"<{key}@{domain}>"


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> None: ...


class SmtpMailer:
    """Sends over SMTP with smtplib (in a worker thread, so the event loop never blocks)."""

    def __init__(self, settings: MailSettings) -> None:
        if not settings.smtp_host:
            raise ValueError("SmtpMailer needs PRESET_MAIL_SMTP_HOST")
        self._settings = settings
        self._host = settings.smtp_host

    def _message(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.from_address
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        if mail.message_id:
            message["Message-ID"] = mail.message_id
        message.set_content(mail.body)
        return message

    def _send_blocking(self, mail: OutgoingMail) -> None:
        settings = self._settings
        with smtplib.SMTP(
            self._host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as client:
            if settings.smtp_starttls:
                client.starttls()
            if settings.smtp_username and settings.smtp_password:
                client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            client.send_message(self._message(mail))

    async def send(self, mail: OutgoingMail) -> None:
        await anyio.to_thread.run_sync(self._send_blocking, mail)
        logger.info(
            "mail.sent",
            transport="smtp",
            to=mail.to,
            subject=mail.subject,
            message_id=mail.message_id,
        )


class LogMailer:
    """Development transport: the whole message goes to the structured log."""

    async def send(self, mail: OutgoingMail) -> None:
        logger.info(
            "mail.logged",
            transport="log",
            to=mail.to,
            subject=mail.subject,
            message_id=mail.message_id,
            body=mail.body,
        )


def build_mailer(settings: MailSettings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return LogMailer()
