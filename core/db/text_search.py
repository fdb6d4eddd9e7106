"""Case-insensitive text matching for each database, and the SQLite FTS5 trigram index that narrows it on big tables.

Reports ask two things here and never name a dialect themselves:

- `contains_matcher(session)`: the LIKE that ignores case on this database (SQLite's LIKE already ignores ASCII case,
  and is faster than lower() on every value; PostgreSQL needs ILIKE).
- `text_index_narrowing(session, table, columns, texts)`: a cheap condition that keeps every row of `table` one of
  whose `columns` contains one of `texts`, and few others. Callers keep their own LIKE beside it, so what a user
  finds never depends on the index: the index only spares reading the rows that cannot match.
- `searches_long_text(text)` and `is_long_text(column)`: the one rule of what a short text is looked for in, which
  global search and the lists' filters share.

On SQLite the index is an FTS5 table with the trigram tokenizer (SQLite 3.34 or newer) kept in step with its table by
triggers (migration 0003_text_search). It is `detail=none`, without positions: a fifth of the size of a full index
and ten times quicker to build, which is all a pre-filter needs. A text of n characters is looked up as the rows
holding all its trigrams; texts shorter than three characters have no trigram and are left to LIKE.

On PostgreSQL the same migration makes a pg_trgm GIN index per column where the extension can be created; the
planner uses it for the callers' own ILIKE '%text%', so no narrowing condition is needed there (None). Without the
extension ILIKE reads every row, which is what SQLite does without FTS5.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql import FromClause

from core.domain.text import TEXT_MAX, collapse_spaces

__all__ = [
    "LIKE_ESCAPE",
    "MAX_NARROWED",
    "MIN_INDEXED_LENGTH",
    "MIN_TEXT_LENGTH",
    "PREFIX_INDEXES",
    "TEXT_INDEXES",
    "ContainsMatcher",
    "IndexedText",
    "contains_matcher",
    "escape_like",
    "few_rows_narrowing",
    "is_long_text",
    "is_text_index_table",
    "pg_trigram_index_names",
    "prefix_order",
    "search_text",
    "searches_long_text",
    "text_index_name",
    "text_index_narrowing",
    "text_index_rows",
    "text_index_source",
]

SqlExpr: TypeAlias = "sa.ColumnElement[Any] | QueryableAttribute[Any]"
Cond: TypeAlias = "sa.ColumnElement[bool]"
ContainsMatcher: TypeAlias = Callable[[SqlExpr, str], Cond]

# Tables big enough for a scan of their text to be felt while typing, and the columns indexed. Migration 0003 holds
# its own copy of this, as migrations must not change when the code does.
TEXT_INDEXES: Mapping[str, tuple[str, ...]] = {"action": ("ref", "description", "progress_update")}
MIN_INDEXED_LENGTH = 3  # a trigram
# Shorter text is looked for in names, references, titles and other short columns only, not in long text
# (descriptions, updates, notes): no index serves it there, and reading 200,000 action descriptions takes a third of
# a second. One rule for global search and every list's filter; both say so next to the box.
MIN_TEXT_LENGTH = MIN_INDEXED_LENGTH
# SQLite indexes of migration 0005 that the models do not declare (an expression with a collation PostgreSQL lacks).
PREFIX_INDEXES = frozenset({"ix_action_ref_nocase"})
# Past this many rows found, reading them one by one through the index costs more than one pass over the table
# (200,000 actions: 12,000 rows found take 8 ms by the index and 60 ms to read back; a third of them, 300 ms).
MAX_NARROWED = 20_000
LIKE_ESCAPE = "\\"

# FTS5 keeps each index in a virtual table plus shadow tables named after it (_data, _idx, _config, ...).
_INDEX_SUFFIX = "_text"
_SHADOW_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")
# Every third trigram (and the last) covers each character once; that finds as few rows as all of them would in
# practice, while a long phrase of common words reads a third of the index lists.
_GRAM_STEP = 3


def text_index_name(table: str) -> str:
    return table + _INDEX_SUFFIX


def pg_trigram_index_names() -> frozenset[str]:
    """The PostgreSQL trigram indexes of migration 0003: GIN indexes the models do not declare."""
    return frozenset(f"ix_{table}_{column}_trgm" for table, columns in TEXT_INDEXES.items() for column in columns)


def is_text_index_table(name: str) -> bool:
    """The FTS5 table of a text index or one of its shadow tables: they are not in the models."""
    return any(name == text_index_name(table) + suffix for table in TEXT_INDEXES for suffix in _SHADOW_SUFFIXES)


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards made literal, for patterns used with LIKE_ESCAPE."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def search_text(text: str) -> str:
    """`text` as searched for: NFC, runs of spaces collapsed and trimmed."""
    # A lone surrogate (broken clipboard text) cannot be bound as UTF-8; drop it rather than fail.
    clean = text.encode("utf-8", "ignore").decode("utf-8")
    return collapse_spaces(unicodedata.normalize("NFC", clean))


def searches_long_text(text: str) -> bool:
    """Whether `text` is looked for in long text (is_long_text) too, or only in names, references and titles."""
    return len(search_text(text)) >= MIN_TEXT_LENGTH


def is_long_text(expr: SqlExpr) -> bool:
    """Whether `expr` is a column of long free text (descriptions, updates, notes, minutes: as long as the
    longest text an editor takes, or unbounded), which text shorter than MIN_TEXT_LENGTH does not search."""
    column = getattr(expr, "expression", expr)
    kind = column.type if isinstance(column, sa.Column) else None
    if not isinstance(kind, sa.String) or isinstance(kind, sa.Enum):
        return False
    return kind.length is None or kind.length >= TEXT_MAX


def contains_matcher(session: Session) -> ContainsMatcher:
    """`match(expr, pattern)`: expr LIKE pattern (escaped with LIKE_ESCAPE), ignoring case as far as this database's
    LIKE can. SQLite folds ASCII case only (callers add a lower-case variant for other letters); others use ILIKE."""
    if _dialect(session) == "sqlite":
        return lambda expr, pattern: expr.like(pattern, escape=LIKE_ESCAPE)
    return lambda expr, pattern: expr.ilike(pattern, escape=LIKE_ESCAPE)


def prefix_order(session: Session, expr: SqlExpr) -> sa.ColumnElement[Any]:
    """`expr` ordered ignoring case as this database's prefix index holds it (SQLite: NOCASE, migration 0005), so
    that rows matching a prefix come in index order and a LIMIT stops early; the text itself sorts first. Lists
    sort their text columns by it too (the same order as lower(), which no index serves)."""
    if _dialect(session) == "sqlite":
        return sa.type_coerce(expr, sa.String()).collate("NOCASE")
    return sa.func.lower(expr)


@dataclass(frozen=True)
class IndexedText:
    """The text index joined to its table: `source` in place of the table, `condition` keeping the rows holding
    every trigram of one of the texts, `rowid` to order by (newest first is the order the index reads fastest)."""

    source: FromClause
    condition: Cond
    rowid: sa.ColumnElement[Any]


def text_index_source(session: Session, table: sa.Table, texts: Sequence[str]) -> IndexedText | None:
    """The text index of `table` read in rowid order, for a query that stops after a few rows: unlike narrowing,
    it costs nothing more however common the text is. None where there is no usable index or a text is too short;
    rows holding the text in a column the index covers but the caller does not ask about are found by the index,
    so the caller's own LIKEs still decide."""
    if _dialect(session) != "sqlite" or table.name not in TEXT_INDEXES:
        return None
    query = _fts_query(texts)
    if query is None or not _index_exists(session, table.name):
        return None
    fts, match = _index_match(table, query)
    try:
        session.execute(sa.select(fts.c.rowid).where(match).limit(1)).all()
    except sa.exc.OperationalError:
        return None  # indexed by a SQLite with the trigram tokenizer, read by one without (see text_index_narrowing)
    (pk,) = table.primary_key.columns
    return IndexedText(sa.join(fts, table, fts.c.rowid == pk), match, fts.c.rowid)


