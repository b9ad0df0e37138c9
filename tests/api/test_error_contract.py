"""The error contract: one registry of codes, used by every error, shown in OpenAPI and the docs."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import preset.errors as errors_module
from preset.errors import ERROR_CODES, AppError, ErrorCode, NotFound, check_registered
from preset.settings import PROJECT_ROOT

SRC = PROJECT_ROOT / "src" / "preset"
DOC = PROJECT_ROOT / "docs" / "api.md"
START, END = "<!-- error-codes:start -->", "<!-- error-codes:end -->"

ERROR_CLASSES = {
    name: cls
    for name, cls in inspect.getmembers(errors_module, inspect.isclass)
    if issubclass(cls, AppError)
}


def _raised_codes() -> list[tuple[Path, int, str, str]]:
    """(file, line, class, code) of every ``SomeError(..., code="...")`` in src/."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ERROR_CLASSES:
                continue
            for keyword in node.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    found.append((path, node.lineno, node.func.id, str(keyword.value.value)))
    return found


def test_every_code_raised_in_the_code_is_registered_at_its_status() -> None:
    raised = _raised_codes()
    assert len(raised) > 30, "the scan found the errors of the code base"
    wrong = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {cls}(code={code!r})"
        for path, line, cls, code in raised
        if code not in ERROR_CODES
        or ERROR_CLASSES[cls].status_code not in ERROR_CODES[code].statuses
    ]
    assert not wrong, "unregistered codes (add them to preset.errors.ERROR_CODES):\n" + "\n".join(
        wrong
    )
    for cls in ERROR_CLASSES.values():
        check_registered(cls.default_code, cls.status_code)


def test_an_unregistered_code_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="not registered"):
        NotFound("nope", code="no_such_code_anywhere")
    with pytest.raises(RuntimeError, match="not registered"):
        NotFound("wrong status", code="email_taken")  # a 409 code


def render_table(codes: dict[str, ErrorCode]) -> str:
    rows = ["| code | status | meaning |", "| --- | --- | --- |"]
    rows += [
        f"| `{e.code}` | {', '.join(map(str, e.statuses))} | {e.meaning} |" for e in codes.values()
    ]
    return "\n".join(rows)


def test_the_docs_table_is_the_registry() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"docs/api.md needs the {START} … {END} block"
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    expected = render_table(ERROR_CODES)
    assert table == expected, "docs/api.md's error table is stale; it should read:\n" + expected


def _operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = schema["paths"][path][method]
    return operation


def test_openapi_shows_who_needs_a_token_and_what_each_route_answers(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    me = _operation(schema, "get", "/api/users/me")
    assert me["security"] == [{"bearer": []}]
    assert {"invalid_token", "unauthorized", "account_banned"} <= set(
        me["responses"]["401"]["x-error-codes"]
    )
    assert me["responses"]["429"]["x-error-codes"] == ["rate_limited"]
    assert _operation(schema, "get", "/api/gigs")["security"] == [{}, {"bearer": []}]
    assert "security" not in _operation(schema, "post", "/api/auth/login")
    assert "security" not in _operation(schema, "get", "/health")
    publish = _operation(schema, "post", "/api/gigs/{gig_id}/publish")
    assert "gig_not_found" in publish["responses"]["404"]["x-error-codes"]
    assert "not_gig_owner" in publish["responses"]["403"]["x-error-codes"]
    envelope = "#/components/schemas/ErrorEnvelope"
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            statuses = {int(s) for s in operation["responses"] if s.isdigit()}
            if operation.get("requestBody"):
                assert {413, 422} <= statuses, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == envelope, (method, path, status)
                    assert response["x-error-codes"], (method, path, status)
