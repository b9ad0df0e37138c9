"""The database kit every repository uses: typed reads, insert / update returning, keyset pages.

Rows come back as frozen dataclasses (psycopg's ``class_row``), so strict mypy checks every
field a service reads. A row type names its own select list: :func:`columns` turns the
dataclass's fields into ``id, title, location_lat::float8 AS location_lat, …`` (a field may
carry the SQL expression that produces it, ``field(metadata=sql("…"))``), so the columns a query
reads and the fields a row has can never drift apart. A keyset-paged list declares its order
once (:class:`Keyset`) and :func:`keyset_list` runs it: the ORDER BY, the "after the cursor"
predicate and the cursor (:mod:`preset.pagination`, the one codec) come from that declaration.

Nothing here commits: the caller's transaction (``preset.db.session``) decides.
"""

from __future__ import annotations

import dataclasses
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, LiteralString, TypeVar

from psycopg import AsyncConnection, sql
from psycopg.rows import BaseRowFactory, RowMaker, class_row, scalar_row

from preset.pagination import decode_cursor, encode_cursor

RowT = TypeVar("RowT")
#: A statement the kit runs: SQL text, or SQL composed with :mod:`psycopg.sql`.
Query = str | bytes | sql.SQL | sql.Composed
#: Any async connection: the kit never depends on the connection's own row factory.
AnyConnection = AsyncConnection[Any]

_SQL_KEY = "preset.sql"
_EMBED_KEY = "preset.embedded"
#: Separates an embedded row's field from its own fields in column names (``owner__rating``).
EMBED_SEPARATOR = "__"


def sql_expression(expression: LiteralString) -> dict[str, LiteralString]:
    """Field metadata: the select-list expression that produces this field (``AS`` is added);
    ``{t}`` in it stands for the table alias and its dot (``{t}location_lat::float8``)."""
    return {_SQL_KEY: expression}


def embedded(alias: LiteralString) -> dict[str, LiteralString]:
    """Field metadata: this field is a row of its own (a dataclass), read from the table
    aliased ``alias`` in the same query (``owner: OwnerSummary = field(metadata=embedded("p"))``).
    Its columns come back as ``owner__display_name``, … and are put together again on reading."""
    return {_EMBED_KEY: alias}


_COLUMN_LISTS: dict[tuple[type[Any], str | None], str] = {}
_EMBEDDED: dict[type[Any], tuple[tuple[str, type[Any]], ...]] = {}


def _embedded_fields(row_type: type[Any]) -> tuple[tuple[str, type[Any]], ...]:
    """(field name, row type) of each embedded field of ``row_type``."""
    found = _EMBEDDED.get(row_type)
    if found is None:
        hints = typing.get_type_hints(row_type)
        found = tuple(
            (field.name, hints[field.name])
            for field in dataclasses.fields(row_type)
            if _EMBED_KEY in field.metadata
        )
        _EMBEDDED[row_type] = found
    return found


def _column_list(row_type: type[Any], alias: str | None) -> str:
    if not dataclasses.is_dataclass(row_type):
        raise TypeError(f"{row_type.__name__} is not a dataclass row type")
    parts = []
    nested = dict(_embedded_fields(row_type))
    for field in dataclasses.fields(row_type):
        if field.name in nested:
            inner_alias = field.metadata[_EMBED_KEY]
            for inner in dataclasses.fields(nested[field.name]):
                parts.append(
                    f"{inner_alias}.{inner.name} AS {field.name}{EMBED_SEPARATOR}{inner.name}"
                )
            continue
        expression = field.metadata.get(_SQL_KEY)
        if expression is not None:
            qualified = expression.replace("{t}", f"{alias}." if alias else "")
            parts.append(f"{qualified} AS {field.name}")
        else:
            parts.append(f"{alias}.{field.name}" if alias else field.name)
    return ", ".join(parts)


