"""A JSON response encoded with orjson (error envelopes and other hand-built bodies).

Endpoints with a response model are serialised straight to bytes by pydantic-core (Rust), which
FastAPI does by itself and which is as fast; this class covers everything else.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