def text_index_narrowing(
    session: Session, table: sa.Table, columns: Sequence[str], texts: Sequence[str], *, max_rows: int = MAX_NARROWED
) -> Cond | None:
    """A condition on `table`'s primary key true for every row one of whose `columns` contains one of `texts`
    ignoring case (as LIKE does, and further: Unicode case too), and for few other rows. None when no index covers
    those columns, a text is too short for one, or the index finds more than `max_rows` rows: the caller's own
    condition must then read every row, which is quicker than reading that many rows one by one."""
    found = text_index_rows(session, table, columns, texts, max_rows=max_rows)
    if found is None:
        return None
    (pk,) = table.primary_key.columns
    return pk.in_(found.scalar_subquery())


def text_index_rows(
    session: Session,
    table: sa.Table,
    columns: Sequence[str],
    texts: Sequence[str],
    *,
    max_rows: int | None = MAX_NARROWED,
) -> sa.Select[tuple[int]] | None:
    """The statement listing the primary keys that text_index_narrowing's condition keeps, from the index alone
    (without reading `table`); None where it gives none. `max_rows` None: however many it lists."""
    if _dialect(session) != "sqlite" or table.name not in TEXT_INDEXES:
        return None
    if not set(columns) <= set(TEXT_INDEXES[table.name]):
        return None
    query = _fts_query(texts)
    if query is None or not _index_exists(session, table.name):
        return None
    fts, match = _index_match(table, query)
    found = sa.select(fts.c.rowid).where(match)
    # The index lists rows lazily, so counting up to the limit costs little however common the text is. Without a
    # limit one row is counted all the same: that tells whether this SQLite can read the index at all.
    limit = 1 if max_rows is None else max_rows + 1
    probe = sa.select(sa.func.count()).select_from(found.limit(limit).subquery())
    try:
        counted = session.execute(probe).scalar_one()
    except sa.exc.OperationalError:
        # A file indexed where SQLite has the trigram tokenizer, opened where it has not (an older Linux SQLite):
        # the index cannot be read there, and searching reads the rows as it did before the index.
        return None
    return None if max_rows is not None and counted > max_rows else found


