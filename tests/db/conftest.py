"""Fixtures of the database tests: the Supabase-shaped target beside the plain one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import supabase
from tests.support.api import smtp  # noqa: F401 (a fixture, for the API run on the target)
from tests.support.database import Database, TestServer

#: The two targets every catalog invariant and the access matrix run on.
TARGETS = ("plain", "supabase")


@pytest.fixture(scope="session")
def supabase_template(test_server: TestServer) -> Iterator[str]:
    """The migrations applied, as Supabase's non-superuser owner, to a Supabase-shaped database
    (legacy default privileges: every privilege to the API roles on every new object)."""
    name = supabase.build_template(test_server, "legacy")
    yield name
    test_server.drop_template(name)


def target_database(request: pytest.FixtureRequest, target: str) -> Iterator[Database]:
    """A freshly migrated database of the given target, for one test (or one module)."""
    server: TestServer = request.getfixturevalue("test_server")
    if target == "plain":
        name = server.clone(request.getfixturevalue("template_db"))
        url = server.url(name)
    else:
        name = supabase.clone(server, request.getfixturevalue("supabase_template"))
        url = supabase.owner_url(server, name)
    try:
        yield Database(url)
    finally:
        server.drop(name)
