"""The marking scheme as editable data: order, unique labels, re-spacing, archiving, default and ceiling."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry
from core.domain.reference import Marking
from core.services.markings import (
    MarkingRow,
    add_marking,
    archive_marking,
    list_markings,
    move_marking,
    rename_marking,
    set_default_and_ceiling,
)
from core.services.office import OfficeSettings, initialise_office, load_settings
from core.services.records import EditConflict, RecordNotFound
from core.services.validation import ValidationError

PERSONAL = "OFFICIAL: Sensitive – Personal"


@pytest.fixture
def office(schema_db: Database) -> OfficeSettings:
    return initialise_office(schema_db)


def scheme(db: Database) -> tuple[MarkingRow, ...]:
    with db.read() as session:
        return list_markings(session)


def labels(db: Database) -> list[str]:
    return [m.label for m in scheme(db)]


def by_label(db: Database, label: str) -> MarkingRow:
    return next(m for m in scheme(db) if m.label == label)


def add(db: Database, label: str, above: str | None = None) -> MarkingRow:
    with db.write() as session:
        return add_marking(session, label, above=by_label(db, above).id if above else None)


def test_a_new_office_has_the_default_scheme(schema_db: Database, office: OfficeSettings) -> None:
    official, sensitive = scheme(schema_db)
    assert (official.label, sensitive.label) == ("OFFICIAL", "OFFICIAL: Sensitive")
    assert official.rank < sensitive.rank
    assert official.is_default and not official.is_ceiling
    assert sensitive.is_ceiling and not sensitive.is_default


def test_a_marking_is_added_where_it_belongs(schema_db: Database, office: OfficeSettings) -> None:
    personal = add(schema_db, f"  {PERSONAL} ", above="OFFICIAL")
    assert personal.label == PERSONAL and not personal.archived
    add(schema_db, "PROTECTED")
    assert labels(schema_db) == ["OFFICIAL", PERSONAL, "OFFICIAL: Sensitive", "PROTECTED"]
    ranks = [m.rank for m in scheme(schema_db)]
    assert ranks == sorted(set(ranks))
    with schema_db.read() as session:
        audited = session.scalars(sa.select(AuditEntry.row_id).where(AuditEntry.table_name == "marking")).all()
    assert personal.id in audited


def test_ranks_are_re_spaced_when_no_gap_is_left_keeping_the_order(schema_db: Database, office: OfficeSettings) -> None:
    # Each new marking goes directly above OFFICIAL, halving the gap until none is left.
    for n in range(1, 7):
        add(schema_db, f"Level {n}", above="OFFICIAL")
    expected = ["OFFICIAL", *(f"Level {n}" for n in range(6, 0, -1)), "OFFICIAL: Sensitive"]
    assert labels(schema_db) == expected
    ranks = [m.rank for m in scheme(schema_db)]
    assert ranks == sorted(set(ranks))
    with schema_db.read() as session:
        settings = load_settings(session)
    assert (settings.default_marking, settings.max_marking) == ("OFFICIAL", "OFFICIAL: Sensitive")


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("   ", "Give the marking a label."),
        (" official ", "A marking with this label already exists."),
        ("OFFICIAL:  SENSITIVE", "A marking with this label already exists."),
        ("X" * 61, "60"),
    ],
)
def test_labels_are_checked_and_unique_by_their_key(
    schema_db: Database, office: OfficeSettings, label: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info, schema_db.write() as session:
        add_marking(session, label)
    assert message in info.value.errors["label"]
    assert labels(schema_db) == ["OFFICIAL", "OFFICIAL: Sensitive"]


def test_rename_keeps_the_marking_and_refuses_a_clash(schema_db: Database, office: OfficeSettings) -> None:
    sensitive = by_label(schema_db, "OFFICIAL: Sensitive")
    with schema_db.write() as session:
        renamed = rename_marking(session, sensitive.id, sensitive.version, "Official: Sensitive")
    assert (renamed.id, renamed.label, renamed.is_ceiling) == (sensitive.id, "Official: Sensitive", True)
    with pytest.raises(ValidationError) as info, schema_db.write() as session:
        rename_marking(session, sensitive.id, renamed.version, "official")
    assert info.value.errors == {"label": "A marking with this label already exists."}
    with pytest.raises(EditConflict), schema_db.write() as session:
        rename_marking(session, sensitive.id, sensitive.version, "Sensitive")
    with schema_db.read() as session:
        assert load_settings(session).max_marking == "Official: Sensitive"


def test_moving_swaps_neighbours_but_never_puts_the_default_above_the_ceiling(
    schema_db: Database, office: OfficeSettings
) -> None:
    add(schema_db, "PROTECTED")
    protected = by_label(schema_db, "PROTECTED")
    with schema_db.write() as session:
        moved = move_marking(session, protected.id, up=False)
    assert [m.label for m in moved] == ["OFFICIAL", "PROTECTED", "OFFICIAL: Sensitive"]
    with schema_db.write() as session:
        move_marking(session, protected.id, up=True)
    assert labels(schema_db) == ["OFFICIAL", "OFFICIAL: Sensitive", "PROTECTED"]
    with pytest.raises(ValidationError, match="already the highest"), schema_db.write() as session:
        move_marking(session, protected.id, up=True)
    with pytest.raises(ValidationError, match="already the lowest"), schema_db.write() as session:
        move_marking(session, by_label(schema_db, "OFFICIAL").id, up=False)
    with pytest.raises(ValidationError, match="office default cannot rank above"), schema_db.write() as session:
        move_marking(session, by_label(schema_db, "OFFICIAL").id, up=True)
    with pytest.raises(RecordNotFound), schema_db.write() as session:
        move_marking(session, 999, up=True)
    assert labels(schema_db) == ["OFFICIAL", "OFFICIAL: Sensitive", "PROTECTED"]


def test_archive_refuses_the_default_and_the_ceiling(schema_db: Database, office: OfficeSettings) -> None:
    for label, words in (("OFFICIAL", "office default"), ("OFFICIAL: Sensitive", "highest allowed")):
        marking = by_label(schema_db, label)
        with pytest.raises(ValidationError) as info, schema_db.write() as session:
            archive_marking(session, marking.id, marking.version)
        assert words in info.value.errors["archived"]
    protected = add(schema_db, "PROTECTED")
    with schema_db.write() as session:
        archived = archive_marking(session, protected.id, protected.version)
    assert archived.archived
    with schema_db.read() as session:
        assert [m.label for m in list_markings(session, include_archived=False)] == ["OFFICIAL", "OFFICIAL: Sensitive"]
    with schema_db.write() as session:
        assert not archive_marking(session, protected.id, archived.version, archived=False).archived


def test_default_and_ceiling_keep_the_default_at_or_below_the_ceiling(
    schema_db: Database, office: OfficeSettings
) -> None:
    personal = add(schema_db, PERSONAL, above="OFFICIAL")
    official, sensitive = by_label(schema_db, "OFFICIAL"), by_label(schema_db, "OFFICIAL: Sensitive")
    with pytest.raises(ValidationError) as info, schema_db.write() as session:
        set_default_and_ceiling(session, office.version, sensitive.id, personal.id)
    assert info.value.errors == {"max_marking_id": "The highest allowed marking cannot be below the office default."}
    with pytest.raises(ValidationError) as missing, schema_db.write() as session:
        set_default_and_ceiling(session, office.version, None, personal.id)
    assert set(missing.value.errors) == {"default_marking_id"}

    with schema_db.write() as session:
        settings = set_default_and_ceiling(session, office.version, official.id, personal.id)
    assert (settings.default_marking, settings.max_marking) == ("OFFICIAL", PERSONAL)
    assert by_label(schema_db, PERSONAL).is_ceiling
    with pytest.raises(EditConflict), schema_db.write() as session:
        set_default_and_ceiling(session, office.version, personal.id, personal.id)

    # Once it is no longer the ceiling, the old one can be archived, and then cannot be chosen.
    with schema_db.write() as session:
        archive_marking(session, sensitive.id, sensitive.version)
    with pytest.raises(ValidationError) as archived, schema_db.write() as session:
        set_default_and_ceiling(session, settings.version, official.id, sensitive.id)
    assert "archived" in archived.value.errors["max_marking_id"]


def test_the_scheme_needs_an_office(schema_db: Database) -> None:
    from core.services.office import OfficeMissing

    with pytest.raises(OfficeMissing), schema_db.read() as session:
        list_markings(session)
    with schema_db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Marking)) == 0
