"""Office settings: what init creates, and which settings may change once budget lines exist."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db.engine import Database
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine
from core.services.office import (
    OfficeExists,
    OfficeMissing,
    initialise_office,
    load_settings,
    update_settings,
)
from core.services.validation import ValidationError


def test_init_creates_settings_and_reference_data(schema_db: Database) -> None:
    settings = initialise_office(schema_db, name="Office of the Ambassador", currency=" eur ", fy_start_month=4)
    assert (settings.name, settings.currency, settings.fy_start_month) == ("Office of the Ambassador", "EUR", 4)
    assert settings.calendar.label(2025) == "2024–25"
    assert (settings.default_marking, settings.max_marking) == ("OFFICIAL", "OFFICIAL: Sensitive")
    assert settings.alert_days == (30, 60, 90)
    assert settings.shortest_alert_days == 30 and settings.longest_alert_days == 90
    assert not settings.is_demo
    with pytest.raises(OfficeExists):
        initialise_office(schema_db)


def test_init_validates_every_field_at_once(schema_db: Database) -> None:
    with pytest.raises(ValidationError) as info:
        initialise_office(schema_db, name=" ", currency="EURO", fy_start_month=13)
    assert set(info.value.errors) == {"name", "currency", "fy_start_month"}
    with schema_db.read() as session, pytest.raises(OfficeMissing, match="cyberdesk init"):
        load_settings(session)


def test_relabelling_settings_lock_once_budget_lines_exist(schema_db: Database) -> None:
    settings = initialise_office(schema_db)
    with schema_db.write() as session:
        settings = update_settings(session, settings.version, {"currency": "nzd", "name": "Renamed office"})
    assert (settings.currency, settings.name) == ("NZD", "Renamed office")
    with schema_db.write() as session, pytest.raises(ValidationError) as bad:
        update_settings(session, settings.version, {"currency": "EURO"})
    assert "currency" in bad.value.errors
    with schema_db.write() as session:
        travel = session.scalars(sa.select(CostCategory).where(CostCategory.code == "TRAVEL")).one()
        session.add(BudgetLine(fiscal_year=2026, category_id=travel.id, description="OEWG travel"))
    with schema_db.write() as session, pytest.raises(ValidationError) as locked:
        update_settings(session, settings.version, {"fy_start_month": 1})
    assert locked.value.errors["fy_start_month"] == (
        "This cannot change once budget lines exist, as it would relabel them (1 so far)."
    )
    with schema_db.write() as session:
        settings = update_settings(session, settings.version, {"alert_short_days": 21})
    assert settings.alert_days == (21, 60, 90)
