"""Authentication primitives: password hashing and access/refresh/e-mail tokens."""
