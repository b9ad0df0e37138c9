-- The audit trail (PRODUCT_RULES §9): every INSERT, UPDATE and DELETE on every table is written to
-- audit_logs with the acting user (from the request's claims), the operation, the row and what
-- changed (column → {old, new}). Audit rows are append-only for everyone but the database owner.
--
-- Statement-level triggers with transition tables: one INSERT … SELECT per statement rather than
-- one per row, so bulk loads (COPY of a million gigs) stay fast.
SET LOCAL search_path = public, extensions;

\apply current/functions/public.audit_changes.sql sha256=e882f73393002fb8
REVOKE ALL ON FUNCTION public.audit_changes() FROM PUBLIC;

\apply current/functions/public.enable_audit.sql sha256=4b53a1ceac1de38e

\apply current/functions/public.disable_audit.sql sha256=4afe3c03595965ed
REVOKE ALL ON FUNCTION public.enable_audit(regclass, text, text[]), public.disable_audit(regclass) FROM PUBLIC;

\apply current/functions/public.audit_logs_append_only.sql sha256=f40186df9a8117ce
\apply current/triggers/public.audit_logs.sql sha256=91e16af034694d9c

-- Every table's audit triggers. profiles (0005), gigs and applications (0007) get their
-- triggers again from the current files in those later migrations, the newest to touch them.
SELECT public.enable_audit(t::regclass) FROM unnest(ARRAY['profiles', 'gigs', 'applications']) AS t;
\apply current/triggers/public.users.sql sha256=cea59eec4168f986
\apply current/triggers/public.showcases.sql sha256=b5c326d6637f1b4b
\apply current/triggers/public.media.sql sha256=1e2e6bf636eed3ca
\apply current/triggers/public.conversations.sql sha256=172b009eb77bdb45
\apply current/triggers/public.messages.sql sha256=32e9169f154dc49d
\apply current/triggers/public.reviews.sql sha256=65ab20e4aa315cf5
\apply current/triggers/public.moodboards.sql sha256=d0de690de4d6324b
\apply current/triggers/public.subscriptions.sql sha256=76f4d0b41d7f4127
\apply current/triggers/public.platform_credits.sql sha256=49809640a5240f61
\apply current/triggers/public.user_credits.sql sha256=1af1e848812fb834
\apply current/triggers/public.credit_transactions.sql sha256=faf951d3c98e3d70
\apply current/triggers/public.credit_packages.sql sha256=5abd96027a9db239
\apply current/triggers/public.source_images.sql sha256=20c7258e6d0b27b1
\apply current/triggers/public.ai_enhancements.sql sha256=76bf2d96ab90aca7
\apply current/triggers/public.reports.sql sha256=8db7b10062cb2e9b
\apply current/triggers/public.user_content_preferences.sql sha256=accbbd1e65239301
\apply current/triggers/public.content_moderation_log.sql sha256=11a93a449410e06e
\apply current/triggers/public.user_image_type_library.sql sha256=43b65894c6bba668
\apply current/triggers/public.verification_requests.sql sha256=12d0f35c1dd5a7c8
\apply current/triggers/public.domain_events.sql sha256=6a48d1d157ce2c13
\apply current/triggers/public.notifications.sql sha256=f43cbcee827f6b49
