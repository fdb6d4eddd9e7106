"""The budget line's and the staff allocation's editors: the register's form, plus a budget line's revision history
and the warning when an allocation takes a person over 1.0 FTE."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.editing.dialog import RecordEditorDialog
from desktop.resources.lines import revision_table, show_revisions

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.editing.registers import EditorSpec

__all__ = ["BudgetLineEditorDialog", "StaffAllocationEditorDialog"]


class BudgetLineEditorDialog(RecordEditorDialog):
    """A Revisions tab beside the form: every change of the line's amounts with old, new, reason, who and when."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        super().__init__(db, spec, row_id=row_id, parent=parent)
        self.revisions = revision_table(self)
        self._revisions_tab = self.tabs.addTab(self.revisions, self.tr("Revisions"))
        self.load_revisions()

    def load_revisions(self) -> None:
        snapshot = self._snapshot
        # A new line has no amounts yet, so nothing to have revised.
        self.tabs.setTabEnabled(self._revisions_tab, snapshot is not None)
        count = len(show_revisions(self._db, snapshot.row_id, self.revisions)) if snapshot is not None else 0
        self.tabs.setTabText(self._revisions_tab, self.tr("Revisions ({0})").format(count))


class StaffAllocationEditorDialog(RecordEditorDialog):
    """An allocation that takes the person over 1.0 FTE on any day is warned about next to the FTE field as the
    user types (after the form's debounce, and only when the person, dates or FTE changed) and on Save; once the
    user has seen the warning, Save keeps it (a warning, not a refusal: a handover week can overlap on purpose)."""

    def __init__(self, db: Database, spec: EditorSpec, *, row_id: int | None = None, parent: QWidget | None = None):
        self._warned: str | None = None
        self._checked: tuple[object, ...] | None = None
        self._over: tuple[date, int] | None = None
        super().__init__(db, spec, row_id=row_id, parent=parent)

    def _over_full_time(self) -> tuple[date, int] | None:
        """(first day, that day's total FTE in hundredths) over 1.0 for the values in the form, or None (under 1.0
        FTE, or values core would refuse anyway). The database is asked again only when the values changed."""
        from core.reports.resource_shares import over_full_time

        values = {**self._base, **self.form_values()}
        person, start, end, fte = (values.get(k) for k in ("person_id", "start_date", "end_date", "fte_hundredths"))
        if not (isinstance(person, int) and isinstance(start, date) and isinstance(end, date) and isinstance(fte, int)):
            return None
        if end < start or self._local_problems():
            return None
        replacing = self._snapshot.row_id if self._snapshot is not None else None
        key = (person, start, end, fte, replacing)
        if key != self._checked:
            with self._db.read() as session:
                self._over = over_full_time(session, person, start, end, fte, replacing=replacing)
            self._checked = key
        return self._over

    def over_full_time_warning(self) -> str | None:
        """The warning Save shows for the values in the form, or None."""
        over = self._over_full_time()
        if over is None:
            return None
        day, total = over
        return self.tr("This takes the person to {0:.2f} FTE on {1}, over 1.0. Save again to keep it.").format(
            total / 100, day.strftime("%d %b %Y")
        )

    def _live_errors(self) -> dict[str, str]:
        errors = super()._live_errors()
        if "fte_hundredths" in errors or self._db.readonly:
            return errors
        over = self._over_full_time()
        if over is not None:
            day, total = over
            errors["fte_hundredths"] = self.tr("This takes the person to {0:.2f} FTE on {1}, over 1.0.").format(
                total / 100, day.strftime("%d %b %Y")
            )
            # Seen while typing: the next Save keeps it rather than warning a second time.
            self._warned = self.over_full_time_warning()
        return errors

    def save(self) -> bool:
        if not self._db.readonly:
            self._debounce.stop()
            self._checked = None  # someone may have saved another allocation of this person meanwhile
            warning = self.over_full_time_warning()
            if warning is not None and warning != self._warned:
                self._warned = warning
                message = self._messages["fte_hundredths"]
                message.setText(warning)
                message.setVisible(True)
                for widget in self.editor("fte_hundredths").focus_widgets():
                    widget.setAccessibleDescription(warning)
                return False
        return super().save()
