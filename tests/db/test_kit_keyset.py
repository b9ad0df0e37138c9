"""preset.db.kit.Keyset: one declaration gives the ORDER BY, the "after the cursor" predicate
and the cursor, through the one cursor codec (preset.pagination)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from preset.db import kit
from preset.errors import ValidationFailed
from preset.pagination import encode_cursor


@dataclass(frozen=True, slots=True)
class _Row:
    id: uuid.UUID
    created_at: datetime


NEWEST: kit.Keyset[_Row] = kit.Keyset(
    "things.mine", ("t.created_at", "t.id"), (datetime, uuid.UUID), lambda r: [r.created_at, r.id]
)


def test_the_first_page_has_no_predicate_and_the_order_is_descending() -> None:
    assert NEWEST.after(None) == ("TRUE", {})
    assert NEWEST.order_by == "t.created_at DESC, t.id DESC"


def test_a_cursor_of_the_list_decodes_to_typed_parameters() -> None:
    row = _Row(uuid.uuid4(), datetime(2026, 5, 1, 12, tzinfo=UTC))
    page = kit.split_page([row, row], 1, NEWEST.kind, NEWEST.key)
    assert page.next_cursor is not None
    predicate, params = NEWEST.after(page.next_cursor)
    assert predicate == "(t.created_at, t.id) < (%(after_0)s, %(after_1)s)"
    assert params == {"after_0": row.created_at, "after_1": row.id}


def test_a_cursor_of_another_list_is_a_422() -> None:
    other = encode_cursor("gigs.mine", [datetime.now(UTC), uuid.uuid4()])
    with pytest.raises(ValidationFailed) as caught:
        NEWEST.after(other)
    assert caught.value.code == "invalid_cursor"


def test_a_keyset_needs_one_cursor_type_per_expression() -> None:
    with pytest.raises(ValueError, match="one cursor type per sort expression"):
        kit.Keyset("x", ("t.created_at", "t.id"), (datetime,), lambda r: [r])
