"""Request ids, access logs, rate-limit headers and the last-resort 500 (pure ASGI, cheap)."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from preset.api.errors import internal_error

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