def columns(row_type: type[Any], alias: str | None = None) -> str:
    """The select list that fills ``row_type``: one entry per field, in field order.

    ``alias`` qualifies plain fields (``a.id``) and replaces ``{t}`` in a field's expression.
    """
    key = (row_type, alias)
    cached = _COLUMN_LISTS.get(key)
    if cached is None:
        cached = _COLUMN_LISTS[key] = _column_list(row_type, alias)
    return cached


def _flat_columns(row_type: type[Any]) -> tuple[str, ...]:
    """The column names that fill ``row_type``, in field order (an embedded row's as
    ``name__field``)."""
    nested = dict(_embedded_fields(row_type))
    names: list[str] = []
    for field in dataclasses.fields(row_type):
        if field.name in nested:
            names += [
                f"{field.name}{EMBED_SEPARATOR}{inner.name}"
                for inner in dataclasses.fields(nested[field.name])
            ]
        else:
            names.append(field.name)
    return tuple(names)


Maker = Callable[[Sequence[Any]], Any]
_MAKERS: dict[tuple[type[Any], tuple[str, ...]], Maker | None] = {}


def _positional_maker(row_type: type[Any], names: tuple[str, ...]) -> Maker | None:
    """A maker that builds ``row_type`` from a row's values by position, or None when the
    columns are not exactly the type's fields (built once per row type and column list)."""
    key = (row_type, names)
    if key in _MAKERS:
        return _MAKERS[key]
    flat = _flat_columns(row_type)
    maker: Maker | None = None
    if len(set(names)) == len(names) and set(names) == set(flat):
        position = {name: i for i, name in enumerate(names)}
        nested = dict(_embedded_fields(row_type))
        if not nested:
            order = [position[name] for name in flat]
            if order == list(range(len(names))):
                maker = lambda values: row_type(*values)  # noqa: E731
            else:
                maker = lambda values: row_type(*[values[i] for i in order])  # noqa: E731
        else:
            plan: list[int | tuple[type[Any], list[int]]] = []
            for field in dataclasses.fields(row_type):
                inner_type = nested.get(field.name)
                if inner_type is None:
                    plan.append(position[field.name])
                else:
                    prefix = field.name + EMBED_SEPARATOR
                    plan.append(
                        (
                            inner_type,
                            [position[prefix + f.name] for f in dataclasses.fields(inner_type)],
                        )
                    )
            maker = lambda values: row_type(  # noqa: E731
                *[
                    values[step]
                    if isinstance(step, int)
                    else step[0](*[values[i] for i in step[1]])
                    for step in plan
                ]
            )
    _MAKERS[key] = maker
    return maker


def row_factory(row_type: type[RowT]) -> BaseRowFactory[RowT]:
    """Rows as ``row_type``: built by position when the columns are exactly its fields (what
    :func:`columns` selects; embedded rows (:func:`embedded`) from their ``name__field``
    columns), otherwise by name, as psycopg's ``class_row``."""
    if not dataclasses.is_dataclass(row_type):
        return class_row(row_type)
    by_name = class_row(row_type)

    def factory(cursor: Any) -> RowMaker[RowT]:
        names = tuple(column.name for column in cursor.description or ())
        maker = _positional_maker(row_type, names)
        if maker is None:
            if _embedded_fields(row_type):
                raise TypeError(f"the columns {list(names)} do not fill {row_type.__name__}")
            return by_name(cursor)
        return maker

    return factory


async def fetch_one(
    conn: AnyConnection, row_type: type[RowT], query: Query, params: Any = None
) -> RowT | None:
    """The first row of ``query`` as ``row_type``, or None."""
    async with conn.cursor(row_factory=row_factory(row_type)) as cur:
        await cur.execute(query, params)
        return await cur.fetchone()


async def fetch_all(
    conn: AnyConnection, row_type: type[RowT], query: Query, params: Any = None
) -> list[RowT]:
    """Every row of ``query`` as ``row_type``."""
    async with conn.cursor(row_factory=row_factory(row_type)) as cur:
        await cur.execute(query, params)
        return await cur.fetchall()