def few_rows_narrowing(
    session: Session, table: sa.Table, conditions: Sequence[Cond], *, max_rows: int = MAX_NARROWED
) -> Cond | None:
    """A condition keeping `table`'s rows that meet any of `conditions` (each on `table` alone, ideally served by
    an index), found once here: for text no index serves, so that the caller's query need not test every row. None
    when there are more than `max_rows` of them (reading that many one by one costs more than one pass), or where
    `table` is not one of the big tables of SQLite; the caller keeps its conditions beside it."""
    if _dialect(session) != "sqlite" or table.name not in TEXT_INDEXES or not conditions:
        return None
    (pk,) = table.primary_key.columns
    # UNION ALL stops at the limit, so common text costs little (a row found twice counts twice: at worst the
    # caller reads every row, as it would without this). The keys come back as one JSON text and go into the
    # caller's query as one: 12,000 rows or parameters, one by one, took longer than sorting them.
    found = sa.union_all(*(sa.select(pk.label("pk")).where(cond) for cond in conditions)).limit(max_rows + 1)
    try:
        listed = session.execute(sa.select(sa.func.json_group_array(found.subquery().c.pk))).scalar_one()
    except sa.exc.OperationalError:
        return None  # a SQLite built without its JSON functions (rare since 3.38): the caller reads every row
    if len(json.loads(listed)) > max_rows:
        return None
    keys = sa.func.json_each(listed).table_valued("value")
    return pk.in_(sa.select(keys.c.value))


def _index_match(table: sa.Table, query: str) -> tuple[sa.TableClause, Cond]:
    fts = sa.table(text_index_name(table.name), sa.column("rowid", sa.Integer()))
    return fts, sa.literal_column(fts.name).op("MATCH")(sa.literal(query, sa.String()))


def _fts_query(texts: Sequence[str]) -> str | None:
    """The FTS5 query for rows holding, for any of `texts`, all of its trigrams; None if a text has none."""
    alternatives: list[str] = []
    for text in dict.fromkeys(texts):
        # NUL ends a C string inside SQLite's tokenizer; such a text is left to LIKE.
        if len(text) < MIN_INDEXED_LENGTH or "\x00" in text:
            return None
        starts = [*range(0, len(text) - MIN_INDEXED_LENGTH + 1, _GRAM_STEP), len(text) - MIN_INDEXED_LENGTH]
        grams = dict.fromkeys(text[i : i + MIN_INDEXED_LENGTH] for i in starts)
        alternatives.append("(" + " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams) + ")")
    return " OR ".join(alternatives) if alternatives else None


def _index_exists(session: Session, table: str) -> bool:
    # Migration 0003 leaves the index out where SQLite has no trigram tokenizer; searching then reads the rows.
    found = session.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": text_index_name(table)},
    )
    return found.first() is not None


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
