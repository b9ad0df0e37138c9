"""Running the real worker in tests: one pass of `preset.worker` against a test's database,
sending e-mail to the test's real SMTP server."""

from __future__ import annotations

import asyncio

from preset import worker
from tests.support.api import MailBox, SmtpServer, app_settings_for
from tests.support.database import Database


def run_worker(
    db: Database, smtp: SmtpServer | None = None
) -> tuple[dict[str, int], worker.BatchResult]:
    """One pass of the worker (scheduled jobs, then every due event), as `preset worker --once`
    runs it; e-mail goes to ``smtp`` (to the log without one)."""
    return asyncio.run(worker.run_once(db.url, app_settings_for(db, smtp)))


def deliver_mail(db: Database, smtp: SmtpServer) -> MailBox:
    """Process the pending events (queued e-mails among them) and return the mailbox."""
    _, result = run_worker(db, smtp)
    assert result.failed == 0, result.errors
    return smtp.mailbox
