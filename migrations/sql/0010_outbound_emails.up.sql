-- Outbound e-mail (the outbox's mail side). A request that needs an e-mail sent writes a
-- `mail.requested` domain event and one row here in its own transaction; the worker sends it after
-- commit and marks the row, so a re-run of the same event never sends again.
--
-- The raw one-time token of an account e-mail (verification, password reset) has to exist
-- somewhere until the e-mail is out: it waits in `secret` here, not in the event's payload,
-- because domain_events is readable by admins and copied into the audit trail. This table is
-- the platform's alone (service_role), `secret` is redacted from the audit trail, and it is
-- scrubbed (set to NULL) as soon as the row leaves `pending` (a CHECK makes that a rule).
SET LOCAL search_path = public, extensions;

CREATE TABLE outbound_emails (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id UUID NOT NULL REFERENCES domain_events(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    -- Which message: the worker renders it from the template of this name.
    template TEXT NOT NULL CHECK (template ~ '^[a-z_]+$'),
    recipient TEXT NOT NULL CHECK (recipient ~ '^[^@\s]+@[^@\s]+$'),
    secret TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
    -- The Message-ID header it was sent with (derived from event_id: a resend carries the same).
    message_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    finished_at TIMESTAMPTZ,
    CONSTRAINT outbound_emails_once_per_event UNIQUE (event_id),
    CONSTRAINT outbound_emails_secret_scrubbed CHECK (status = 'pending' OR secret IS NULL),
    CONSTRAINT outbound_emails_finished CHECK ((status = 'pending') = (finished_at IS NULL)),
    CONSTRAINT outbound_emails_sent_has_message_id CHECK ((status = 'sent') = (message_id IS NOT NULL))
);
CREATE INDEX idx_outbound_emails_user_id ON outbound_emails(user_id);
-- The scheduled scrub of secrets whose e-mail never went out.
CREATE INDEX idx_outbound_emails_unsent_secret ON outbound_emails(created_at) WHERE secret IS NOT NULL;

ALTER TABLE outbound_emails ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbound_emails FORCE ROW LEVEL SECURITY;
REVOKE ALL ON outbound_emails FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbound_emails TO service_role;
-- The policy (service role only) and the audit triggers (`secret` redacted): migrations/current/.
\apply current/policies/public.outbound_emails.sql sha256=eb156a1cf0ab480c
\apply current/triggers/public.outbound_emails.sql sha256=fe05a64138bc967c
