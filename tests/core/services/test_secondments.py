"""Secondment rules (domain-reference §7.2): activation of industry loans, scheme limits, lifecycle, extensions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.organisations import Organisation, Person
from core.domain.secondments import (
    ClearanceStatus,
    CoiStatus,
    Direction,
    Secondment,
    SecondmentExtension,
    SecondmentStatus,
    SecondmentType,
)
from core.services.office import initialise_office
from core.services.records import EditConflict, create_record, update_record
from core.services.secondments import extend_secondment, extension_history
from core.services.validation import ValidationError, last_day_of_term, validate_values


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


@pytest.fixture
def base(db: Database) -> dict[str, Any]:
    with db.write() as s:
        mfa = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        firm = create_record(s, Organisation, {"name": "Northwind Security Ltd", "org_type": "FIRM"})
        person = create_record(s, Person, {"full_name": "Grace Hopper", "organisation_id": firm.id})
        return {
            "person_id": person.id,
            "direction": Direction.INWARD,
            "secondment_type": SecondmentType.INDUSTRY_LOAN,
            "home_organisation_id": firm.id,
            "host_organisation_id": mfa.id,
            "role_title": "Technical adviser",
            "start_date": date(2024, 7, 1),
            "planned_end_date": date(2025, 6, 30),
            "status": SecondmentStatus.PROPOSED,
        }


def _create(db: Database, values: dict[str, Any]) -> tuple[int, int]:
    with db.write() as s:
        row = create_record(s, Secondment, values)
        return row.id, row.version_id


def _update(db: Database, row_id: int, changes: dict[str, Any]) -> int:
    with db.write() as s:
        version = s.get(Secondment, row_id).version_id  # type: ignore[union-attr]
        return update_record(s, Secondment, row_id, version, changes).version_id


def _errors(db: Database, row_id: int, changes: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        _update(db, row_id, changes)
    return caught.value.errors


# --- industry loans --------------------------------------------------------------------------------------------


def test_an_industry_loan_is_not_activated_until_the_declaration_and_undertaking_are_in(
    db: Database, base: dict[str, Any]
) -> None:
    row_id, _ = _create(db, base)
    errors = _errors(db, row_id, {"status": SecondmentStatus.ACTIVE})
    assert errors["coi_declaration_date"].startswith("An industry loan cannot be active without a conflict")
    assert errors["confidentiality_signed"].endswith("signed confidentiality undertaking.")

    _update(db, row_id, {"coi_declaration_date": date(2024, 6, 20), "coi_status": CoiStatus.DECLARED_MANAGED})
    errors = _errors(db, row_id, {"status": SecondmentStatus.ACTIVE})
    assert list(errors) == ["confidentiality_signed"]

    _update(db, row_id, {"confidentiality_signed": True, "status": SecondmentStatus.ACTIVE})
    with db.read() as s:
        assert s.get(Secondment, row_id).status is SecondmentStatus.ACTIVE  # type: ignore[union-attr]


def test_a_rotation_needs_no_declaration_to_be_active(db: Database, base: dict[str, Any]) -> None:
    row_id, _ = _create(db, {**base, "secondment_type": SecondmentType.INTERAGENCY_ROTATION})
    _update(db, row_id, {"status": SecondmentStatus.ACTIVE})


# --- scheme limits ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (date(2024, 1, 1), 6, date(2024, 6, 30)),
        (date(2024, 2, 29), 24, date(2026, 2, 28)),  # the leap day's anniversary in a common year is 1 March
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 7, 1), 12, date(2024, 6, 30)),  # a fiscal year from July
    ],
)
def test_the_last_day_of_a_term(start: date, months: int, last_day: date) -> None:
    assert last_day_of_term(start, months) == last_day


def _rules(values: dict[str, Any]) -> dict[str, str]:
    return validate_values(Secondment, values)


def test_an_ipa_style_assignment_is_first_agreed_for_at_most_two_years(base: dict[str, Any]) -> None:
    ipa = {**base, "secondment_type": SecondmentType.IPA_STYLE, "start_date": date(2024, 2, 29)}
    assert "planned_end_date" not in _rules({**ipa, "planned_end_date": date(2026, 2, 28)})
    message = _rules({**ipa, "planned_end_date": date(2026, 3, 1)})["planned_end_date"]
    assert "first agreed for at most 2 years (to 28 Feb 2026)" in message


def test_an_extended_ipa_style_assignment_lasts_at_most_four_years(base: dict[str, Any]) -> None:
    ipa = {
        **base,
        "secondment_type": SecondmentType.IPA_STYLE,
        "start_date": date(2024, 2, 29),
        "original_end_date": date(2026, 2, 28),
    }
    assert "planned_end_date" not in _rules({**ipa, "planned_end_date": date(2028, 2, 28)})
    message = _rules({**ipa, "planned_end_date": date(2028, 2, 29)})["planned_end_date"]
    assert message == "An IPA-style assignment lasts at most 4 years with extensions: end by 28 Feb 2028."


def test_a_seconded_national_expert_stays_six_months_to_four_years(base: dict[str, Any]) -> None:
    sne = {**base, "secondment_type": SecondmentType.SNE_STYLE, "start_date": date(2024, 1, 1)}
    assert "planned_end_date" not in _rules({**sne, "planned_end_date": date(2024, 6, 30)})
    assert (
        "at least 6 months: end on or after 30 Jun 2024"
        in _rules({**sne, "planned_end_date": date(2024, 6, 29)})["planned_end_date"]
    )
    assert "planned_end_date" not in _rules({**sne, "planned_end_date": date(2027, 12, 31)})
    assert _rules({**sne, "planned_end_date": date(2028, 1, 1)})["planned_end_date"].endswith("end by 31 Dec 2027.")


def test_other_schemes_have_no_duration_limit(base: dict[str, Any]) -> None:
    assert "planned_end_date" not in _rules({**base, "planned_end_date": date(2034, 6, 30)})


# --- lifecycle -------------------------------------------------------------------------------------------------


def _active_rotation(db: Database, base: dict[str, Any]) -> int:
    row_id, _ = _create(
        db, {**base, "secondment_type": SecondmentType.INTERAGENCY_ROTATION, "status": SecondmentStatus.ACTIVE}
    )
    return row_id


def test_an_ended_secondment_gives_its_end_date_and_stays_ended(db: Database, base: dict[str, Any]) -> None:
    row_id = _active_rotation(db, base)
    assert _errors(db, row_id, {"status": SecondmentStatus.COMPLETED}) == {
        "actual_end_date": "Give the date the secondment ended."
    }
    _update(db, row_id, {"status": SecondmentStatus.COMPLETED, "actual_end_date": date(2025, 6, 30)})
    assert _errors(db, row_id, {"status": SecondmentStatus.ACTIVE}) == {
        "status": "This secondment is completed; its status cannot change any more."
    }


def test_a_running_secondment_does_not_go_back_to_proposed(db: Database, base: dict[str, Any]) -> None:
    row_id = _active_rotation(db, base)
    message = _errors(db, row_id, {"status": SecondmentStatus.PROPOSED})["status"]
    assert message == "A secondment that is active can become: Extended, Completed, Terminated early."


def test_extended_is_reached_through_an_extension_only(db: Database, base: dict[str, Any]) -> None:
    row_id = _active_rotation(db, base)
    assert _errors(db, row_id, {"status": SecondmentStatus.EXTENDED})["status"].startswith("Use Extend…")
    assert _errors(db, row_id, {"planned_end_date": date(2025, 12, 31)})["planned_end_date"].startswith(
        "Use Extend… to move the end date later"
    )
    _update(db, row_id, {"planned_end_date": date(2025, 3, 31)})  # shortening is a plain edit


def test_a_proposal_s_dates_are_edited_freely(db: Database, base: dict[str, Any]) -> None:
    row_id, _ = _create(db, base)
    _update(db, row_id, {"planned_end_date": date(2025, 12, 31)})


def test_a_granted_clearance_needs_its_expiry(db: Database, base: dict[str, Any]) -> None:
    row_id, _ = _create(db, base)
    assert _errors(db, row_id, {"clearance_status": ClearanceStatus.GRANTED}) == {
        "clearance_expiry": "Give the date the granted clearance expires."
    }
    _update(db, row_id, {"clearance_status": ClearanceStatus.GRANTED, "clearance_expiry": date(2029, 6, 30)})


# --- extensions ------------------------------------------------------------------------------------------------


def test_an_extension_keeps_the_history_and_the_first_agreed_end(db: Database, base: dict[str, Any]) -> None:
    row_id = _active_rotation(db, base)
    with db.write() as s:
        version = s.get(Secondment, row_id).version_id  # type: ignore[union-attr]
        extend_secondment(
            s,
            row_id,
            version,
            new_end_date=date(2025, 12, 31),
            reason="Finish the treaty round",
            granted_on=date(2025, 5, 1),
        )
    with db.write() as s:
        version = s.get(Secondment, row_id).version_id  # type: ignore[union-attr]
        extend_secondment(
            s,
            row_id,
            version,
            new_end_date=date(2026, 3, 31),
            reason="  OEWG final session ",
            granted_on=date(2025, 11, 1),
        )
    with db.read() as s:
        row = s.get(Secondment, row_id)
        assert row is not None
        assert (row.original_end_date, row.planned_end_date, row.status) == (
            date(2025, 6, 30),
            date(2026, 3, 31),
            SecondmentStatus.EXTENDED,
        )
        history = extension_history(s, row_id)
    assert [(h.previous_end_date, h.new_end_date, h.reason) for h in history] == [
        (date(2025, 6, 30), date(2025, 12, 31), "Finish the treaty round"),
        (date(2025, 12, 31), date(2026, 3, 31), "OEWG final session"),
    ]


@pytest.mark.parametrize(
    ("new_end", "reason", "expected"),
    [
        (None, "Because", {"new_end_date": "Give the new end date."}),
        (
            date(2025, 6, 30),
            "Because",
            {"new_end_date": "The new end date must be after the current one (30 Jun 2025)."},
        ),
        (date(2025, 9, 30), "  ", {"reason": "Give the reason for the extension."}),
    ],
)
def test_an_extension_needs_a_later_date_and_a_reason(
    db: Database, base: dict[str, Any], new_end: date | None, reason: str, expected: dict[str, str]
) -> None:
    row_id = _active_rotation(db, base)
    with pytest.raises(ValidationError) as caught, db.write() as s:
        extend_secondment(s, row_id, 1, new_end_date=new_end, reason=reason, granted_on=date(2025, 5, 1))
    assert caught.value.errors == expected
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(SecondmentExtension)) == 0


def test_only_a_running_secondment_is_extended(db: Database, base: dict[str, Any]) -> None:
    row_id, version = _create(db, base)
    with pytest.raises(ValidationError) as caught, db.write() as s:
        extend_secondment(s, row_id, version, new_end_date=date(2026, 1, 1), reason="x", granted_on=date(2025, 1, 1))
    assert caught.value.errors["new_end_date"].endswith("this one is proposed.")


def test_an_extension_past_a_scheme_limit_is_refused_on_the_new_date(db: Database, base: dict[str, Any]) -> None:
    row_id, version = _create(
        db,
        {
            **base,
            "secondment_type": SecondmentType.IPA_STYLE,
            "start_date": date(2024, 2, 29),
            "planned_end_date": date(2026, 2, 28),
            "status": SecondmentStatus.ACTIVE,
        },
    )
    with pytest.raises(ValidationError) as caught, db.write() as s:
        extend_secondment(s, row_id, version, new_end_date=date(2028, 3, 1), reason="x", granted_on=date(2026, 1, 1))
    assert caught.value.errors == {
        "new_end_date": "An IPA-style assignment lasts at most 4 years with extensions: end by 28 Feb 2028."
    }


def test_an_extension_of_a_stale_copy_is_a_conflict(db: Database, base: dict[str, Any]) -> None:
    row_id = _active_rotation(db, base)
    _update(db, row_id, {"notes": "changed elsewhere"})
    with pytest.raises(EditConflict), db.write() as s:
        extend_secondment(s, row_id, 1, new_end_date=date(2026, 1, 1), reason="x", granted_on=date(2025, 1, 1))


def test_the_host_s_share_is_a_percentage(base: dict[str, Any]) -> None:
    assert _rules({**base, "host_cost_pct": 101})["host_cost_pct"] == "Give a percentage from 0 to 100."
    assert "host_cost_pct" not in _rules({**base, "host_cost_pct": 30})
