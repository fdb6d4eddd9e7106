"""Staff time and priorities on the Resources page: each forum's priority beside its share of the year's money and
staff time and its staff cost, the forums whose priority and resources disagree, and who is over 1.0 FTE."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.domain.money import format_money
from core.reports.budget import cents_to_decimal
from desktop.resources.loading import BackgroundLoad

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.resource_shares import ResourceShares
    from desktop.jobs import JobRunner

__all__ = ["ResourceSharesView"]

_HEADERS = ("Forum", "Priority", "Revised budget", "Share of money", "Staff days", "Share of staff time", "Staff cost")


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share:.1%}"


class ResourceSharesView(QWidget):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        from desktop.resources.budget_commands import budget_years

        super().__init__(parent)
        self._db = db
        self.load = BackgroundLoad(self, jobs, self.reload)
        self.shares: ResourceShares | None = None
        self.year_box = QComboBox()
        self.year_box.setAccessibleName(self.tr("Fiscal year"))
        years, current = budget_years(db, today or date.today())
        for fy, text in years:
            self.year_box.addItem(text, fy)
        self.year_box.setCurrentIndex(current)
        label = QLabel(self.tr("&Fiscal year:"))
        label.setBuddy(self.year_box)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(label)
        bar.addWidget(self.year_box)
        bar.addStretch(1)
        self.rate_edit = QLineEdit()
        self.rate_edit.setAccessibleName(self.tr("Staff day rate"))
        self.rate_edit.setMaximumWidth(120)
        self.rate_edit.setEnabled(not db.readonly)
        rate_label = QLabel(self.tr("Staff &day rate:"))
        rate_label.setBuddy(self.rate_edit)
        self.rate_button = QPushButton(self.tr("Save rate"))
        self.rate_button.setEnabled(not db.readonly)
        self.rate_error = QLabel()
        self.rate_error.setStyleSheet("color: #a4262c;")
        for widget in (rate_label, self.rate_edit, self.rate_button, self.rate_error):
            bar.addWidget(widget)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setAccessibleName(self.tr("Priorities against money and staff time"))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in _HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warnings)
        self.year_box.currentIndexChanged.connect(self.reload)
        self.rate_button.clicked.connect(self._on_rate_button_clicked)
        self.rate_edit.returnPressed.connect(self._on_rate_button_clicked)
        # No figures yet: the page loads them when this tab is first shown (load.ensure), on a pool thread.

    def save_rate(self) -> bool:
        """Save the day rate typed; a bad one leaves a message beside the field and changes nothing."""
        from core.services.budget import set_staff_day_rate
        from core.services.validation import ValidationError

        try:
            with self._db.write() as session:
                set_staff_day_rate(session, self.rate_edit.text())
        except ValidationError as exc:
            self.rate_error.setText(exc.errors["staff_day_rate"])
            return False
        self.rate_error.setText("")
        self.reload()
        return True

    def _on_rate_button_clicked(self) -> None:
        self.save_rate()

    def reload(self, *_: object) -> None:
        """Recompute the shares for the chosen year on a pool thread; seconds on a 100,000-line office."""
        fy, db = self.year_box.currentData(), self._db
        if fy is None:
            return

        def work() -> ResourceShares:
            from core.reports.resource_shares import resource_shares

            with db.read() as session:
                return resource_shares(session, int(fy))

        self.warnings.setText(self.tr("Loading…"))
        self.load.start(work, self._show_shares, self.warnings.setText)

    def _show_shares(self, shares: ResourceShares) -> None:
        self.shares = shares
        self.rate_edit.setText(str(shares.staff_day_rate) if shares.staff_day_rate is not None else "")
        self.table.setRowCount(len(shares.rows))
        for row, share in enumerate(shares.rows):
            cells = (
                share.forum,
                share.priority,
                format_money(cents_to_decimal(share.revised)),
                _pct(share.money_share),
                f"{share.staff_days:,}",
                _pct(share.staff_share),
                format_money(share.staff_cost) if share.staff_cost is not None else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        lines = [flag.sentence() + "." for flag in shares.flags]
        lines += [
            self.tr("{0} is allocated over 1.0 FTE from {1}.").format(person, day.strftime("%d %b %Y"))
            for person, day in shares.over_allocated
        ]
        if shares.staff_day_rate is None:
            lines.append(self.tr("Enter the office's staff day rate above to see staff cost."))
        else:
            lines.append(
                self.tr("Staff cost = staff days × {0} {1} a day.").format(
                    format_money(shares.staff_day_rate), shares.currency
                )
            )
        self.warnings.setText("\n".join(lines))
