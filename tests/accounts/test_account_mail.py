"""Account e-mails through the outbox: queued in the request's transaction, sent by the worker to
a real SMTP server, tokens kept out of the events and the audit trail, scrubbed once sent."""

from __future__ import annotations

import re
import socket
import uuid

from fastapi.testclient import TestClient

from tests.support.api import DEFAULT_PASSWORD, SmtpServer, app_settings_for, bearer, signup
from tests.support.database import Database
from tests.support.worker import deliver_mail, run_worker


def _tokens_in(smtp: SmtpServer, address: str, subject: str = "") -> list[str]:
    tokens = []
    for message in smtp.mailbox.to(address):
        if subject not in str(message["Subject"]):
            continue
        body = message.get_payload(decode=True)
        assert isinstance(body, bytes)
        tokens += re.findall(r"^token: (\S+)\s*$", body.decode(), re.MULTILINE)
    return tokens


def test_tokens_never_reach_the_events_or_the_audit_trail(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"secret_{uuid.uuid4().hex[:8]}@example.com"
    moved = f"moved_{uuid.uuid4().hex[:8]}@example.com"
    session = signup(client, email=email)
    client.post("/api/auth/password-reset/request", json={"email": email})
    response = client.patch(
        "/api/users/me", headers=bearer(session["access_token"]), json={"email": moved}
    )
    assert response.status_code == 200
    pending = db.execute("SELECT template, secret FROM outbound_emails ORDER BY created_at")
    assert [p["template"] for p in pending] == ["verify_email", "password_reset", "email_change"]
    secrets = [p["secret"] for p in pending]
    assert all(secrets)

    deliver_mail(db, smtp)
    # Only the last was sent: the first two were for the address the account has since left
    # (their tokens no longer work, so the worker sends no dead link and marks them skipped).
    statuses = db.execute(
        "SELECT template, status, secret FROM outbound_emails ORDER BY created_at"
    )
    assert [(s["template"], s["status"], s["secret"]) for s in statuses] == [
        ("verify_email", "skipped", None),
        ("password_reset", "skipped", None),
        ("email_change", "sent", None),
    ]
    assert _tokens_in(smtp, moved) == [secrets[2]]
    assert _tokens_in(smtp, email) == []

    everything = str(db.execute("SELECT * FROM domain_events")) + str(
        db.execute("SELECT * FROM audit_logs")
    )
    for secret in secrets:
        assert secret not in everything
    redacted = db.execute(
        "SELECT operation, changes -> 'secret' AS secret FROM audit_logs "
        "WHERE table_name = 'outbound_emails' ORDER BY id"
    )
    assert {r["operation"] for r in redacted} == {"INSERT", "UPDATE"}
    assert all("[redacted]" in str(r["secret"]) for r in redacted)


def test_a_superseded_reset_token_is_not_sent(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"twice_{uuid.uuid4().hex[:8]}@example.com"
    signup(client, email=email)
    for _ in range(2):
        client.post("/api/auth/password-reset/request", json={"email": email})
    deliver_mail(db, smtp)
    [token] = _tokens_in(smtp, email, "Reset")
    confirm = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "quite new words"}
    )
    assert confirm.status_code == 204, confirm.text
    statuses = db.execute(
        "SELECT status FROM outbound_emails WHERE template = 'password_reset' ORDER BY created_at"
    )
    assert [s["status"] for s in statuses] == ["skipped", "sent"]


def test_a_failed_signup_queues_no_mail(client: TestClient, db: Database) -> None:
    signup(client, handle="only_once")
    response = client.post(
        "/api/auth/signup",
        json={
            "email": "second@example.com",
            "password": DEFAULT_PASSWORD,
            "role": "talent",
            "display_name": "X",
            "handle": "only_once",
        },
    )
    assert response.status_code == 409
    assert (
        db.execute("SELECT recipient FROM outbound_emails WHERE recipient = 'second@example.com'")
        == []
    )
    assert (
        db.execute("SELECT count(*) AS n FROM domain_events WHERE event_type = 'mail.requested'")[
            0
        ]["n"]
        == 1
    )


def test_mail_is_retried_later_when_the_smtp_server_is_down(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"retry_{uuid.uuid4().hex[:8]}@example.com"
    signup(client, email=email)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    nobody = SmtpServer("127.0.0.1", closed_port, smtp.mailbox)
    _, result = run_worker(db, nobody)
    assert result.failed == 1 and "ConnectionRefusedError" in result.errors[0]
    [row] = db.execute(
        "SELECT o.status, o.secret, e.attempts, e.available_at > now() AS backed_off "
        "FROM outbound_emails o JOIN domain_events e ON e.id = o.event_id"
    )
    assert (row["status"], row["attempts"], row["backed_off"]) == ("pending", 1, True)
    assert row["secret"] is not None
    # Due again (as after the back-off): the server is up now, the mail goes out once.
    db.execute("UPDATE domain_events SET available_at = now() WHERE attempts = 1")
    assert len(deliver_mail(db, smtp).to(email)) == 1
    assert len(deliver_mail(db, smtp).to(email)) == 1


def test_unsent_secrets_are_scrubbed_once_their_tokens_have_expired(
    client: TestClient, smtp: SmtpServer, db: Database
) -> None:
    email = f"stale_{uuid.uuid4().hex[:8]}@example.com"
    signup(client, email=email)
    db.execute(
        "UPDATE outbound_emails SET created_at = now() - interval '3 days'; "
        "UPDATE email_tokens SET created_at = now() - interval '3 days', "
        "expires_at = now() - interval '1 day'"
    )
    jobs, result = run_worker(db, smtp)
    assert jobs["mail_secrets_scrubbed"] == 1
    assert result.failed == 0
    assert db.execute("SELECT status, secret FROM outbound_emails") == [
        {"status": "skipped", "secret": None}
    ]
    assert smtp.mailbox.to(email) == []


def test_the_log_mailer_is_used_without_smtp(client: TestClient, db: Database) -> None:
    """Without PRESET_MAIL_SMTP_HOST (development) the worker writes the mail to the log and
    still marks it sent."""
    signup(client)
    settings = app_settings_for(db, None)
    assert settings.mail.smtp_host is None
    _, result = run_worker(db, None)
    assert result.failed == 0
    assert db.execute("SELECT status FROM outbound_emails") == [{"status": "sent"}]
