"""E-mail through the outbox: a request queues, the worker sends after commit, at least once.

A request calls :func:`queue_mail` in its own transaction (as ``service_role``): one
``mail.requested`` domain event and one ``outbound_emails`` row (migration 0010), the row holding
the recipient, the template's name and, for account e-mails, the raw one-time token
(``secret``) until the message is out. Nothing leaves the database unless that transaction
commits.

The worker's handler (:class:`MailDelivery`) renders the row with its template, sends it through
the :class:`~preset.mail.Mailer` port with a Message-ID derived from the event id, then marks the
row ``sent`` and scrubs the secret, in the worker's transaction for that event. A re-run of the
same event finds the row no longer ``pending`` and sends nothing. A worker that dies before the
SMTP server accepted the message rolls back and the message goes out on the next try; one that
dies after the server accepted it but before its commit sends it again, with the same
Message-ID (docs/worker.md: the delivery guarantee).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from preset.db import kit
from preset.db.kit import AnyConnection
from preset.events import DomainEvent, record_event, wake_workers
from preset.mail import Mailer, OutgoingMail, message_id_for
from preset.settings import MailSettings

MAIL_REQUESTED: Final = "mail.requested"


@dataclass(frozen=True, slots=True)
class OutboundEmail:
    """An ``outbound_emails`` row."""

    id: uuid.UUID
    event_id: uuid.UUID
    user_id: uuid.UUID | None
    template: str
    recipient: str
    secret: str | None
    status: str
    message_id: str | None
    created_at: datetime
    finished_at: datetime | None


#: Renders a queued e-mail; None when there is nothing to send any more (its token was
#: superseded or used), and the row is then marked ``skipped``.
Template = Callable[[AnyConnection, MailSettings, OutboundEmail], Awaitable[OutgoingMail | None]]


class UnknownTemplate(LookupError):
    """A queued e-mail names a template this worker does not know (retried with backoff, so a
    worker of a newer release can pick it up)."""


async def queue_mail(
    conn: AnyConnection,
    *,
    template: str,
    recipient: str,
    user_id: uuid.UUID | None,
    actor_user_id: uuid.UUID | None,
    secret: str | None = None,
) -> uuid.UUID:
    """Queue one e-mail in the caller's open transaction (``service_role``: only the platform
    writes ``outbound_emails``); returns the event id. ``secret`` is the raw one-time token
    the template puts in the message: it is never written to the event, only to the row."""
    event_id = await record_event(
        conn,
        MAIL_REQUESTED,
        "user" if user_id is not None else "mail",
        user_id,
        actor_user_id,
        {"template": template},
    )
    await kit.execute(
        conn,
        "INSERT INTO outbound_emails (event_id, user_id, template, recipient, secret) "
        "VALUES (%s, %s, %s, %s, %s)",
        (event_id, user_id, template, recipient, secret),
    )
    await wake_workers(conn)
    return event_id


async def outbound_email_for(conn: AnyConnection, event_id: uuid.UUID) -> OutboundEmail | None:
    return await kit.fetch_one(
        conn,
        OutboundEmail,
        f"SELECT {kit.columns(OutboundEmail)} FROM outbound_emails WHERE event_id = %s",
        (event_id,),
    )


async def _finish(
    conn: AnyConnection, row_id: uuid.UUID, status: str, message_id: str | None
) -> None:
    await kit.execute(
        conn,
        "UPDATE outbound_emails SET status = %s, message_id = %s, secret = NULL, "
        "finished_at = now() WHERE id = %s AND status = 'pending'",
        (status, message_id, row_id),
    )


@dataclass(frozen=True, slots=True)
class MailDelivery:
    """The worker's handler of ``mail.requested`` events."""

    mailer: Mailer
    settings: MailSettings
    templates: Mapping[str, Template]

    async def __call__(self, conn: AnyConnection, event: DomainEvent) -> str:
        """Send the event's e-mail unless it went out already; returns what happened."""
        if event.event_type != MAIL_REQUESTED:
            raise ValueError(f"not a {MAIL_REQUESTED} event: {event.event_type}")
        # No row lock: the worker holds this event's row (FOR UPDATE SKIP LOCKED), and the row is
        # the event's alone (unique event_id), so no other worker handles it meanwhile.
        row = await outbound_email_for(conn, event.id)
        if row is None:
            return "gone"  # its user was deleted (ON DELETE CASCADE) before it was sent
        if row.status != "pending":
            return f"already {row.status}"
        template = self.templates.get(row.template)
        if template is None:
            raise UnknownTemplate(f"no e-mail template {row.template!r}")
        mail = await template(conn, self.settings, row)
        if mail is None:
            await _finish(conn, row.id, "skipped", None)
            return "skipped"
        message_id = message_id_for(event.id, self.settings.from_address)
        await self.mailer.send(replace(mail, to=row.recipient, message_id=message_id))
        await _finish(conn, row.id, "sent", message_id)
        return "sent"


async def scrub_stale_secrets(conn: AnyConnection, *, older_than_seconds: int) -> int:
    """Drop the tokens of e-mails still unsent after ``older_than_seconds`` (the tokens have
    expired by then; a later try renders nothing and marks the row ``skipped``)."""
    return await kit.execute(
        conn,
        "UPDATE outbound_emails SET secret = NULL WHERE secret IS NOT NULL "
        "AND created_at < now() - make_interval(secs => %s)",
        (older_than_seconds,),
    )
