"""The demo data set's container, its stable ids and its per-entity random generators."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

Row = dict[str, Any]
#: Called as rows are loaded: (table, rows done in that table, rows in that table).
ProgressCallback = Callable[[str, int, int], None]

DEMO_NAMESPACE = UUID("6f1d3c0e-5a7b-4e0c-9d51-2b8a7c4e9f10")
DEMO_EMAIL_DOMAIN = "demo.preset.ie"
DEFAULT_DEMO_USERS = 300
DEFAULT_DEMO_SEED = 20_240_601
BATCH_SIZE = 1_000


def demo_id(kind: str, *parts: object) -> UUID:
    """The stable id of one demo row: the same inputs always name the same row."""
    return uuid5(DEMO_NAMESPACE, ":".join([kind, *map(str, parts)]))


def demo_anchor(moment: datetime | None = None) -> datetime:
    """Midnight UTC of the given (default: current) day: the "now" a demo data set is built for."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


#: Table load order: parents before children.
LOAD_ORDER: tuple[str, ...] = (
    "users",
    "profiles",
    "subscriptions",
    "user_content_preferences",
    "user_credits",
    "credit_transactions",
    "ai_enhancements",
    "gigs",
    "moodboards",
    "applications",
    "conversations",
    "messages",
    "showcases",
    "media",
    "reviews",
)


@dataclass
class DemoDataset:
    """Rows per table, in an order that satisfies every foreign key."""

    users: int
    seed: int
    anchor: datetime
    tables: dict[str, list[Row]] = field(default_factory=dict)
    #: Circular references filled in after both sides exist: (table, id, column, value).
    links: list[tuple[str, UUID, str, UUID]] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        return self.tables.setdefault(table, [])

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}


def entity_rng(seed: int, *parts: object) -> random.Random:
    """A generator for one entity: its data depends on its own key, not on generation order."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def ascii_slug(text: str) -> str:
    """Turn "Müller" into "muller": handles and e-mail addresses are plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "_"))
