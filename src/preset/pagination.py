"""Opaque keyset cursors for `{"items": [...], "next_cursor": ...}` lists.

A cursor is the sort key of the last item of a page, JSON-encoded and base64url'd; the next page
starts strictly after it. Anything that does not decode to the expected shape is a 422
``invalid_cursor``, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from preset.errors import ValidationFailed


def encode_cursor(kind: str, values: list[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, uuid.UUID | Decimal):
            return str(value)
        return value

    raw = json.dumps({"k": kind, "v": [plain(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        "invalid request: cursor",
        code="invalid_cursor",
        details=[
            {"field": "cursor", "message": "not a cursor this list produced", "type": "value_error"}
        ],
    )


def decode_cursor(kind: str, cursor: str, types: tuple[type, ...]) -> list[Any]:
    """The sort key in ``cursor``, each value converted to the matching type in ``types``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(payload, dict) or payload.get("k") != kind:
            raise invalid_cursor()
        values = payload["v"]
        if not isinstance(values, list) or len(values) != len(types):
            raise invalid_cursor()
        out: list[Any] = []
        for value, kind_type in zip(values, types, strict=True):
            if kind_type is datetime:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise invalid_cursor()
                out.append(moment)
            elif kind_type is uuid.UUID:
                out.append(uuid.UUID(value))
            elif kind_type is Decimal:
                out.append(Decimal(value))
            elif kind_type is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise invalid_cursor()
                out.append(value)
            else:
                raise invalid_cursor()
        return out
    except ValidationFailed:
        raise
    except (KeyError, TypeError, ValueError, UnicodeError, binascii.Error, ArithmeticError) as exc:
        raise invalid_cursor() from exc
