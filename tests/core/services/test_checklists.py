"""On/off-boarding checklists: the office's templates copied to a secondment, ticked with date and who, audited,
moved by an extension, and outstanding items in the due-soon panel."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from core.db import migrate
from core.db.engine import Database, open_database
from core.domain.audit import AuditEntry
from core.domain.organisations import Organisation, Person
from core.domain.secondments import (
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplate,
    CoiStatus,
    Direction,
    Secondment,
    SecondmentStatus,
    SecondmentType,
)
from core.reports.due_soon import due_soon
from core.services.checklists import (
    DEFAULT_TEMPLATES,
    add_checklist_item,
    checklist,
    copy_checklist,
    set_item_done,
)
from core.services.office import initialise_office
from core.services.records import EditConflict, archive_record, create_record
from core.services.secondments import extend_secondment
from core.services.validation import ValidationError

START, END = date(2024, 7, 1), date(2025, 6, 30)
UNDERTAKING = "Confidentiality undertaking signed"
RETURN = "Return to the home organisation agreed for a period equal to the assignment"


@pytest.fixture
def db(schema_db: Database) -> Database:
    initialise_office(schema_db)
    return schema_db


@pytest.fixture
def add(db: Database) -> Any:
    with db.write() as s:
        mfa = s.scalar(sa.select(Organisation.id).where(Organisation.code == "MFA"))
        firm = create_record(s, Organisation, {"name": "Northwind Security Ltd", "org_type": "FIRM"}).id
        person = create_record(s, Person, {"full_name": "Grace Hopper", "organisation_id": firm}).id

    def add_secondment(**values: Any) -> int:
        base = {
            "person_id": person,
            "direction": Direction.INWARD,
            "secondment_type": SecondmentType.INDUSTRY_LOAN,
            "home_organisation_id": firm,
            "host_organisation_id": mfa,
            "start_date": START,
            "planned_end_date": END,
            "status": SecondmentStatus.PROPOSED,
        }
        with db.write(actor="desk.officer") as s:
            return int(create_record(s, Secondment, {**base, **values}).id)

    return add_secondment


def _items(db: Database, secondment_id: int) -> dict[str, Any]:
    with db.read() as s:
        return {row.title: row for row in checklist(s, secondment_id)}


def test_a_new_industry_loan_gets_the_onboarding_and_offboarding_items_for_its_type(db: Database, add: Any) -> None:
    items = _items(db, add())
    # Every default but the one for outward IPA-style assignments.
    assert len(items) == len(DEFAULT_TEMPLATES) - 1
    assert RETURN not in items
    undertaking = items[UNDERTAKING]
    assert (undertaking.phase, undertaking.due_date, undertaking.done) == (ChecklistPhase.ONBOARDING, START, False)
    assert items["Cost-sharing reimbursements settled"].due_date == END
    with db.read() as s:
        phases = [row.phase for row in checklist(s, add())]
    assert phases == sorted(phases, key=lambda p: p != ChecklistPhase.ONBOARDING)  # on-boarding first


def test_an_outward_ipa_assignment_gets_only_the_items_for_it(db: Database, add: Any) -> None:
    items = _items(db, add(direction=Direction.OUTWARD, secondment_type=SecondmentType.IPA_STYLE))
    assert RETURN in items
    assert UNDERTAKING not in items
    assert "Security clearance granted or transferred at the level required" not in items  # inward only
    assert len(items) == 6


def test_copying_again_adds_only_new_templates_and_never_archived_ones(db: Database, add: Any) -> None:
    row_id = add()
    with db.write() as s:
        assert copy_checklist(s, row_id) == 0
        create_record(
            s,
            ChecklistTemplate,
            {"phase": ChecklistPhase.ONBOARDING, "title": "Building pass issued", "days_from_anchor": -7},
        )
        retired = s.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.title == UNDERTAKING))
        assert retired is not None
        archive_record(s, ChecklistTemplate, retired.id, retired.version_id)
    with db.write() as s:
        assert copy_checklist(s, row_id) == 1
        assert copy_checklist(s, row_id) == 0
    assert _items(db, row_id)["Building pass issued"].due_date == date(2024, 6, 24)
    assert UNDERTAKING not in _items(db, add())  # a secondment recorded after the archive


def test_ticking_an_item_keeps_the_date_and_who_and_is_audited(db: Database, add: Any) -> None:
    row_id = add()
    item = _items(db, row_id)[UNDERTAKING]
    with db.write(actor="desk.officer") as s:
        set_item_done(s, item.id, item.version, done=True, on=date(2024, 6, 20), by="J. Citizen")
    ticked = _items(db, row_id)[UNDERTAKING]
    assert (ticked.done_on, ticked.done_by, ticked.done) == (date(2024, 6, 20), "J. Citizen", True)
    with db.read() as s:
        entry = s.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.table_name == "secondment_checklist_item", AuditEntry.row_id == item.id)
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None
    assert entry.actor == "desk.officer"
    assert "done_on" in entry.changes
    with pytest.raises(EditConflict), db.write() as s:  # the copy loaded before the tick is stale
        set_item_done(s, item.id, item.version, done=False, on=None, by="")
    with db.write() as s:
        set_item_done(s, item.id, ticked.version, done=False, on=None, by="")
    assert _items(db, row_id)[UNDERTAKING].done_on is None


def test_ticking_without_a_date_or_a_name_is_refused_with_the_field_named(db: Database, add: Any) -> None:
    item = _items(db, add())[UNDERTAKING]
    for on, by, field in ((None, "J. Citizen", "done_on"), (date(2024, 6, 20), "  ", "done_by")):
        with pytest.raises(ValidationError) as caught, db.write() as s:
            set_item_done(s, item.id, item.version, done=True, on=on, by=by)
        assert field in caught.value.errors
    assert _items(db, add())[UNDERTAKING].done_on is None


def test_a_done_date_after_today_is_refused_and_today_itself_is_kept(db: Database, add: Any) -> None:
    row_id = add()
    item = _items(db, row_id)[UNDERTAKING]
    today = date(2024, 2, 29)
    with pytest.raises(ValidationError) as refused, db.write() as s:
        set_item_done(s, item.id, item.version, done=True, on=today + timedelta(days=1), by="J. Citizen", today=today)
    assert set(refused.value.errors) == {"done_on"}
    assert _items(db, row_id)[UNDERTAKING].done_on is None  # nothing written
    with db.write() as s:
        set_item_done(s, item.id, item.version, done=True, on=today, by="J. Citizen", today=today)
    assert _items(db, row_id)[UNDERTAKING].done_on == today


def test_an_item_of_the_secondment_alone_needs_a_title(db: Database, add: Any) -> None:
    row_id = add()
    with pytest.raises(ValidationError) as caught, db.write() as s:
        add_checklist_item(s, row_id, phase=ChecklistPhase.OFFBOARDING, title=" ", due_date=None)
    assert "title" in caught.value.errors
    with db.write() as s:
        add_checklist_item(s, row_id, phase=ChecklistPhase.OFFBOARDING, title="Laptop returned", due_date=END)
    assert list(_items(db, row_id))[-1] == "Laptop returned"


def test_an_extension_moves_the_offboarding_items_still_to_do(db: Database, add: Any) -> None:
    row_id = add(
        status=SecondmentStatus.ACTIVE,
        coi_declaration_date=date(2024, 6, 1),
        coi_status=CoiStatus.DECLARED_MANAGED,
        confidentiality_signed=True,
    )
    items = _items(db, row_id)
    done = items["Outputs recorded in the secondment's notes"]
    with db.write() as s:
        set_item_done(s, done.id, done.version, done=True, on=date(2025, 1, 10), by="J. Citizen")
        version = s.get(Secondment, row_id).version_id  # type: ignore[union-attr]
        extend_secondment(
            s, row_id, version, new_end_date=date(2025, 12, 31), reason="Finish the treaty work", granted_on=END
        )
    items = _items(db, row_id)
    assert items["Cost-sharing reimbursements settled"].due_date == date(2025, 12, 31)
    assert items["Outputs recorded in the secondment's notes"].due_date == END  # already done: left alone
    assert items[UNDERTAKING].due_date == START


def test_outstanding_items_reach_the_due_soon_panel_within_the_alert_window(db: Database, add: Any) -> None:
    row_id = add()
    item = _items(db, row_id)[UNDERTAKING]
    exactly_30_days_before = date(2024, 6, 1)
    with db.read() as s:
        report = due_soon(s, as_at=exactly_30_days_before)
        later = due_soon(s, as_at=date(2024, 5, 31))  # 31 days before: outside the window
    titles = [i.title for i in report.of_kind("checklist_item")]
    assert UNDERTAKING in titles
    line = next(i for i in report.of_kind("checklist_item") if i.title == UNDERTAKING)
    assert (line.row_id, line.entity, line.days) == (row_id, "secondments", 30)
    assert "Grace Hopper" in line.detail
    assert later.of_kind("checklist_item") == ()
    with db.write() as s:
        set_item_done(s, item.id, item.version, done=True, on=date(2024, 6, 2), by="J. Citizen")
    with db.read() as s:
        titles = [i.title for i in due_soon(s, as_at=exactly_30_days_before).of_kind("checklist_item")]
    assert UNDERTAKING not in titles


def test_onboarding_items_of_an_ended_secondment_leave_the_panel_offboarding_ones_stay(db: Database, add: Any) -> None:
    row_id = add(direction=Direction.OUTWARD, secondment_type=SecondmentType.OUTWARD_TO_IO)
    with db.write() as s:
        s.execute(sa.update(Secondment).where(Secondment.id == row_id).values(status=SecondmentStatus.COMPLETED))
    with db.read() as s:
        phases = {i.detail.split(" · ")[0] for i in due_soon(s, as_at=date(2025, 7, 15)).of_kind("checklist_item")}
    assert phases == {ChecklistPhase.OFFBOARDING.label}


def test_an_office_from_before_checklists_gets_the_default_templates(tmp_path: Path) -> None:
    path = tmp_path / "office.cyberdesk"
    with open_database(path, create=True) as db:
        initialise_office(db)
        with db.raw_write() as conn:
            command.downgrade(migrate.alembic_config(conn), "0003_text_search")
    with open_database(path) as db, db.read() as s:  # opening migrates to the head again
        titles = list(s.scalars(sa.select(ChecklistTemplate.title).order_by(ChecklistTemplate.sort_order)))
        assert s.scalar(sa.select(sa.func.count()).select_from(ChecklistItem)) == 0
    assert titles == [t.title for t in DEFAULT_TEMPLATES]
