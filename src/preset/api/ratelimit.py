"""Per-route-group rate limits with X-RateLimit-* headers.

A fixed one-minute window per (group, client), counted in process memory: with several workers
each worker counts on its own, so the effective limit is up to ``workers * limit``. That is a
deliberate trade: no database write per request on the hot path. The login throttle, which is a
security control, is not this: it is stored in PostgreSQL (``login_attempts``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, Request

from preset.api.context import caller_claims, settings_of
from preset.api.openapi import RATE_LIMIT_MARK
from preset.errors import TooManyRequests

WINDOW_SECONDS = 60
# Counters of windows that ended are dropped once there are this many keys.
_SWEEP_THRESHOLD = 10_000


@dataclass(slots=True)
class _Window:
    started: float
    count: int


@dataclass
class RateLimiter:
    windows: dict[tuple[str, str], _Window] = field(default_factory=dict)

    def hit(self, group: str, key: str, limit: int, now: float) -> tuple[bool, int, int]:
        """Count one request; returns (allowed, remaining, seconds until the window resets)."""
        window_start = now - (now % WINDOW_SECONDS)
        slot = self.windows.get((group, key))
        if slot is None or slot.started != window_start:
            if len(self.windows) > _SWEEP_THRESHOLD:
                self._sweep(window_start)
            slot = _Window(window_start, 0)
            self.windows[(group, key)] = slot
        reset = max(1, math.ceil(window_start + WINDOW_SECONDS - now))
        if slot.count >= limit:
            return False, 0, reset
        slot.count += 1
        return True, limit - slot.count, reset

    def _sweep(self, current_start: float) -> None:
        self.windows = {k: v for k, v in self.windows.items() if v.started == current_start}


def _client_key(request: Request) -> str:
    claims = caller_claims(request)
    if claims is not None:
        return f"user:{claims.sub}"
    client = request.client
    return f"addr:{client.host if client else 'unknown'}"


def check_rate_limit(request: Request, group: str) -> None:
    """Count the request against ``group``: sets the X-RateLimit-* headers, 429 past the limit."""
    settings = settings_of(request).rate_limit
    if not settings.enabled:
        return
    limit: int = getattr(settings, f"{group}_per_minute")
    limiter: RateLimiter = request.app.state.rate_limiter
    allowed, remaining, reset = limiter.hit(group, _client_key(request), limit, time.time())
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }
    # Read by the request-id middleware, which adds them to whatever response goes out.
    request.scope["preset.rate_limit_headers"] = headers
    if not allowed:
        raise TooManyRequests(
            f"too many requests for this route group ({limit} per minute)",
            retry_after=reset,
            details={"group": group, "limit": limit},
        )


def rate_limited(group: str) -> Any:
    """:func:`check_rate_limit` as a dependency."""

    async def _limit(request: Request) -> None:
        check_rate_limit(request, group)

    setattr(_limit, RATE_LIMIT_MARK, group)  # for the OpenAPI document
    return Depends(_limit)


AUTH_LIMIT = rate_limited("auth")
READ_LIMIT = rate_limited("read")
WRITE_LIMIT = rate_limited("write")
