"""Importing forum events and people from the File menu: dry run shown first, then applied, or refused whole."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from core.domain.forums import ForumEvent
from core.domain.organisations import Person
from desktop.calendar.imports import ImportEventsFlow, ImportPeopleFlow


def test_menu_has_both_imports_enabled_only_with_a_writable_office(window, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    events, people = window.actions["import_events"], window.actions["import_people"]
    assert not events.isEnabled() and not people.isEnabled()
    assert window.open_database(demo_path)
    assert events.isEnabled() and people.isEnabled()
    assert events in window.actions.menus["&File"].actions() and people in window.actions.menus["&File"].actions()


def test_import_events_dry_run_then_apply(window, demo_path: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = tmp_path / "calendar.csv"
    path.write_text(
        "Reference,Forum,Title,Start,End,Location\r\n"
        "GUI-EV-1,IGF,IGF open consultations,2026-03-10,2026-03-11,Geneva\r\n",
        encoding="utf-8-sig",
    )
    flow = ImportEventsFlow(window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), ""))
    assert flow.start()
    dialog = flow.dialog
    assert dialog is not None and dialog.windowTitle() == "Import forum events — calendar.csv"
    assert any(line.startswith("2 | GUI-EV-1 | ") and "Location: — → Geneva" in line for line in dialog.lines())
    with qtbot.waitSignal(flow.sig_import_applied):
        dialog.apply_button.click()
    with window.db.read() as session:
        assert session.scalar(sa.select(ForumEvent.location).where(ForumEvent.external_ref == "GUI-EV-1")) == "Geneva"
    assert flow.message_box is not None and flow.message_box.text().startswith("Imported calendar.csv")


def test_a_bad_people_sheet_shows_its_problems_and_cannot_be_applied(window, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_database(demo_path)
    path = tmp_path / "people.csv"
    path.write_text("Full name,Organisation\r\nHedy Lamarr,Acme Widgets\r\n", encoding="utf-8-sig")
    flow = ImportPeopleFlow(window, window.db, window.jobs, window.settings, ask_source=lambda *_: (str(path), ""))
    assert flow.start()
    dialog = flow.dialog
    assert dialog is not None
    assert any("No organisation is called 'Acme Widgets'" in line for line in dialog.lines())
    assert not dialog.apply_button.isEnabled()
    with window.db.read() as session:
        assert session.scalar(sa.select(Person.id).where(Person.full_name == "Hedy Lamarr")) is None
