"""The Minutes tab of the meeting workspace: draft → circulated → confirmed at a later meeting.

Confirmed minutes are locked in core (every write path refuses them); reopening them needs a reason, which the audit
trail keeps. The tab owns its widgets and dialogs; every write goes through the workspace's one-transaction `write`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from core.domain.meetings import MinutesStatus
from core.reports import meetings as reports
from core.services import meetings as service
from desktop.meetings.dialogs import ChoiceDialog, ReasonDialog
from desktop.meetings.widgets import button_row

if TYPE_CHECKING:
    from core.db.engine import Database

__all__ = ["MinutesHost", "MinutesTab"]


class MinutesHost(Protocol):
    """What the tab needs of the workspace it sits in."""

    @property
    def db(self) -> Database: ...

    def write(self, write: Callable[[Session], object]) -> bool: ...

    def reload_meetings(self, select: int | None = None) -> None: ...

    def show_message(self, text: str, *, error: bool = False) -> None: ...


class MinutesTab(QWidget):
    """The minutes of the meeting shown, with the buttons its lifecycle allows."""

    def __init__(self, host: MinutesHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._detail: reports.MeetingDetail | None = None
        self.choice_dialog: ChoiceDialog | None = None
        self.reason_dialog: ReasonDialog | None = None

        self.status = QLabel()
        self.status.setObjectName("minutesStatus")
        self.status.setAccessibleName(self.tr("Minutes status"))
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(self.tr("Minutes"))
        self.save_button = QPushButton(self.tr("Save minutes"))
        self.circulate_button = QPushButton(self.tr("Circulate"))
        self.confirm_button = QPushButton(self.tr("Confirm at meeting…"))
        self.reopen_button = QPushButton(self.tr("Reopen…"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.circulate_button.clicked.connect(self._on_circulate_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.edit, 1)
        layout.addLayout(button_row(self.save_button, self.circulate_button, self.confirm_button, self.reopen_button))

    @property
    def write_buttons(self) -> tuple[QPushButton, ...]:
        return (self.save_button, self.circulate_button, self.confirm_button, self.reopen_button)

    def show_meeting(self, detail: reports.MeetingDetail | None) -> None:
        """Show `detail`'s minutes (or nothing) and enable what its minutes status allows."""
        self._detail = detail
        self.edit.setPlainText(detail.minutes if detail is not None else "")
        writable = detail is not None and not self._host.db.readonly
        status = detail.minutes_status if detail is not None else None
        if detail is None:
            self.status.setText("")
        elif status is MinutesStatus.CONFIRMED:
            self.status.setText(
                self.tr("Minutes confirmed at {0}; locked. Reopen them, with a reason, to correct them.").format(
                    detail.confirmed_at
                )
            )
        else:
            assert status is not None
            self.status.setText(self.tr("Minutes: {0}").format(self.tr(status.label)))
        self.edit.setReadOnly(not writable or status is MinutesStatus.CONFIRMED)
        self.save_button.setEnabled(writable and status is not MinutesStatus.CONFIRMED)
        self.circulate_button.setEnabled(writable and status is MinutesStatus.DRAFT)
        self.confirm_button.setEnabled(writable and status is MinutesStatus.CIRCULATED)
        self.reopen_button.setEnabled(writable and status is MinutesStatus.CONFIRMED)

    # --- slots ------------------------------------------------------------------------------------------

    def _on_save_button_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        text = self.edit.toPlainText()
        if self._host.write(lambda s: service.edit_minutes(s, detail.id, detail.version, text)):
            self._host.reload_meetings(select=detail.id)
            self._host.show_message(self.tr("Minutes saved."))

    def _on_circulate_button_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        text = self.edit.toPlainText()

        def circulate(session: Session) -> None:
            # Circulating what is on screen: unsaved edits are saved first, in the same transaction.
            version = detail.version
            if text != detail.minutes:
                service.edit_minutes(session, detail.id, version, text)
                version += 1
            service.circulate_minutes(session, detail.id, version)

        if self._host.write(circulate):
            self._host.reload_meetings(select=detail.id)
            self._host.show_message(self.tr("Minutes circulated to members."))

    def _on_confirm_button_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        with self._host.db.read() as session:
            later = [
                r for r in reports.group_meetings(session, detail.group_id) if r.meeting_date > detail.meeting_date
            ]
        options = [(r.id, r.title) for r in reversed(later)]
        self.choice_dialog = ChoiceDialog(
            self.tr("Confirm minutes"),
            self.tr("Record the meeting that confirmed the minutes of {0}. Confirmed minutes are locked.").format(
                detail.title
            ),
            self.tr("Confirmed at:"),
            options,
            self,
        )
        if detail.next_meeting_id is not None:
            self.choice_dialog.choice.setCurrentIndex(
                max(self.choice_dialog.choice.findData(detail.next_meeting_id), 0)
            )
        self.choice_dialog.accepted.connect(lambda: self._confirm(detail))
        self.choice_dialog.open()

    def _confirm(self, detail: reports.MeetingDetail) -> None:
        assert self.choice_dialog is not None
        at = self.choice_dialog.chosen
        if at is not None and self._host.write(lambda s: service.confirm_minutes(s, detail.id, detail.version, at)):
            self._host.reload_meetings(select=detail.id)
            self._host.show_message(self.tr("Minutes confirmed."))

    def _on_reopen_button_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        self.reason_dialog = ReasonDialog(
            self.tr("Reopen confirmed minutes"),
            self.tr(
                "The minutes of {0} were confirmed. Say why they must change; the reason is kept in the "
                "record's history."
            ).format(detail.title),
            self,
        )
        self.reason_dialog.accepted.connect(lambda: self._reopen(detail))
        self.reason_dialog.open()

    def _reopen(self, detail: reports.MeetingDetail) -> None:
        assert self.reason_dialog is not None
        reason = self.reason_dialog.reason.text()
        if self._host.write(lambda s: service.reopen_minutes(s, detail.id, detail.version, reason)):
            self._host.reload_meetings(select=detail.id)
            self._host.show_message(self.tr("Minutes reopened; the reason is recorded in the meeting's history."))
