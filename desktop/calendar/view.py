"""The Calendar page: forum events, with the forward calendar exported as iCalendar for any calendar program."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.calendar.month import MonthView
from desktop.editing.fields import DateField
from desktop.exports import ICS_FILTER, ExportFlow
from desktop.flow_layout import FlowLayout, labelled
from desktop.lists.register import RegisterView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.db.engine import Database
    from core.io.progress import CancelToken, ProgressSink
    from desktop.jobs import JobFn, JobRunner
    from desktop.settings import AppSettings


class CalendarExportFlow(ExportFlow):
    """Forum events and group meetings to an .ics file: this and next fiscal year, or the dates chosen."""

    def __init__(
        self,
        *args: Any,
        skip_tbc: bool = False,
        date_from: date | None = None,
        date_to: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._skip_tbc = skip_tbc
        self._range = (date_from, date_to)

    FORMATS: ClassVar[dict[str, str]] = {ICS_FILTER: ".ics"}

    def title(self) -> str:
        return self.tr("Forward calendar")

    def file_marking(self, session: Session) -> str | None:
        from core.io.ics import calendar_marking

        return calendar_marking(session, as_at=self._as_at, date_from=self._range[0], date_to=self._range[1])

    def job(self, target: Path) -> JobFn:
        db, as_at, skip_tbc, (date_from, date_to) = self._db, self._as_at, self._skip_tbc, self._range

        def export(progress: ProgressSink, cancel: CancelToken) -> Any:
            # Runs on a pool thread: the queries and the file stay off the GUI thread.
            from core.io.ics import export_calendar

            return export_calendar(
                db,
                target,
                as_at=as_at,
                date_from=date_from,
                date_to=date_to,
                skip_tbc=skip_tbc,
                progress=progress,
                cancel=cancel,
            )

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
        # Blank (None ticked) means the default: from the start of this fiscal year to the end of the next.
        self.date_from, self.date_to = DateField(optional=True), DateField(optional=True)
        for field, name in ((self.date_from, self.tr("Export from")), (self.date_to, self.tr("Export to"))):
            field.set_field_value(None)
            field.set_accessible_name(name)
            field.sig_value_changed.connect(self._on_range_changed)
        self.range_message = QLabel()
        self.range_message.setStyleSheet("color: #b00020;")
        self.range_message.hide()
        # Wrapping, so that the export's options never make the window wider than a 1,366-px laptop screen.
        bar = FlowLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(self.export_button)
        for caption, field in ((self.tr("From"), self.date_from), (self.tr("To"), self.date_to)):
            bar.addWidget(labelled(caption, field, field.focus_widgets()[0]))
        bar.addWidget(self.skip_tbc)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, bar)
        layout.insertWidget(1, self.range_message)
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
        """Ask where, then write the .ics in the background; None if the user cancelled the file dialog or the
        dates chosen are the wrong way round (said next to them)."""
        date_from, date_to = self.date_from.field_value(), self.date_to.field_value()
        if not self._range_ok():
            self.date_to.setFocus()
            return None
        flow = CalendarExportFlow(
            self,
            self._db,
            runner,
            settings,
            skip_tbc=self.skip_tbc.isChecked(),
            date_from=date_from,
            date_to=date_to,
            **injected,
        )
        if not flow.start():
            flow.deleteLater()
            return None
        self.flow = flow
        return flow

    def _range_ok(self) -> bool:
        date_from, date_to = self.date_from.field_value(), self.date_to.field_value()
        wrong = date_from is not None and date_to is not None and date_to < date_from
        self.range_message.setText(self.tr("The last day must be on or after the first day.") if wrong else "")
        self.range_message.setVisible(wrong)
        return not wrong

    def _on_range_changed(self) -> None:
        self._range_ok()

    def _on_export_button_clicked(self) -> None:
        from desktop.jobs import JobRunner
        from desktop.settings import AppSettings

        window = self.window()
        runner = getattr(window, "jobs", None) or self.runner or JobRunner(self)
        settings = getattr(window, "settings", None) or self.settings or AppSettings()
        self.export_calendar(runner, settings)
