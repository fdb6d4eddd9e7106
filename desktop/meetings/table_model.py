"""Thin table models of the meeting workspace: rows from core/reports/meetings.py in, cells out."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, time
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from core.domain.meetings import AttendanceStatus
from core.reports.meetings import ActionRow, AgendaRow, AttendanceRow, DecisionRow, MeetingRow, PaperRow
from desktop.theme import current_rag_colours

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")

AGENDA_MIME_TYPE = "application/x-cyberdesk-agenda-item"
# Statuses chosen in the attendance table; an alternate names a person, so it has its own command.
EDITABLE_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.APOLOGY, AttendanceStatus.IN_ATTENDANCE)
_OVER_TIME = QColor("#9C0006")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, bool):
        return "Yes" if value else ""
    return str(value)


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """Frozen report rows shown one per line; subclasses name the columns and say what each cell shows."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> R:
        return self._rows[index]

    @property
    def rows(self) -> tuple[R, ...]:
        return tuple(self._rows)

    def cell(self, row: R, column: int) -> object:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        return self.tr(self.HEADERS[section]) if shown and 0 <= section < len(self.HEADERS) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _text(self.cell(self._rows[index.row()], index.column()))
        return self.style(self._rows[index.row()], index.column(), role)

    def style(self, row: R, column: int, role: int) -> Any:
        return None


class MeetingColumn(enum.IntEnum):
    TITLE = 0
    DATE = 1
    STATUS = 2
    MINUTES = 3


class MeetingListTableModel(RowsTableModel[MeetingRow]):
    HEADERS = ("Meeting", "Date", "Status", "Minutes")

    def cell(self, row: MeetingRow, column: int) -> object:
        return (row.title, row.meeting_date, row.status, row.minutes_status)[column]

    def row_of(self, meeting_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == meeting_id), None)


class AgendaColumn(enum.IntEnum):
    NUMBER = 0
    START = 1
    TITLE = 2
    PURPOSE = 3
    LEAD = 4
    PRESENTER = 5
    PAPER = 6
    MINUTES = 7
    MARKING = 8


class AgendaTableModel(RowsTableModel[AgendaRow]):
    """The agenda in order. Rows are dragged to a new place; the view writes the move through core."""

    HEADERS = ("No.", "Starts", "Item", "Purpose", "Lead", "Presenter", "Paper", "Minutes", "Marking")

    sig_item_dropped = Signal(int, int)
    """An item was dropped at a new place: (agenda item id, its new 1-based position)."""

    def cell(self, row: AgendaRow, column: int) -> object:
        start: object = row.start
        if row.start is not None and row.over_time:
            # Said in words as well as red, like RAG: colour alone is not enough.
            start = self.tr("{0} (over time)").format(f"{row.start:%H:%M}")
        return (
            row.position,
            start,
            row.title,
            row.purpose,
            row.lead_agency,
            row.presenter,
            row.paper_ref,
            row.minutes,
            row.marking,
        )[column]

    def style(self, row: AgendaRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.over_time:
            return QBrush(_OVER_TIME)
        if role == Qt.ItemDataRole.FontRole and row.standing is False and column == AgendaColumn.TITLE:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (AgendaColumn.NUMBER, AgendaColumn.MINUTES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [AGENDA_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(AGENDA_MIME_TYPE, QByteArray(str(self._rows[rows[0]].id).encode()))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(AGENDA_MIME_TYPE):
            return False
        item_id = int(bytes(data.data(AGENDA_MIME_TYPE).data()).decode())
        source = next((i for i, r in enumerate(self._rows) if r.id == item_id), None)
        if source is None:
            return False
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._rows))
        # Dropped "before row `target`": once the item leaves its old place, the rows after it move up one.
        position = (target if target <= source else target - 1) + 1
        if position - 1 != source:
            self.sig_item_dropped.emit(item_id, position)
        # False: the view must not remove the dragged row itself; core moves it and the view reloads.
        return False


class AttendanceColumn(enum.IntEnum):
    AGENCY = 0
    PERSON = 1
    ROLE = 2
    STATUS = 3
    FOR = 4
    ITEM = 5


class AttendanceTableModel(RowsTableModel[AttendanceRow]):
    """Attendance by agency; the status cell is edited in place, the view saves it through core."""

    HEADERS = ("Agency", "Name", "Role", "Status", "Alternate for", "For item")

    sig_status_edited = Signal(int, int, str)
    """The user chose a status: (attendance id, the version it was loaded at, AttendanceStatus value)."""

    def cell(self, row: AttendanceRow, column: int) -> object:
        return (row.agency, row.person, row.role, row.status_label, row.alternate_for, row.for_item)[column]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == AttendanceColumn.STATUS:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def style(self, row: AttendanceRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == AttendanceColumn.STATUS:
            return row.status.value
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != AttendanceColumn.STATUS:
            return False
        row = self._rows[index.row()]
        try:
            status = AttendanceStatus(value)
        except ValueError:
            return False
        if status is not row.status:
            self.sig_status_edited.emit(row.id, row.version, status.value)
        return False  # shown once core has saved it and the view reloads


class PaperTableModel(RowsTableModel[PaperRow]):
    HEADERS = ("Paper ref", "Title", "Paper by", "Purpose", "Marking", "Where it is kept", "Agenda item")

    def cell(self, row: PaperRow, column: int) -> object:
        return (row.ref, row.title, row.owning_agency, row.purpose, row.marking, row.location, row.item)[column]


class DecisionTableModel(RowsTableModel[DecisionRow]):
    HEADERS = ("Ref", "Decision", "Agenda item")

    def cell(self, row: DecisionRow, column: int) -> object:
        return (row.ref, row.text, row.item)[column]


class ActionColumn(enum.IntEnum):
    REF = 0
    ACTION = 1
    OWNER_AGENCY = 2
    OWNER = 3
    DUE = 4
    STATUS = 5
    RAG = 6
    OPEN_FOR = 7
    RAISED_AT = 8


class ActionTableModel(RowsTableModel[ActionRow]):
    HEADERS = ("Ref", "Action", "Owner agency", "Owner", "Due", "Status", "RAG", "Open for N meetings", "Raised at")

    def __init__(self) -> None:
        super().__init__()
        self._rag_colours = current_rag_colours()

    def cell(self, row: ActionRow, column: int) -> object:
        return (
            row.ref,
            row.description,
            row.owner_agency,
            row.owner,
            row.due,
            row.status,
            row.rag,
            row.open_for,
            row.raised_at,
        )[column]

    def style(self, row: ActionRow, column: int, role: int) -> Any:
        if column != ActionColumn.RAG or row.rag not in self._rag_colours:
            return None
        # RAG is always a word; the colour only adds to it.
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._rag_colours[row.rag].background
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._rag_colours[row.rag].foreground
        return None
