"""Numbers the account rules depend on, in one place (HOUSE_STYLE: no magic numbers in rules)."""

from __future__ import annotations

from typing import Final

# Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes,
# one lane.
ARGON2_MEMORY_COST_KIB: Final = 19456
ARGON2_TIME_COST: Final = 2
ARGON2_PARALLELISM: Final = 1
ARGON2_HASH_LENGTH: Final = 32
ARGON2_SALT_LENGTH: Final = 16

PASSWORD_MIN_LENGTH: Final = 8
# Bounded so a megabyte "password" cannot be used to burn CPU.
PASSWORD_MAX_LENGTH: Final = 128

# Failed logins: at most this many per account (e-mail) and per client address within the
# window; the next attempt gets 429 with Retry-After until the oldest failure leaves the window.
LOGIN_FAILURE_WINDOW_SECONDS: Final = 15 * 60
LOGIN_MAX_FAILURES_PER_ACCOUNT: Final = 5
LOGIN_MAX_FAILURES_PER_ADDRESS: Final = 20

EMAIL_VERIFICATION_TTL_SECONDS: Final = 48 * 3600
PASSWORD_RESET_TTL_SECONDS: Final = 3600

# Opaque tokens (refresh, e-mail): 32 random bytes, URL-safe; only their SHA-256 is stored.
OPAQUE_TOKEN_BYTES: Final = 32

# The database role an access token maps to, and the only one a user's token may carry.
AUTHENTICATED_ROLE: Final = "authenticated"
ANON_ROLE: Final = "anon"
SERVICE_ROLE: Final = "service_role"
