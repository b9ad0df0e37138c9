"""Every route, every string it takes, with a NUL in it: a 422 ``invalid_character`` naming the
field, never a 5xx, and nothing written.

The routes and their fields come from the app itself (its OpenAPI document, checked to cover
every route the app serves), so a route added tomorrow is walked without touching this test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from starlette.routing import Route

from preset.api.openapi import api_routes
from tests.gigs.helpers import account, create_gig, published_gig
from tests.support.database import Database

NUL = "a\u0000b"
NUL_IN_URL = "a%00b"  # a path segment carries it percent-encoded
#: Steps from a body's root to one string: ("key", name), ("item",) or ("map",) (any key).
Step = tuple[str, ...]
#: Tables whose rows must read the same after the walk.
WATCHED_TABLES = ("users", "profiles", "gigs", "applications", "moodboards", "domain_events")
DOCS_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _string_paths(
    spec: dict[str, Any], schema: dict[str, Any], steps: tuple[Step, ...] = (), depth: int = 0
) -> Iterator[tuple[Step, ...]]:
    """Every place a string goes in ``schema``: its properties, list items and map values, the
    variants of unions included."""
    assert depth < 20, "a recursive schema: give the walk a bound"
    schema = _resolve(spec, schema)
    for union in ("anyOf", "oneOf", "allOf"):
        for variant in schema.get(union, ()):
            yield from _string_paths(spec, variant, steps, depth + 1)
    kind = schema.get("type")
    if kind == "string":
        yield steps
    elif kind == "array":
        yield from _string_paths(spec, schema.get("items", {}), (*steps, ("item",)), depth + 1)
    elif kind == "object" or "properties" in schema:
        for name, sub in schema.get("properties", {}).items():
            yield from _string_paths(spec, sub, (*steps, ("key", name)), depth + 1)
        values = list(schema.get("patternProperties", {}).values())
        if isinstance(schema.get("additionalProperties"), dict):
            values.append(schema["additionalProperties"])
        for sub in values:  # a map: its values, and its keys are strings too
            yield from _string_paths(spec, sub, (*steps, ("map",)), depth + 1)
            yield (*steps, ("key", NUL))


def _build(steps: tuple[Step, ...], leaf: Any) -> Any:
    if not steps:
        return leaf
    step, rest = steps[0], steps[1:]
    if step[0] == "key":
        return {step[1]: _build(rest, leaf)}
    if step[0] == "item":
        return [_build(rest, leaf)]
    return {"key": _build(rest, leaf)}


def _field_name(steps: tuple[Step, ...]) -> str:
    names = {"item": "0", "map": "key"}
    parts = [step[1] if step[0] == "key" else names[step[0]] for step in steps]
    # A NUL in a key is named with the NUL written as an escape.
    return ".".join(part.replace("\u0000", "\\u0000") for part in parts) or "body"


def _snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1") for table in WATCHED_TABLES}


def test_the_openapi_document_covers_every_route_the_app_serves(client: TestClient) -> None:
    """The walk below reads the OpenAPI document: a route missing from it would be missed.
    Every API route (inside the included routers too) is documented, and nothing but the docs
    pages themselves is served outside the schema."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    routes = list(api_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 30, "the walk reaches the routers' routes"
    for route in routes:
        if not route.include_in_schema:  # the offline docs pages and their assets
            assert route.path.startswith(("/docs", "/redoc")), route.path
            continue
        for method in route.methods or ():
            assert method.lower() in paths.get(route.path_format, {}), (method, route.path)
    plain = [
        route.path
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path not in DOCS_PATHS
    ]
    assert plain == [], "a route served outside the OpenAPI document"


def test_a_nul_in_any_string_of_any_route_is_a_422_naming_the_field(
    client: TestClient, db: Database
) -> None:
    owner = account(db, role="contributor", tier="pro")
    talent = account(db, role="talent", tier="pro", handle=f"walker_{uuid.uuid4().hex[:8]}")
    gig = published_gig(client, owner)
    draft = create_gig(client, owner)
    applied = client.post(f"/api/gigs/{gig['id']}/apply", json={}, headers=talent.headers)
    assert applied.status_code == 201, applied.text
    board = client.post("/api/moodboards", json={"title": "Walk"}, headers=owner.headers)
    assert board.status_code == 201, board.text
    [profile] = db.execute("SELECT handle FROM profiles WHERE user_id = %s", (talent.id,))
    # Real values for the path parameters that do not carry the NUL, so the rest of each request
    # is one the route would serve.
    real = {
        "gig_id": draft["id"],
        "application_id": applied.json()["id"],
        "moodboard_id": board.json()["id"],
        "handle": profile["handle"],
    }
    before = _snapshot(db)

    spec = client.app.openapi()  # type: ignore[attr-defined]
    walked: list[tuple[str, str, str, str]] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            cases: list[tuple[str, str, dict[str, Any]]] = []  # (location, field, request)
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                name, where = parameter["name"], parameter["in"]
                if where == "path":
                    url = path
                    for other in parameters:
                        if other["in"] == "path":
                            value = NUL_IN_URL if other["name"] == name else real[other["name"]]
                            url = url.replace("{" + other["name"] + "}", value)
                    cases.append(("path", name, {"url": url}))
                elif where == "query" and list(_string_paths(spec, parameter["schema"])):
                    cases.append(("query", name, {"url": _fill(path, real), "params": {name: NUL}}))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                for steps in dict.fromkeys(_string_paths(spec, body["schema"])):
                    request = {"url": _fill(path, real), "json": _build(steps, NUL)}
                    cases.append(("body", _field_name(steps), request))
            for location, field, request in cases:
                label = (method.upper(), path, location, field)
                for headers in ({}, owner.headers):  # anonymous, and with a real token
                    response = client.request(method.upper(), headers=headers, **request)
                    assert response.status_code < 500, (label, response.text)
                    assert response.status_code == 422, (label, response.text)
                    error = response.json()["error"]
                    assert error["code"] == "invalid_character", (label, error)
                    assert {"location": location, "field": field} in [
                        {"location": d["location"], "field": d["field"]} for d in error["details"]
                    ], (label, error)
                walked.append(label)

    # The walk reached every kind of input and the routes one expects (a sanity floor, not a
    # list to maintain): discovery's query, a path parameter, nested and listed body fields.
    assert ("GET", "/api/gigs", "query", "q") in walked
    assert ("GET", "/api/profiles/{handle}", "path", "handle") in walked
    assert ("POST", "/api/gigs", "body", "applicant_preferences.city") in walked
    assert ("PUT", "/api/users/profile", "body", "social_links.key") in walked
    assert ("PUT", "/api/users/profile", "body", "social_links.a\\u0000b") in walked
    assert ("POST", "/api/moodboards", "body", "items.0.text") in walked
    assert len({(m, p) for m, p, _, _ in walked}) >= 30
    assert _snapshot(db) == before


def _fill(template: str, real: dict[str, str]) -> str:
    for name, value in real.items():
        template = template.replace("{" + name + "}", value)
    return template
