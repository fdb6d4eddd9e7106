"""Secondment alerts through the one alert-window setting: reviews, and ends at the fiscal year's end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.organisations import Organisation, Person
from core.domain.reference import Office
from core.domain.secondments import Direction, Secondment, SecondmentStatus, SecondmentType
from core.reports.due_soon import DueSoonReport, due_soon
from core.services.office import initialise_office
from core.services.records import create_record

FY_END = date(2025, 6, 30)  # an office whose fiscal year starts in July
AS_AT = date(2025, 5, 31)  # 30 days before it


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db, fy_start_month=7)
    return schema_db


@pytest.fixture
def add(db: Database) -> Any:
    with db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        person = create_record(s, Person, {"full_name": "Ada Lovelace", "organisation_id": mfa}).id

    def add_secondment(**values: Any) -> int:
        base = {
            "person_id": person,
            "direction": Direction.INWARD,
            "secondment_type": SecondmentType.INTERAGENCY_ROTATION,
            "home_organisation_id": mfa,
            "role_title": "Legal adviser",
            "start_date": date(2024, 7, 1),
            "planned_end_date": date(2026, 6, 30),
            "status": SecondmentStatus.ACTIVE,
        }
        with db.write() as s:
            return int(create_record(s, Secondment, {**base, **values}).id)

    return add_secondment


def _ids(result: DueSoonReport, kind: str) -> list[int]:
    return [i.row_id for i in result.items if i.kind == kind]


def _report(db: Database, as_at: date = AS_AT, **kwargs: Any) -> DueSoonReport:
    with db.read() as s:
        return due_soon(s, as_at=as_at, **kwargs)


def test_a_secondment_ending_on_the_fiscal_year_end_in_exactly_30_days(db: Database, add: Any) -> None:
    at_fy_end = add(planned_end_date=FY_END)
    add(planned_end_date=date(2025, 7, 1))  # the first day of the next year: 31 days away
    result = _report(db)
    assert _ids(result, "secondment_end") == [at_fy_end]
    (item,) = result.of_kind("secondment_end")
    assert (item.days, item.rag) == (30, "Green")
    assert _ids(_report(db, as_at=date(2025, 5, 30)), "secondment_end") == []


def test_secondment_reviews_due_within_the_window(db: Database, add: Any) -> None:
    in_window = add(next_review_date=date(2025, 6, 30))
    overdue = add(next_review_date=date(2025, 5, 1))
    add(next_review_date=date(2025, 7, 1))
    add(next_review_date=date(2025, 6, 1), status=SecondmentStatus.COMPLETED, actual_end_date=date(2025, 5, 1))
    add(next_review_date=None)
    result = _report(db)
    assert _ids(result, "secondment_review") == [overdue, in_window]
    review = next(i for i in result.items if i.row_id == in_window and i.kind == "secondment_review")
    assert (review.title, review.entity, review.days) == ("Ada Lovelace", "secondments", 30)
    assert review.detail.startswith("Review · Legal adviser · ")
    assert next(i for i in result.items if i.row_id == overdue and i.kind == "secondment_review").rag == "Red"


def test_the_longest_window_is_a_setting_not_a_constant(db: Database, add: Any) -> None:
    far = add(next_review_date=date(2025, 8, 29))  # 90 days away
    with db.write() as s:
        office = s.get(Office, 1)
        assert office is not None
        office.alert_short_days, office.alert_medium_days, office.alert_long_days = 90, 90, 120
    assert _ids(_report(db), "secondment_review") == [far]
