"""Tests for the agency view: what one agency owes, leads and sends, worked out by hand on the pack office."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.domain.forums import Forum
from core.domain.organisations import Organisation
from core.domain.resources import BudgetLine
from core.reports.agency_view import NOT_RECORDED, agency_choices, agency_view
from tests.core.reports.test_meeting_pack import AS_AT, PackOffice, build_pack_office


@pytest.fixture
def office(tmp_path: Path) -> Iterator[PackOffice]:
    built = build_pack_office(tmp_path / "agency.cyberdesk")
    yield built
    built.db.close()


def _agency(office: PackOffice, code: str) -> int:
    with office.db.read() as s:
        return s.scalars(sa.select(Organisation.id).where(Organisation.code == code)).one()


def test_what_the_chairing_agency_owes_and_leads(office: PackOffice) -> None:
    mfa = _agency(office, "MFA")
    with office.db.write() as s:
        s.get_one(BudgetLine, office.line).owner_agency_id = mfa
    with office.db.read() as session:
        view = agency_view(session, mfa, AS_AT)
    assert (view.code, view.fiscal_year_label, view.next_meeting_date) == ("MFA", "2025–26", date(2025, 10, 15))
    # A-1 is overdue and comes first; A-4 is in progress; A-5 is archived and the rest are closed.
    assert [(a.ref, a.overdue, a.status, a.owner) for a in view.actions] == [
        ("A-1", True, "Open", "Alex Citizen"),
        ("A-4", False, "In progress", ""),
    ]
    assert view.overdue_actions == 1
    assert [(i.position, i.title) for i in view.agenda] == [(1, "Welcome")]
    # Meetings 1-3 were held by 15 Aug; attendance was recorded only at meeting 3, where the MFA's chair was present.
    assert [(m.number, m.status) for m in view.attendance] == [(1, NOT_RECORDED), (2, NOT_RECORDED), (3, "Present")]
    assert [(c.title, c.status, c.next_review) for c in view.commitments] == [
        ("MOU with Partner", "In implementation", date(2025, 11, 1))
    ]
    assert [(p.person, p.status) for p in view.secondees] == [("Sam Deputy", "Approved")]
    assert [(b.description, b.revised) for b in view.budget_lines] == [("Travel", Decimal("2200.00"))]


def test_an_agency_that_sent_no_one_and_leads_a_forum(office: PackOffice) -> None:
    legal = _agency(office, "MFA-LEG")
    with office.db.write() as s:
        forum = s.get_one(Forum, office.forum)
        forum.lead_agency_id = legal
        label = forum.acronym or forum.full_name
    with office.db.read() as session:
        view = agency_view(session, legal, AS_AT)
        choices = dict(agency_choices(session))
    assert view.actions == () and view.agenda == () and view.commitments == () and view.budget_lines == ()
    assert [(m.number, m.status) for m in view.attendance] == [(1, NOT_RECORDED), (2, NOT_RECORDED), (3, NOT_RECORDED)]
    assert label in [f.forum for f in view.forums]
    assert [(p.person, p.status, p.end) for p in view.secondees] == [("Robin Law", "Active", date(2025, 10, 31))]
    assert choices[legal].startswith("MFA-LEG — ")
