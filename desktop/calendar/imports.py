"""File menu imports of forum events and people: the shared import flow (dry run, plan, apply) with their importers."""

from __future__ import annotations

from typing import Any

from desktop.action_updates import FlowCommands, ImportFlow


class ImportEventsFlow(ImportFlow):
    """Forum events from a colleague's calendar workbook or CSV: dry run first, then all or nothing."""

    TABLE = "forum_event"
    FILTERS = "Excel workbook or CSV (*.xlsx *.csv)"

    def caption(self) -> str:
        return self.tr("Import forum events")

    def importer(self) -> Any:
        from core.io.imports.events import EventsImporter

        return EventsImporter()


class ImportPeopleFlow(ImportFlow):
    """People (contacts, liaisons, delegates) from a workbook or CSV: dry run first, then all or nothing."""

    TABLE = "person"
    FILTERS = "Excel workbook or CSV (*.xlsx *.csv)"

    def caption(self) -> str:
        return self.tr("Import people")

    def importer(self) -> Any:
        from core.io.imports.people import PeopleImporter

        return PeopleImporter()


class RegisterImportCommands(FlowCommands):
    """The File menu's event and people imports, for the main window to connect."""

    def import_events(self) -> ImportEventsFlow | None:
        flow: ImportEventsFlow | None = self.start_import(ImportEventsFlow)
        return flow

    def import_people(self) -> ImportPeopleFlow | None:
        flow: ImportPeopleFlow | None = self.start_import(ImportPeopleFlow)
        return flow
