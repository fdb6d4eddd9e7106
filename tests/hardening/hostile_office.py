"""An office whose every user-typed text field holds a formula-injection payload, for the export hardening tests."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from core.db.engine import Database
from core.domain.models import Base

# What an outsider might type (or mail in) hoping a spreadsheet runs it: OWASP's trigger characters, their
# full-width forms (Excel folds them), strings Excel turns into error cells, and the two named in issue 9.
HYPERLINK = '=HYPERLINK("http://example.invalid","open")'
AT_SUM = "@SUM(1+1)"
PAYLOADS: tuple[str, ...] = (
    HYPERLINK,
    AT_SUM,
    "=1+1",
    "=",
    "+1+1",
    "-1+1",
    "-5",
    "@",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # ＝
    "\uff0b1+1",  # ＋
    "\uff0d1+1",  # －
    "\uff20SUM(1+1)",  # ＠
    "#N/A",
    "#DIV/0!",
    "#REF!",
    "=cmd|' /C calc'!A0",
)

# Written by the program, not typed by a user: the audit trail and import batches (their text is the program's),
# normalised keys, and codes the program interprets (the office currency and time zone, a commitment's RAG override
# code).
_PROGRAM_TABLES = frozenset({"audit_log", "import_batch"})
_PROGRAM_COLUMNS = frozenset(
    {"name_key", "title_key", "label_key", "code_key", "office.currency", "office.timezone", "commitment.rag_override"}
)


def user_text_columns() -> dict[str, list[sa.Column[str]]]:
    """Every free-text column a user can type into, found from the models (String/Text, not enums or keys)."""
    found: dict[str, list[sa.Column[str]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in _PROGRAM_TABLES:
            continue
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, sa.String | sa.Text)
            and not isinstance(column.type, sa.Enum)
            and not column.foreign_keys
            and column.key not in _PROGRAM_COLUMNS
            and f"{table.name}.{column.key}" not in _PROGRAM_COLUMNS
        ]
        if columns:
            found[table.name] = columns
    return found


def _unique(column: sa.Column[str]) -> bool:
    if column.unique:
        return True
    table = column.table
    return any(
        isinstance(c, sa.UniqueConstraint) and column.key in c.columns.keys()  # noqa: SIM118 - a ColumnCollection
        for c in table.constraints
    )


def payload_for(row_index: int, column_index: int) -> str:
    return PAYLOADS[(row_index + column_index) % len(PAYLOADS)]


def _values(rows: int, column_index: int, column: sa.Column[str]) -> Iterator[str]:
    for row_index in range(rows):
        value = payload_for(row_index, column_index)
        # A unique column needs distinct values; the trigger stays at the start, where it does its harm.
        yield f"{value} {row_index}" if _unique(column) else value


def fill_with_payloads(db: Database) -> int:
    """Overwrite every user text field of every row with a payload and return how many fields were written.

    Validation is bypassed on purpose: an export must be safe whatever reached the database (an older version,
    a script, an import). The bulk of it is one Core UPDATE per row (fast, not audited, like any bulk writer);
    then one organisation is renamed through the ORM by an actor named like a formula, so that the audit trail
    and its export carry payloads as well."""
    written = 0
    with db.write() as session:
        for table_name, columns in user_text_columns().items():
            table = Base.metadata.tables[table_name]
            ids = session.scalars(sa.select(table.c.id).order_by(table.c.id)).all()
            values = {c.key: list(_values(len(ids), i, c)) for i, c in enumerate(columns)}
            rows = [{"row_id": row_id, **{k: v[n] for k, v in values.items()}} for n, row_id in enumerate(ids)]
            if rows:
                statement = table.update().where(table.c.id == sa.bindparam("row_id"))
                session.execute(statement.values({k: sa.bindparam(k) for k in values}), rows)
                written += len(rows) * len(columns)
    mappers = {m.local_table.name: m.class_ for m in Base.registry.mappers}
    organisation = mappers["organisation"]
    with db.write(actor=HYPERLINK) as session:
        first = session.scalars(sa.select(organisation).order_by(organisation.id).limit(1)).one()
        first.notes = AT_SUM
    return written
