"""Hostile text and amounts are refused at input, field by field, for every text and money column of every model.

What an export could not hold faithfully (a lone surrogate, a control character, text past a cell's limit, a
non-finite or over-precise amount) must never reach the database: it is refused where the user typed it, with a
message next to the field, rather than cut or blanked later in a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.domain.base import Money
from core.domain.models import Base
from core.domain.organisations import Organisation
from core.io.cells import MAX_CELL_TEXT
from core.services.office import initialise_office
from core.services.records import update_record
from core.services.validation import MULTILINE_FROM_LENGTH, ValidationError, validate_values
from tests.hardening.hostile_office import HYPERLINK, PAYLOADS, user_text_columns

_MODELS = {m.local_table.name: m.class_ for m in Base.registry.mappers}
# Columns the program derives from a typed one: a problem is reported on the typed field instead.
_DERIVED = {"name_key", "title_key", "label_key", "code_key"}

TEXT_COLUMNS = [
    (table, column)
    for table, columns in user_text_columns().items()
    for column in columns
    if column.key not in _DERIVED
]
MONEY_COLUMNS = [
    (table.name, column)
    for table in Base.metadata.sorted_tables
    for column in table.columns
    if isinstance(column.type, Money)
]


def _limit(column: sa.Column[str]) -> int:
    length = getattr(column.type, "length", None)
    return int(length) if length else 32_000


BAD_TEXT = {
    "lone surrogate": "ok \ud800 ok",
    "NUL": "a\x00b",
    "escape": "a\x1b[31mb",
    "DEL": "a\x7fb",
    "C1 next line": "a\x85b",
    "right-to-left override": "invoice\u202egnp.exe",
    "bidi isolate": "a\u2066b",
    "stray carriage return": "a\rb",
}


@pytest.mark.parametrize(("table", "column"), TEXT_COLUMNS, ids=lambda v: v if isinstance(v, str) else v.key)
def test_every_text_field_refuses_what_no_export_could_hold(table: str, column: sa.Column[str]) -> None:
    model = _MODELS[table]
    for what, value in BAD_TEXT.items():
        if len(value) > _limit(column):
            continue
        errors = validate_values(model, {column.key: value}, partial=True)
        assert column.key in errors, (what, value)
        assert errors[column.key].startswith("Remove the"), errors[column.key]
    too_long = "x" * (_limit(column) + 1)
    errors = validate_values(model, {column.key: too_long}, partial=True)
    assert errors.get(column.key, "").startswith(f"Shorten this to {_limit(column):,} characters"), errors
    # A single-line field refuses a tab or a line break; a long (multi-line) one keeps them.
    multiline = _limit(column) >= MULTILINE_FROM_LENGTH
    for value in ("a\tb", "a\nb", "a\r\nb"):
        errors = validate_values(model, {column.key: value}, partial=True)
        assert (column.key in errors) is not multiline, (value, errors)
    # What looks like a formula is ordinary text: refused nowhere, neutralised at export.
    for payload in PAYLOADS:
        if len(payload) <= _limit(column) and "\t" not in payload and "\r" not in payload:
            assert column.key not in validate_values(model, {column.key: payload}, partial=True), payload


def test_long_text_is_refused_when_a_spreadsheet_cell_could_not_hold_it() -> None:
    """Excel counts UTF-16 units: 20,000 emoji are 20,000 characters to a user and 40,000 units to a cell."""
    unlimited = [(t, c) for t, c in TEXT_COLUMNS if _limit(c) > MAX_CELL_TEXT // 2]
    assert unlimited, "no long-text column to check"
    for table, column in unlimited:
        model = _MODELS[table]
        wide = "\U0001f600" * (MAX_CELL_TEXT // 2 + 1)
        assert len(wide) <= _limit(column)
        errors = validate_values(model, {column.key: wide}, partial=True)
        assert errors.get(column.key, "").startswith("Shorten this"), (table, column.key, errors)
        # Just under the cell limit in UTF-16 units is accepted.
        fits = "\U0001f600" * (MAX_CELL_TEXT // 2 - 1)
        assert column.key not in validate_values(model, {column.key: fits}, partial=True)


BAD_AMOUNTS = [
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("0.001"),
    Decimal("12345678901234567.89"),
    Decimal("1E+400"),
    1.5,
    "12.50",
    True,
]


@pytest.mark.parametrize(("table", "column"), MONEY_COLUMNS, ids=lambda v: v if isinstance(v, str) else v.key)
def test_every_amount_refuses_non_finite_and_over_precise_values(table: str, column: sa.Column[object]) -> None:
    model = _MODELS[table]
    for amount in BAD_AMOUNTS:
        errors = validate_values(model, {column.key: amount}, partial=True)
        assert column.key in errors, amount
    for amount in (Decimal("0"), Decimal("-0.00"), Decimal("999999999999.99"), Decimal("-1234.5"), 7):
        assert column.key not in validate_values(model, {column.key: amount}, partial=True), amount


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "office.cyberdesk", create=True)
    initialise_office(db, name="Hardening office")
    yield db
    db.close()


def test_a_refused_edit_through_the_service_changes_nothing(office: Database) -> None:
    with office.write() as session:
        org = session.scalars(sa.select(Organisation).order_by(Organisation.id).limit(1)).one()
        row_id, version, before = org.id, org.version_id, (org.name, org.version_id, org.notes)
    for bad in ("x\ud800", "x\x00", "x" * 201, "\u202eabc"):
        with pytest.raises(ValidationError) as caught, office.write() as session:
            update_record(session, Organisation, row_id, version, {"name": bad, "notes": HYPERLINK})
        assert set(caught.value.errors) == {"name"}
    with office.read() as session:
        org = session.get_one(Organisation, row_id)
        assert (org.name, org.version_id, org.notes) == before
