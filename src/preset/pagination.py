"""Opaque keyset cursors for `{"items": [...], "next_cursor": ...}` lists.

A cursor is the sort key of the last item of a page, JSON-encoded and base64url'd; the next page
starts strictly after it. Anything that does not decode to the expected shape (strings of the
right types, times with a zone in the range Python reads back, finite numbers of bounded size)
is a 422 ``invalid_cursor`` before it reaches SQL, never a 500.
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
from preset.types import timestamp_in_range


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


#: Decimal sort keys (scores, amounts) hold at most this many digits on either side of the point,
#: far beyond any column of the schema and far inside what PostgreSQL's numeric accepts.
_CURSOR_DECIMAL_DIGITS = 20


def _cursor_value(value: Any, kind_type: type) -> Any:
    """One sort key value, checked to be what ``encode_cursor`` writes for ``kind_type`` and
    something the database can compare with, before it reaches SQL."""
    if kind_type is int:
        # A small sort key (a boost level): a JSON integer, never a bool or a numeral string.
        if not isinstance(value, int) or isinstance(value, bool) or not -32768 <= value <= 32767:
            raise invalid_cursor()
        return value
    if not isinstance(value, str) or not value.isascii():
        raise invalid_cursor()
    if kind_type is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or not timestamp_in_range(moment):
            raise invalid_cursor()
        return moment
    if kind_type is uuid.UUID:
        return uuid.UUID(value)
    if kind_type is Decimal:
        number = Decimal(value)
        # Finite, and small enough on both sides of the point: "1E+999999999" parses, but
        # PostgreSQL's numeric cannot hold it (22003 numeric_value_out_of_range). The exponent
        # is an int exactly when the number is finite (NaN and infinities have a letter).
        exponent = number.as_tuple().exponent
        if (
            not isinstance(exponent, int)
            or exponent < -_CURSOR_DECIMAL_DIGITS
            or number.adjusted() >= _CURSOR_DECIMAL_DIGITS
        ):
            raise invalid_cursor()
        return number
    raise invalid_cursor()


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
        return [
            _cursor_value(value, kind_type) for value, kind_type in zip(values, types, strict=True)
        ]
    except ValidationFailed:
        raise
    except (KeyError, TypeError, ValueError, UnicodeError, binascii.Error, ArithmeticError) as exc:
        raise invalid_cursor() from exc
