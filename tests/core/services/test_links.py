"""Link sets: what each offers, saving by difference, refusals, and the audit entry on the owner."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.audit import AuditEntry
from core.domain.commitments import Commitment, CommitmentType
from core.domain.forums import Forum
from core.domain.organisations import Organisation, OrgType
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine
from core.services.commitments import budget_lines_of
from core.services.links import (
    COMMITMENT_BUDGET_LINES,
    COMMITMENT_COUNTERPARTIES,
    COMMITMENT_SUPPORTING_AGENCIES,
    SECONDMENT_FORUMS,
    link_choices,
    linked_ids,
    set_links,
)
from core.services.office import initialise_office, load_settings
from core.services.records import archive_record, create_record
from core.services.validation import ValidationError


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


def test_agencies_only_for_supporting_agencies_and_any_organisation_for_counterparties(db: Database) -> None:
    with db.write() as s:
        firm = create_record(s, Organisation, {"name": "Northwind Security Ltd", "org_type": OrgType.FIRM})
        commitment = create_record(s, Commitment, {"title": "MOU", "commitment_type": CommitmentType.MOU})
        firm_id, commitment_id = firm.id, commitment.id
    with db.read() as s:
        agencies = link_choices(s, COMMITMENT_SUPPORTING_AGENCIES)
        organisations = link_choices(s, COMMITMENT_COUNTERPARTIES)
        mfa = next(c for c in agencies if c.code == "MFA")
    assert {c.group for c in agencies} == {"Agency"}
    assert firm_id in {c.id for c in organisations} and firm_id not in {c.id for c in agencies}
    assert mfa.text.endswith("(MFA)")
    with pytest.raises(ValidationError) as caught, db.write() as s:
        set_links(s, COMMITMENT_SUPPORTING_AGENCIES, commitment_id, [firm_id])
    assert caught.value.errors == {"supporting_agencies": "Choose agencies of the home government."}
    with db.write() as s:
        assert set_links(s, COMMITMENT_COUNTERPARTIES, commitment_id, [firm_id, mfa.id]) == (2, 0)
    with db.read() as s:
        assert linked_ids(s, COMMITMENT_COUNTERPARTIES, commitment_id) == {firm_id, mfa.id}
        changes = s.scalars(
            sa.select(AuditEntry.changes).where(
                AuditEntry.table_name == "commitment", AuditEntry.row_id == commitment_id
            )
        ).all()
    assert '{"counterparties":{"new":"MFA, Northwind Security Ltd","old":""}}' in changes


def test_archived_forums_are_offered_only_when_already_linked(db: Database) -> None:
    with db.write() as s:
        forum = s.scalars(sa.select(Forum).where(Forum.acronym == "CRI")).one()
        forum_id, version = forum.id, forum.version_id
        archive_record(s, Forum, forum_id, version)
    with db.read() as s:
        assert forum_id not in {c.id for c in link_choices(s, SECONDMENT_FORUMS)}
        offered = {c.id: c for c in link_choices(s, SECONDMENT_FORUMS, [forum_id])}
    assert offered[forum_id].archived and offered[forum_id].code == "CRI"
    assert offered[forum_id].group.endswith(("forum", "effort", "network", "dialogue"))


def test_a_missing_owner_is_refused(db: Database) -> None:
    with pytest.raises(LookupError), db.write() as s:
        set_links(s, SECONDMENT_FORUMS, 999, [])


def test_budget_lines_offered_by_fiscal_year_around_this_one(db: Database) -> None:
    with db.write() as s:
        calendar = load_settings(s).calendar
        this_year = calendar.fiscal_year_of(date.today())
        category = s.scalar(sa.select(CostCategory.id).order_by(CostCategory.id))

        def line(year: int, text: str) -> int:
            return int(
                create_record(s, BudgetLine, {"fiscal_year": year, "category_id": category, "description": text}).id
            )

        current, old = line(this_year, "Workshop"), line(this_year - 3, "Old travel")
        commitment = create_record(s, Commitment, {"title": "MOU", "commitment_type": CommitmentType.MOU}).id
    with db.read() as s:
        offered = {c.id: c for c in link_choices(s, COMMITMENT_BUDGET_LINES)}
    assert current in offered and old not in offered
    assert offered[current].group == calendar.label(this_year)
    assert offered[current].text.startswith("Workshop (")
    with db.write() as s:
        assert set_links(s, COMMITMENT_BUDGET_LINES, commitment, [current, old]) == (2, 0)
    with db.read() as s:
        assert old in {c.id for c in link_choices(s, COMMITMENT_BUDGET_LINES, [old])}
        assert [line.description for line in budget_lines_of(s, commitment)] == ["Old travel", "Workshop"]
