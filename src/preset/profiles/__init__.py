"""Profiles: the public face of a user, handles, completion, content preferences."""
