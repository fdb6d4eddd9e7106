"""Each secondment and briefing alert reaches the due-soon panel, the dashboard tiles and the pack's phrases alike,
with an injected date at the boundaries: exactly 30 days ahead (in), 31 (out), from a leap day and to a fiscal-year
end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.forums import Forum, ForumEvent
from core.domain.organisations import Organisation, Person
from core.domain.secondments import ClearanceStatus, Direction, Secondment, SecondmentStatus, SecondmentType
from core.reports.dashboard import dashboard_kpis
from core.reports.due_soon import due_soon, secondment_alerts
from core.services.office import initialise_office
from core.services.records import create_record

LEAP_DAY = date(2024, 2, 29)
IN_30 = LEAP_DAY + timedelta(days=30)  # 30 Mar 2024
FY_END = date(2024, 6, 30)  # the office's year starts in July


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db, fy_start_month=7)
    return schema_db


@pytest.fixture
def make(db: Database) -> Any:
    with db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        forum = s.scalar(sa.select(Forum.id).where(Forum.acronym == "IGF"))
        person = create_record(s, Person, {"full_name": "Ada Lovelace", "organisation_id": mfa}).id

    def secondment(**values: Any) -> int:
        base = {
            "person_id": person,
            "direction": Direction.INWARD,
            "secondment_type": SecondmentType.INTERAGENCY_ROTATION,
            "home_organisation_id": mfa,
            "start_date": date(2023, 7, 1),
            "planned_end_date": date(2025, 6, 30),
            "status": SecondmentStatus.ACTIVE,
        }
        with db.write() as s:
            row_id = int(create_record(s, Secondment, {**base, **values}).id)
            # Only the alert under test: the checklist copied at creation is ticked off here.
            s.execute(sa.text("UPDATE secondment_checklist_item SET done_on = '2023-07-01', done_by = 'x'"))
            return row_id

    def event(briefing_due: date) -> int:
        start = briefing_due + timedelta(days=20)
        with db.write() as s:
            values = {"forum_id": forum, "title": f"Session {briefing_due}", "start_date": start, "end_date": start}
            return int(create_record(s, ForumEvent, {**values, "briefing_due": briefing_due}).id)

    return secondment, event


def test_from_the_leap_day_exactly_30_days_is_in_31_is_out(db: Database, make: Any) -> None:
    secondment, event = make
    clearance = secondment(clearance_status=ClearanceStatus.GRANTED, clearance_expiry=IN_30)
    late_review = secondment(next_review_date=IN_30 + timedelta(days=1))
    event(IN_30)
    event(IN_30 + timedelta(days=1))
    with db.read() as s:
        panel = due_soon(s, as_at=LEAP_DAY)
        kpis = dashboard_kpis(s, 2024, LEAP_DAY)
        pack = secondment_alerts(s, as_at=LEAP_DAY, window_days=30)
        pack_long = secondment_alerts(s, as_at=LEAP_DAY, window_days=90)
    assert [i.row_id for i in panel.of_kind("clearance_expiry")] == [clearance]
    assert panel.of_kind("secondment_review") == ()
    assert [i.due for i in panel.of_kind("briefing")] == [IN_30]
    assert (kpis.secondments_with_alerts, kpis.briefings_due) == (1, 1)
    assert pack == {clearance: ("Clearance expires in 30 days",)}
    assert pack_long[late_review] == ("Review in 31 days",)


def test_a_missing_declaration_and_a_checklist_item_due_on_the_fiscal_year_end(db: Database, make: Any) -> None:
    secondment, _ = make
    loan = secondment(secondment_type=SecondmentType.INDUSTRY_LOAN, status=SecondmentStatus.APPROVED, start_date=FY_END)
    as_at = FY_END - timedelta(days=30)
    with db.write() as s:
        s.execute(sa.text("UPDATE secondment_checklist_item SET done_on = NULL, done_by = ''"))
    with db.read() as s:
        panel = due_soon(s, as_at=as_at)
        kpis = dashboard_kpis(s, 2024, as_at)
        pack = secondment_alerts(s, as_at=as_at, window_days=30)
        day_before = dashboard_kpis(s, 2024, as_at - timedelta(days=1))
    assert [i.row_id for i in panel.of_kind("missing_declaration")] == [loan]
    assert {i.due for i in panel.of_kind("checklist_item") if i.detail.startswith("Onboarding")} == {FY_END}
    assert kpis.secondments_with_alerts == 1
    assert pack[loan][0] == "No conflict-of-interest declaration or confidentiality undertaking"
    assert pack[loan][1].endswith("checklist items due")
    assert day_before.secondments_with_alerts == 0  # 31 days before the fiscal-year end
