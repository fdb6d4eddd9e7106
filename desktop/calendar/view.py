"""The Calendar page: forum events, with the forward calendar exported as iCalendar for any calendar program."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.calendar.month import MonthView
from desktop.exports import ICS_FILTER, ExportFlow
from desktop.lists.register import RegisterView

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.io.progress import CancelToken, ProgressSink
    from desktop.jobs import JobFn, JobRunner
    from desktop.settings import AppSettings


class CalendarExportFlow(ExportFlow):
    """The current and next fiscal year's forum events and group meetings to an .ics file."""

    def __init__(self, *args: Any, skip_tbc: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._skip_tbc = skip_tbc

    FORMATS: ClassVar[dict[str, str]] = {ICS_FILTER: ".ics"}

    def title(self) -> str:
        return self.tr("Forward calendar")

    def job(self, target: Path) -> JobFn:
        db, as_at, skip_tbc = self._db, self._as_at, self._skip_tbc

        def export(progress: ProgressSink, cancel: CancelToken) -> Any:
            # Runs on a pool thread: the queries and the file stay off the GUI thread.
            from core.io.ics import export_calendar

            return export_calendar(db, target, as_at=as_at, skip_tbc=skip_tbc, progress=progress, cancel=cancel)

        return export


class CalendarPage(RegisterView):
    """The forum events list, with the calendar export above it."""

    def __init__(self, db: Database, entities: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(db, entities, parent)
        self._db = db
        self.export_button = QPushButton(self.tr("Export to calendar (.ics)…"))
        self.export_button.setToolTip(
            self.tr("Forum events and group meetings of this and next fiscal year, for Outlook or any calendar program")
        )
        self.skip_tbc = QCheckBox(self.tr("Leave out events whose dates are still to be confirmed"))
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(self.export_button)
        bar.addWidget(self.skip_tbc)
        bar.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, bar)
        self.month = MonthView(db)
        self.month.sig_record_opened.connect(self.sig_record_opened)
        self.add_tab(self.month, self.tr("Month"))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.flow: CalendarExportFlow | None = None
        self.runner: JobRunner | None = None
        self.settings: AppSettings | None = None

    def show_month_view(self) -> MonthView:
        self.show_tab(self.month)
        return self.month

    def refresh(self) -> None:
        super().refresh()
        if self.month.loaded:
            self.month.reload()

    def export_calendar(self, runner: JobRunner, settings: AppSettings, **injected: Any) -> CalendarExportFlow | None:
        """Ask where, then write the .ics in the background; None if the user cancelled the file dialog."""
        flow = CalendarExportFlow(self, self._db, runner, settings, skip_tbc=self.skip_tbc.isChecked(), **injected)
        if not flow.start():
            flow.deleteLater()
            return None
        self.flow = flow
        return flow

    def _on_export_button_clicked(self) -> None:
        from desktop.jobs import JobRunner
        from desktop.settings import AppSettings

        window = self.window()
        runner = getattr(window, "jobs", None) or self.runner or JobRunner(self)
        settings = getattr(window, "settings", None) or self.settings or AppSettings()
        self.export_calendar(runner, settings)
