"""Commitments: the status lifecycle, milestones, progress and RAG from the one rule, and the example library."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry, verify_chain
from core.domain.commitments import (
    Commitment,
    CommitmentStatus,
    CommitmentType,
    LegalStatus,
    Milestone,
    commitment_budget_line,
    commitment_tag,
)
from core.domain.forums import Forum
from core.domain.organisations import Organisation
from core.domain.reference import CostCategory, ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine, BudgetMonth
from core.services.commitments import (
    budget_lines_of,
    commitment_progress,
    delete_milestone,
    example,
    examples,
    milestones_of,
    set_milestone_done,
    values_from_example,
)
from core.services.links import COMMITMENT_TAGS, link_choices, set_links
from core.services.office import initialise_office
from core.services.rag import Rag
from core.services.records import EditConflict, create_record, update_record
from core.services.validation import ValidationError

AS_AT = date(2024, 2, 29)


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


def _commitment(db: Database, **values: Any) -> int:
    with db.write() as s:
        row = create_record(s, Commitment, {"title": "Home State MOU", "commitment_type": CommitmentType.MOU, **values})
        return int(row.id)


def _set_status(db: Database, row_id: int, status: CommitmentStatus) -> None:
    with db.write() as s:
        version = s.get(Commitment, row_id).version_id  # type: ignore[union-attr]
        update_record(s, Commitment, row_id, version, {"status": status})


def test_a_signed_commitment_does_not_go_back_to_negotiation(db: Database) -> None:
    row_id = _commitment(db, status=CommitmentStatus.UNDER_NEGOTIATION)
    _set_status(db, row_id, CommitmentStatus.PROPOSED)
    _set_status(db, row_id, CommitmentStatus.SIGNED)
    with pytest.raises(ValidationError) as caught:
        _set_status(db, row_id, CommitmentStatus.UNDER_NEGOTIATION)
    assert caught.value.errors == {
        "status": "A commitment that is signed / endorsed can become: In implementation, Completed, Lapsed, Withdrawn."
    }


def test_a_withdrawn_commitment_stays_withdrawn_and_a_lapsed_one_can_be_renewed(db: Database) -> None:
    withdrawn = _commitment(db, status=CommitmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        _set_status(db, withdrawn, CommitmentStatus.SIGNED)
    assert caught.value.errors["status"] == "This commitment is withdrawn; its status cannot change any more."
    lapsed = _commitment(db, title="Lapsed MOU", status=CommitmentStatus.LAPSED)
    _set_status(db, lapsed, CommitmentStatus.SIGNED)


def _milestone(db: Database, commitment_id: int, title: str, due: date, done: date | None = None) -> None:
    with db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        create_record(
            s,
            Milestone,
            {
                "commitment_id": commitment_id,
                "title": title,
                "due_date": due,
                "done_date": done,
                "owner_agency_id": mfa,
            },
        )


def test_progress_and_rag_come_from_the_milestones(db: Database) -> None:
    row_id = _commitment(db, status=CommitmentStatus.IN_IMPLEMENTATION, next_review_date=date(2024, 12, 1))
    with db.read() as s:
        empty = commitment_progress(s, row_id, AS_AT)
    assert (empty.text, empty.rag) == ("no milestones", Rag.GREEN)  # judged on the review, months away

    _milestone(db, row_id, "Nominate the point of contact", date(2024, 1, 31), date(2024, 1, 20))
    _milestone(db, row_id, "First report", date(2024, 3, 14))  # 14 days away: due soon, but work has started
    _milestone(db, row_id, "Second report", date(2024, 9, 30))
    with db.read() as s:
        progress = commitment_progress(s, row_id, AS_AT)
        rows = milestones_of(s, row_id)
    assert (progress.done, progress.total, progress.percent, progress.next_due) == (1, 3, 33, date(2024, 3, 14))
    assert progress.text == "1 of 3 milestones done (33%)"
    assert progress.rag is Rag.GREEN
    assert [(m.title, m.done, m.owner) for m in rows] == [
        ("Nominate the point of contact", True, "MFA"),
        ("First report", False, "MFA"),
        ("Second report", False, "MFA"),
    ]
    with db.read() as s:
        assert commitment_progress(s, row_id, date(2024, 3, 15)).rag is Rag.RED  # the first report is overdue


def test_a_signed_commitment_not_yet_started_is_amber_when_a_milestone_is_near(db: Database) -> None:
    row_id = _commitment(db, status=CommitmentStatus.SIGNED, signed_date=date(2024, 1, 10))
    _milestone(db, row_id, "Ratify", date(2024, 3, 14))
    with db.read() as s:
        assert commitment_progress(s, row_id, AS_AT).rag is Rag.AMBER
        assert commitment_progress(s, row_id, date(2024, 2, 28)).rag is Rag.GREEN  # 15 days away


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (CommitmentStatus.COMPLETED, Rag.BLUE),
        (CommitmentStatus.WITHDRAWN, Rag.CANCELLED),
        (CommitmentStatus.LAPSED, Rag.CANCELLED),
    ],
)
def test_closed_commitments_have_no_working_rag(db: Database, status: CommitmentStatus, expected: Rag) -> None:
    row_id = _commitment(db, status=status)
    _milestone(db, row_id, "Overdue", date(2023, 1, 1))
    with db.read() as s:
        assert commitment_progress(s, row_id, AS_AT).rag is expected


def test_the_library_holds_the_public_examples_and_marks_other_states_instruments() -> None:
    library = examples()
    assert [e.number for e in library] == list(range(1, 23))
    assert {e.number for e in library if not e.home_state_may_join} == {1, 2, 3, 16, 17, 20}
    for entry in library:
        CommitmentType(entry.commitment_type)
        LegalStatus(entry.legal_status)
    with pytest.raises(LookupError):
        example(99)


def test_a_new_commitment_copied_from_an_example(db: Database) -> None:
    chosen = example(11)
    with db.read() as s:
        values = values_from_example(s, chosen)
        t_cy = s.scalar(sa.select(Forum.id).where(Forum.acronym == "T-CY"))
    assert values["commitment_type"] is CommitmentType.TREATY_ACTION
    assert values["legal_status"] is LegalStatus.TREATY
    assert values["instrument_ref"] == "CETS 224"
    assert values["forum_id"] == t_cy is not None
    assert values["status"] is CommitmentStatus.PROPOSED
    assert values["notes"].startswith("Reference library example 11:")
    row_id = _commitment(db, **{**values, "title": "Home State signs CETS 224"})
    with db.read() as s:
        saved = s.get(Commitment, row_id)
        assert saved is not None and saved.instrument_ref == "CETS 224"


def test_the_budget_lines_funding_a_commitment(db: Database) -> None:
    row_id = _commitment(db)
    with db.write() as s:
        category = s.scalar(sa.select(CostCategory.id).order_by(CostCategory.id))
        pointing = create_record(
            s,
            BudgetLine,
            {"fiscal_year": 2025, "category_id": category, "description": "Workshop", "commitment_id": row_id},
        )
        linked = create_record(s, BudgetLine, {"fiscal_year": 2024, "category_id": category, "description": "Travel"})
        create_record(s, BudgetLine, {"fiscal_year": 2025, "category_id": category, "description": "Unrelated"})
        s.execute(sa.insert(commitment_budget_line).values(commitment_id=row_id, budget_line_id=linked.id))
        s.add_all(
            [
                BudgetMonth(budget_line_id=pointing.id, fiscal_month=1, revised=Decimal("1000.50")),
                BudgetMonth(budget_line_id=pointing.id, fiscal_month=2, revised=Decimal("999.50")),
            ]
        )
    with db.read() as s:
        lines = budget_lines_of(s, row_id)
    assert [(line.fiscal_year, line.description, line.revised) for line in lines] == [
        (2024, "Travel", Decimal("0.00")),
        (2025, "Workshop", Decimal("2000.00")),
    ]


def _codes(db: Database, row_id: int) -> set[str]:
    with db.read() as s:
        return set(
            s.scalars(
                sa.select(ReferenceItem.code).join(commitment_tag).where(commitment_tag.c.commitment_id == row_id)
            )
        )


def test_tags_are_set_by_difference_audited_and_checked(db: Database) -> None:
    row_id = _commitment(db)
    with db.read() as s:
        choices = {c.code: c.id for c in link_choices(s, COMMITMENT_TAGS)}
        groups = {c.group for c in link_choices(s, COMMITMENT_TAGS)}
    assert "UN GGE norm" in groups and "Function" not in groups
    with db.write() as s:
        assert set_links(s, COMMITMENT_TAGS, row_id, [choices["NORM-C"], choices["NORM-J"]]) == (2, 0)
    with db.write() as s:
        assert set_links(s, COMMITMENT_TAGS, row_id, [choices["NORM-J"], choices["PC-7"]]) == (1, 1)
        assert set_links(s, COMMITMENT_TAGS, row_id, [choices["NORM-J"], choices["PC-7"]]) == (0, 0)
    assert _codes(db, row_id) == {"NORM-J", "PC-7"}
    with db.read() as s:
        entries = s.scalars(
            sa.select(AuditEntry.changes).where(AuditEntry.table_name == "commitment", AuditEntry.row_id == row_id)
        ).all()
        assert verify_chain(s.connection()).problems == ()
    assert '{"tags":{"new":"NORM-J, PC-7","old":"NORM-C, NORM-J"}}' in entries
    with db.read() as s:
        function = s.scalar(sa.select(ReferenceItem.id).where(ReferenceItem.kind == ReferenceKind.FUNCTION))
    with pytest.raises(ValidationError), db.write() as s:
        set_links(s, COMMITMENT_TAGS, row_id, [function])
    with pytest.raises(LookupError), db.write() as s:
        set_links(s, COMMITMENT_TAGS, 9999, [])


def _milestone_id(db: Database, title: str) -> tuple[int, int]:
    with db.read() as s:
        row = s.execute(sa.select(Milestone.id, Milestone.version_id).where(Milestone.title == title)).one()
    return int(row[0]), int(row[1])


def _audit_kinds(db: Database, row_id: int) -> list[str]:
    with db.read() as s:
        kinds = s.scalars(
            sa.select(AuditEntry.kind)
            .where(AuditEntry.table_name == "milestone", AuditEntry.row_id == row_id)
            .order_by(AuditEntry.id)
        )
        return [kind.value for kind in kinds]


def test_a_milestone_done_date_still_to_come_is_refused_beside_the_field(db: Database) -> None:
    row_id = _commitment(db)
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        _milestone(db, row_id, "Ratify", date(2024, 6, 30), tomorrow)
    assert caught.value.errors == {
        "done_date": "A milestone cannot be done later than today: give the date it was done."
    }
    _milestone(db, row_id, "Ratify", date(2024, 6, 30))
    milestone_id, version = _milestone_id(db, "Ratify")
    with pytest.raises(ValidationError), db.write() as s:
        set_milestone_done(s, milestone_id, version, tomorrow)
    with db.write() as s:  # any past day, and today itself, is taken
        set_milestone_done(s, milestone_id, version, date(2023, 11, 2))
    with db.read() as s:
        assert [m.done_date for m in milestones_of(s, row_id)] == [date(2023, 11, 2)]


def test_undo_done_reopens_the_milestone_and_is_audited(db: Database) -> None:
    row_id = _commitment(db, status=CommitmentStatus.IN_IMPLEMENTATION)
    _milestone(db, row_id, "First report", date(2024, 3, 14), date(2024, 3, 1))
    milestone_id, version = _milestone_id(db, "First report")
    with db.write() as s:
        set_milestone_done(s, milestone_id, version, None)
    with db.read() as s:
        progress = commitment_progress(s, row_id, AS_AT)
    assert (progress.done, progress.total, progress.next_due) == (0, 1, date(2024, 3, 14))
    assert _audit_kinds(db, milestone_id) == ["INSERT", "UPDATE"]
    with pytest.raises(EditConflict), db.write() as s:  # the version it was loaded at has moved on
        set_milestone_done(s, milestone_id, version, date(2024, 3, 2))


def test_only_a_milestone_not_yet_done_can_be_deleted(db: Database) -> None:
    row_id = _commitment(db)
    _milestone(db, row_id, "Done step", date(2024, 1, 31), date(2024, 1, 20))
    _milestone(db, row_id, "Dropped step", date(2024, 5, 31))
    done_id, done_version = _milestone_id(db, "Done step")
    open_id, open_version = _milestone_id(db, "Dropped step")
    with pytest.raises(ValidationError) as caught, db.write() as s:
        delete_milestone(s, done_id, done_version)
    assert caught.value.errors == {"done_date": "This milestone is done: undo done before deleting it."}
    with db.write() as s:
        delete_milestone(s, open_id, open_version)
    with db.read() as s:
        assert [m.title for m in milestones_of(s, row_id)] == ["Done step"]
    assert _audit_kinds(db, open_id) == ["INSERT", "DELETE"]