async def fetch_value(conn: AnyConnection, query: Query, params: Any = None) -> Any:
    """The first column of the first row (a count, an EXISTS, an id), None without a row."""
    async with conn.cursor(row_factory=scalar_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchone()


async def fetch_values(conn: AnyConnection, query: Query, params: Any = None) -> list[Any]:
    """The first column of every row."""
    async with conn.cursor(row_factory=scalar_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchall()


async def execute(conn: AnyConnection, query: Query, params: Any = None) -> int:
    """Run a statement that returns no rows the caller needs; the number of rows it touched."""
    async with conn.cursor() as cur:
        await cur.execute(query, params)
        return cur.rowcount


async def advisory_lock(conn: AnyConnection, namespace: int, key: uuid.UUID) -> None:
    """A transaction-level lock on (namespace, id): released at COMMIT or ROLLBACK. The
    namespaces are ``preset.constants.LOCK_*``."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s::text))", (namespace, str(key))
    )


#: The start of the current calendar month in UTC, whatever the session's time zone (SQL).
MONTH_START: Final = "(date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"


def _writable(values: Mapping[str, Any], allowed: frozenset[str] | None) -> None:
    if not values:
        raise ValueError("nothing to write")
    if allowed is not None:
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not writable: {sorted(unknown)}")


async def insert_returning(
    conn: AnyConnection,
    table: LiteralString,
    values: Mapping[str, Any],
    row_type: type[RowT],
    *,
    allowed: frozenset[str] | None = None,
) -> RowT:
    """``INSERT INTO table (…) VALUES (…) RETURNING <row_type's columns>``.

    Column names are quoted identifiers and values are parameters, so a key can never inject
    SQL; ``allowed`` (when given) refuses any column outside it.
    """
    _writable(values, allowed)
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in values),
        sql.SQL(", ").join(sql.Placeholder(c) for c in values),
        sql.SQL(columns(row_type)),
    )
    row = await fetch_one(conn, row_type, query, dict(values))
    if row is None:  # pragma: no cover - INSERT … RETURNING always returns its row
        raise RuntimeError(f"INSERT INTO {table} returned nothing")
    return row


async def update_returning(
    conn: AnyConnection,
    table: LiteralString,
    values: Mapping[str, Any],
    row_type: type[RowT],
    *,
    where: LiteralString,
    where_params: Mapping[str, Any],
    allowed: frozenset[str] | None = None,
) -> RowT | None:
    """``UPDATE table SET … WHERE <where> RETURNING <row_type's columns>``; None if no row
    matched (or row level security hid it). ``where`` uses ``%(name)s`` placeholders filled
    from ``where_params``; their names must not collide with the columns set."""
    _writable(values, allowed)
    clash = set(values) & set(where_params)
    if clash:
        raise ValueError(f"where parameters clash with columns: {sorted(clash)}")
    query = sql.SQL("UPDATE {} SET {} WHERE {} RETURNING {}").format(
        sql.Identifier(table),
        sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in values
        ),
        sql.SQL(where),
        sql.SQL(columns(row_type)),
    )
    return await fetch_one(conn, row_type, query, {**values, **where_params})


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    """One page of a keyset-paged list and the cursor of the next (None on the last page)."""

    items: list[RowT]
    next_cursor: str | None


def split_page(
    rows: list[RowT], limit: int, kind: str, sort_key: Callable[[RowT], list[Any]]
) -> Page[RowT]:
    """Cut a fetch of ``limit + 1`` rows into a page and the cursor of the page after it.

    Fetching one row more than the page tells whether another page exists without a count.
    """
    items = rows[:limit]
    if len(rows) <= limit or not items:
        return Page(items, None)
    return Page(items, encode_cursor(kind, sort_key(items[-1])))


def cursor_after(kind: str, cursor: str | None, types: tuple[type, ...]) -> tuple[Any, ...]:
    """The sort key a keyset query starts after: decoded from ``cursor`` (422
    ``invalid_cursor`` if this list did not produce it), all None for the first page."""
    if cursor is None:
        return (None,) * len(types)
    return tuple(decode_cursor(kind, cursor, types))


async def keyset_page(
    conn: AnyConnection,
    row_type: type[RowT],
    query: Query,
    params: Mapping[str, Any],
    *,
    limit: int,
    kind: str,
    sort_key: Callable[[RowT], list[Any]],
) -> Page[RowT]:
    """Run a keyset query for ``limit + 1`` rows (``%(limit)s`` in ``query`` is filled here)
    and return the page with the next page's cursor (:mod:`preset.pagination` encodes it)."""
    rows = await fetch_all(conn, row_type, query, {**params, "limit": limit + 1})
    return split_page(rows, limit, kind, sort_key)


@dataclass(frozen=True, slots=True)
class Keyset(Generic[RowT]):
    """A list's keyset order, largest key first (newest first for a timestamp, then the id).

    ``kind`` tags the list's cursors, ``order`` is the SQL sort key (unique as a whole: end it
    with the id), ``types`` the types its cursor values decode to, and ``key`` reads the same
    values off a row (the last row of a page becomes the next page's cursor). Declared once per
    list, so the ORDER BY, the "after the cursor" predicate and the cursor cannot disagree.
    Annotate the constant rather than subscripting the call (``MINE: Keyset[Row] =
    Keyset(...)``): a slotted frozen generic instance cannot take ``Keyset[Row](...)``'s
    ``__orig_class__``.
    """

    kind: str
    order: tuple[LiteralString, ...]
    types: tuple[type, ...]
    key: Callable[[RowT], list[Any]]

    def __post_init__(self) -> None:
        if not self.order or len(self.order) != len(self.types):
            raise ValueError("a keyset needs one cursor type per sort expression")

    @property
    def order_by(self) -> LiteralString:
        return ", ".join(f"{expression} DESC" for expression in self.order)

    def after(self, cursor: str | None) -> tuple[LiteralString, dict[str, Any]]:
        """The predicate "strictly after the cursor's key" and its parameters (``TRUE`` on the
        first page). A cursor this list did not produce is a 422 ``invalid_cursor``
        (:func:`preset.pagination.decode_cursor`)."""
        if cursor is None:
            return "TRUE", {}
        values = decode_cursor(self.kind, cursor, self.types)
        names = [f"after_{i}" for i in range(len(self.order))]
        placeholders = ", ".join(f"%({name})s" for name in names)
        predicate = f"({', '.join(self.order)}) < ({placeholders})"
        return predicate, dict(zip(names, values, strict=True))


async def keyset_list(
    conn: AnyConnection,
    row_type: type[RowT],
    keyset: Keyset[RowT],
    *,
    select: LiteralString,
    where: LiteralString = "TRUE",
    params: Mapping[str, Any] | None = None,
    cursor: str | None,
    limit: int,
) -> Page[RowT]:
    """``<select> WHERE <where> AND <after the cursor> ORDER BY <keyset> LIMIT limit + 1`` as a
    :class:`Page`. ``select`` is the statement up to its WHERE (``SELECT … FROM … JOIN …``);
    ``where`` and ``params`` filter with ``%(name)s`` placeholders (not ``after_*``/``limit``)."""
    after, after_params = keyset.after(cursor)
    given = dict(params or {})
    clash = [name for name in given if name == "limit" or name.startswith("after_")]
    if clash:
        raise ValueError(f"parameters clash with the keyset's: {sorted(clash)}")
    query = f"{select} WHERE ({where}) AND {after} ORDER BY {keyset.order_by} LIMIT %(limit)s"
    return await keyset_page(
        conn,
        row_type,
        query,
        {**given, **after_params},
        limit=limit,
        kind=keyset.kind,
        sort_key=keyset.key,
    )
