-- Accounts: what signing up, logging in, refreshing and verifying need. None of it is in the
-- schema document (which delegates authentication to Supabase); docs/api.md describes it.
-- Every table here is private to the platform: only service_role may touch it, anon and
-- authenticated get no grants at all. Raw tokens are never stored, only their SHA-256.
SET LOCAL search_path = public, extensions;

-- ===================================================================== credentials
CREATE TABLE user_credentials (
    user_id UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- argon2id, PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash)
    password_hash TEXT NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT user_credentials_argon2id CHECK (password_hash LIKE '$argon2id$%')
);
\apply current/triggers/public.user_credentials.sql sha256=3123c4dd157cf16e

-- ===================================================================== refresh tokens
-- Rotating refresh tokens: each refresh replaces the presented token with a child in the same
-- family; presenting a replaced (or revoked) token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id UUID NOT NULL,
    token_hash TEXT NOT NULL,
    parent_id UUID REFERENCES refresh_tokens(id) ON DELETE SET NULL,
    issued_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_reason TEXT CHECK (revoked_reason IN ('rotated', 'logout', 'reuse_detected', 'password_reset', 'account_suspended')),
    replaced_by UUID REFERENCES refresh_tokens(id) ON DELETE SET NULL,
    CONSTRAINT refresh_tokens_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT refresh_tokens_expiry_after_issue CHECK (expires_at > issued_at),
    CONSTRAINT refresh_tokens_revocation_has_reason CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE UNIQUE INDEX idx_refresh_tokens_token_hash ON refresh_tokens(token_hash);
CREATE INDEX idx_refresh_tokens_user_id ON refresh_tokens(user_id);
CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens(family_id) WHERE revoked_at IS NULL;
CREATE INDEX idx_refresh_tokens_parent_id ON refresh_tokens(parent_id);
CREATE INDEX idx_refresh_tokens_replaced_by ON refresh_tokens(replaced_by);

-- ===================================================================== e-mail tokens
-- Single-use, expiring tokens sent by e-mail (address verification, password reset).
CREATE TABLE email_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    -- The address the token was sent to: verifying proves ownership of that address only.
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    CONSTRAINT email_tokens_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT email_tokens_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX idx_email_tokens_token_hash ON email_tokens(token_hash);
CREATE INDEX idx_email_tokens_user_purpose ON email_tokens(user_id, purpose) WHERE used_at IS NULL;

-- ===================================================================== login attempts
-- Failed logins are limited per account (e-mail) and per client address within a window.
CREATE TABLE login_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT login_attempts_email_lower CHECK (email = lower(email))
);
CREATE INDEX idx_login_attempts_email ON login_attempts(email, attempted_at DESC);
CREATE INDEX idx_login_attempts_ip_address ON login_attempts(ip_address, attempted_at DESC) WHERE NOT succeeded;
CREATE INDEX idx_login_attempts_attempted_at ON login_attempts(attempted_at);

-- ===================================================================== row level security
ALTER TABLE user_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_credentials FORCE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
ALTER TABLE email_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_tokens FORCE ROW LEVEL SECURITY;
ALTER TABLE login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_attempts FORCE ROW LEVEL SECURITY;

REVOKE ALL ON user_credentials, refresh_tokens, email_tokens, login_attempts FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_credentials, refresh_tokens, email_tokens, login_attempts TO service_role;

-- service_role bypasses RLS; the explicit policies say so in the catalogue as well, and they are
-- the only ones: no policy names anon or authenticated, so neither can see a single row even if
-- a grant were added by mistake.
\apply current/policies/public.user_credentials.sql sha256=62ee79f3ef9ae4d0
\apply current/policies/public.refresh_tokens.sql sha256=4cfdb8c21274dcd3
\apply current/policies/public.email_tokens.sql sha256=320fd57e206616cd
\apply current/policies/public.login_attempts.sql sha256=45f21d8e4f60fde5

-- Hashes are redacted from the audit trail: it must never hold anything a login could use.
\apply current/triggers/public.refresh_tokens.sql sha256=89085458dd995a93
\apply current/triggers/public.email_tokens.sql sha256=4581b0f0f51bf5ef
\apply current/triggers/public.login_attempts.sql sha256=9e1d4536e0ed4b68

-- ===================================================================== request-path helpers
\apply current/functions/public.current_account_state.sql sha256=0ccf85902831e744
REVOKE ALL ON FUNCTION public.current_account_state() FROM PUBLIC;
-- authenticator too: EXECUTE is checked when the statement starts, before set_config('role')
-- in the same statement has switched to authenticated.
GRANT EXECUTE ON FUNCTION public.current_account_state() TO authenticator, authenticated, service_role;

\apply current/functions/public.current_schema_revision.sql sha256=ba566cfcd55369e9
REVOKE ALL ON FUNCTION public.current_schema_revision() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.current_schema_revision() TO authenticator, anon, authenticated, service_role;

-- ===================================================================== profile completion
\apply current/functions/public.profile_completion.sql sha256=0a73cfaa3dd42cff

\apply current/functions/public.profiles_set_completion.sql sha256=f8c30404c714b015
\apply current/triggers/public.profiles.sql sha256=8c01cc8fb743d0c9

-- Rows that existed before this migration get their percentage once.
UPDATE profiles p SET profile_completion_percentage = public.profile_completion(p)
 WHERE p.profile_completion_percentage IS DISTINCT FROM public.profile_completion(p);
