"""Database access: the embedded server, connection URLs, engines and migrations."""
