"""Pure ASGI middleware (cheap): request ids, access logs, rate-limit headers and the
last-resort 500 (:class:`RequestContextMiddleware`); what no route can take, refused before any
route sees it (:class:`InputGuardMiddleware`)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from preset.api.errors import (
    CharacterProblem,
    PayloadTooLarge,
    bad_request,
    internal_error,
    invalid_character,
    payload_too_large,
)
from preset.settings import HttpSettings

logger = structlog.get_logger("preset.api")

# An incoming id is kept only if it is short and plain (it ends up in logs and headers).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        scope["preset.request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                extra: dict[str, str] = scope.get("preset.rate_limit_headers") or {}
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("request.failed", method=scope["method"], path=scope["path"])
            if response_started:
                raise
            await internal_error(request_id)(scope, receive, send_with_headers)
        finally:
            client = scope.get("client")
            logger.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                client=client[0] if client else None,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _header(scope: Scope, name: bytes) -> str | None:
    raw: Any
    for key, raw in scope.get("headers", ()):
        if key == name:
            return str(raw.decode("latin-1"))
    return None


# ===================================================================== the input guard
# Characters PostgreSQL text cannot hold: NUL (psycopg refuses to send it, "PostgreSQL text fields
# cannot contain NUL") and unpaired surrogates (not encodable as UTF-8). Either reaching SQL is a
# DataError, i.e. a 500.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# How they can reach a JSON body's strings: as escapes ("\u0000", "\ud800"), as a surrogate
# written in UTF-8 (ED A0-BF xx, which Python's JSON parser decodes with "surrogatepass"), or in a
# body that is not UTF-8 at all (UTF-16/32 JSON, parsed too: its ASCII characters contain zero
# bytes). A raw NUL in UTF-8 JSON is refused by the parser itself. A match may be a false alarm
# ("\\u0000" is a backslash and "u0000"); the parsed document decides.
_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_UTF8_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def _suspect_json(body: bytes) -> bool:
    # Byte searches first (memchr speed); the patterns only where their first bytes occur.
    return (
        b"\x00" in body
        or (b"\\u" in body and _ESCAPED_UNSTORABLE.search(body) is not None)
        or (b"\xed" in body and _UTF8_SURROGATE.search(body) is not None)
    )


def _visible(text: str) -> str:
    """``text`` with the unstorable characters written as escapes (field names in errors)."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _json_problems(document: Any) -> list[CharacterProblem]:
    """The fields of a parsed JSON body holding an unstorable character (values and keys).

    Iterative: a document the parser accepted may be nested nearly as deep as the recursion
    limit, and this runs deeper in the stack than the parser did."""
    found: list[CharacterProblem] = []
    pending: list[tuple[Any, tuple[str, ...]]] = [(document, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                found.append(("body", ".".join(path) or "body"))
        elif isinstance(value, dict):
            for key, item in value.items():
                name = _visible(key)
                if name != key:
                    found.append(("body", ".".join((*path, name))))
                pending.append((item, (*path, name)))
        elif isinstance(value, list):
            pending.extend((item, (*path, str(index))) for index, item in enumerate(value))
    return sorted(found)


def _is_json(content_type: bytes | None) -> bool:
    """Whether a body of this content type is (or may be) parsed as JSON by a route: JSON
    types, and a missing type (FastAPI's strict default refuses it, but looking costs nothing)."""
    if content_type is None:
        return True
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class InputGuardMiddleware:
    """Refuses, before routing, what no route can take, whichever route it is meant for:

    * a NUL or an unpaired surrogate in a path segment, a query parameter (name or value), a
      header, or any string (value or key) of a JSON body: 422 ``invalid_character`` naming the
      fields, shaped as ``validation_error``;
    * a body larger than the limit (``PRESET_HTTP_MAX_BODY_BYTES``, per path prefix
      ``PRESET_HTTP_BODY_LIMITS``): 413 ``payload_too_large``, from ``Content-Length`` before
      anything is read, or while counting the chunks of a streamed body.

    One check at the edge rather than a strict string type on every model: it covers the
    FastAPI routes, the plain ones (``GET /api/gigs``) and every string that reaches SQL without
    a model (path parameters, headers, keys of free-form objects), and a route added tomorrow
    cannot forget it. JSON bodies are read whole here (within the limit) and handed on
    unchanged; any other body is streamed through, counted.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        http: HttpSettings,
        path_templates: Callable[[], Iterable[str]],
    ) -> None:
        self.app = app
        self.max_body_bytes = http.max_body_bytes
        # Longest prefix first, so the most specific override wins.
        self.prefix_limits = sorted(
            http.body_limits.items(), key=lambda item: len(item[0]), reverse=True
        )
        self._path_templates = path_templates
        self._path_patterns: list[re.Pattern[str]] | None = None

    def body_limit(self, path: str) -> int:
        for prefix, limit in self.prefix_limits:
            if path.startswith(prefix):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_length: bytes | None = None
        content_type: bytes | None = None
        chunked = False
        problems: list[CharacterProblem] = []
        for name, value in scope["headers"]:
            if name == b"content-length":
                content_length = value
            elif name == b"content-type":
                content_type = value
            elif name == b"transfer-encoding":
                chunked = True
            if b"\x00" in value:
                problems.append(("header", name.decode("latin-1")))
        query_string: bytes = scope.get("query_string", b"")
        if b"%00" in query_string or b"\x00" in query_string:
            problems.extend(_query_problems(query_string))
        path: str = scope["path"]
        if "\x00" in path or (not path.isascii() and _UNSTORABLE.search(path)):
            problems.append(("path", self._path_parameter(path)))
        request_id = scope.get("preset.request_id")
        if problems:
            await invalid_character(request_id, problems)(scope, receive, send)
            return

        if content_length is not None:
            try:
                length = int(content_length)
            except ValueError:
                length = -1
            if length < 0:
                await bad_request(request_id, "Content-Length is not a length")(
                    scope, receive, send
                )
                return
            if length == 0 and not chunked:
                await self.app(scope, receive, send)
                return
        elif not chunked:  # no body at all
            await self.app(scope, receive, send)
            return
        limit = self.body_limit(path)
        if content_length is not None and length > limit:
            await payload_too_large(request_id, limit)(scope, receive, send)
            return
        if not _is_json(content_type):
            await self.app(scope, _counting(receive, limit), send)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk: bytes = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                await payload_too_large(request_id, limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if _suspect_json(body):
            try:
                # The parser the routes use (Starlette's Request.json), so both read the same.
                document = json.loads(body)
            except (ValueError, RecursionError):
                document = None  # not JSON: the route's own parsing answers
            found = _json_problems(document)
            if found:
                await invalid_character(request_id, found)(scope, receive, send)
                return
        await self.app(scope, _replay(body, receive), send)

    def _path_parameter(self, path: str) -> str:
        """The name of the path parameter holding the bad character (templates of the OpenAPI
        schema), or ``path`` for a path no documented route has."""
        if self._path_patterns is None:
            self._path_patterns = [
                compile_path(template)[0] for template in self._path_templates() if "{" in template
            ]
        for pattern in self._path_patterns:
            match = pattern.match(path)
            if match:
                for name, value in match.groupdict().items():
                    if _UNSTORABLE.search(value):
                        return name
        return "path"


def _query_problems(query_string: bytes) -> list[CharacterProblem]:
    # Parsed exactly as routes parse it (Starlette's QueryParams), so names match theirs.
    found: list[CharacterProblem] = []
    for key, value in QueryParams(query_string).multi_items():
        if _UNSTORABLE.search(key):
            found.append(("query", _visible(key)))
        elif _UNSTORABLE.search(value):
            found.append(("query", key))
    return found


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body read by the guard, then the client's messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    """A ``receive`` that counts the body's bytes and raises 413 as soon as they pass ``limit``
    (the rest of the body is never read)."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(limit)
        return message

    return counting
