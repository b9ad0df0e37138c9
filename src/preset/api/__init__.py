"""The HTTP API: app factory, request path, error envelope, rate limits."""
