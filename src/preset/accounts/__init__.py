"""Accounts: sign-up, login, tokens, e-mail verification, password reset, the caller's user row."""
