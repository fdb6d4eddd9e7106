"""The agency view: for one agency, what its liaison checks before a meeting, section by section as tables."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.domain.money import format_money
from desktop.dashboard.charts import ChartTableModel

if TYPE_CHECKING:
    from core.db.engine import Database
    from core.reports.agency_view import AgencyView

__all__ = ["AgencyViewDialog"]

SECTIONS = ("actions", "agenda", "attendance", "commitments", "forums", "secondees", "budget")


class AgencyViewDialog(QDialog):
    """Pick an agency; see its open actions (overdue first), its items on the next agenda, its attendance this
    fiscal year, the commitments and forums it leads, its secondees and the budget lines it owns."""

    def __init__(self, db: Database, as_at: date, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.reports.agency_view import agency_choices

        self.db, self.as_at, self.currency = db, as_at, currency
        self.setWindowTitle(self.tr("Agency view"))
        self.resize(900, 800)
        self.agency = QComboBox()
        self.agency.setAccessibleName(self.tr("Agency"))
        with db.read() as session:
            for agency_id, label in agency_choices(session):
                self.agency.addItem(label, agency_id)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("What the agency owes"))
        self.models: dict[str, ChartTableModel] = {}
        self._headings: dict[str, QLabel] = {}
        body = QWidget()
        sections = QVBoxLayout(body)
        for key in SECTIONS:
            model = ChartTableModel(self)
            table = QTableView()
            table.setModel(model)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
            table.setMinimumHeight(110)
            heading = QLabel()
            table.setAccessibleName(key)
            sections.addWidget(heading)
            sections.addWidget(table)
            self.models[key] = model
            self._headings[key] = heading
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Agency")))
        top.addWidget(self.agency, 1)
        top.addWidget(QLabel(self.tr("As at {0}").format(as_at.isoformat())))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.agency.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def select_agency(self, agency_id: int) -> None:
        self.agency.setCurrentIndex(self.agency.findData(agency_id))

    def refresh(self) -> None:
        from core.reports.agency_view import agency_view

        agency_id = self.agency.currentData()
        if agency_id is None:
            self.summary.setText(self.tr("No agency has a code yet."))
            return
        with self.db.read() as session:
            self.show_view(agency_view(session, agency_id, self.as_at))

    def show_view(self, view: AgencyView) -> None:
        meeting = (
            self.tr("The next meeting is on {0}.").format(view.next_meeting_date.isoformat())
            if view.next_meeting_date is not None
            else self.tr("No meeting is scheduled.")
        )
        self.summary.setText(
            self.tr(
                "{0} owes {1} open actions, {2} of them overdue, and leads {3} items on the next agenda. {4}"
            ).format(view.code, len(view.actions), view.overdue_actions, len(view.agenda), meeting)
        )
        tables = {
            "actions": (
                self.tr("Open actions (overdue first)"),
                (
                    self.tr("Ref"),
                    self.tr("Action"),
                    self.tr("Owner"),
                    self.tr("Due"),
                    self.tr("Status"),
                    self.tr("Overdue"),
                ),
                tuple(
                    (
                        a.ref,
                        a.description,
                        a.owner,
                        a.due.isoformat(),
                        self.tr(a.status),
                        self.tr("Overdue") if a.overdue else "",
                    )
                    for a in view.actions
                ),
            ),
            "agenda": (
                self.tr("Items it leads at the next meeting"),
                (self.tr("Item"), self.tr("Title"), self.tr("Purpose"), self.tr("Paper")),
                tuple((str(i.position), i.title, self.tr(i.purpose), i.paper_ref) for i in view.agenda),
            ),
            "attendance": (
                self.tr("Attendance at the last meetings"),
                (self.tr("Meeting"), self.tr("Date"), self.tr("Attendance")),
                tuple((str(m.number), m.meeting_date.isoformat(), self.tr(m.status)) for m in view.attendance),
            ),
            "commitments": (
                self.tr("Commitments it leads"),
                (self.tr("Commitment"), self.tr("Status"), self.tr("Next review")),
                tuple(
                    (c.title, self.tr(c.status), c.next_review.isoformat() if c.next_review else "")
                    for c in view.commitments
                ),
            ),
            "forums": (
                self.tr("Forums it leads"),
                (self.tr("Forum"), self.tr("Priority")),
                tuple((f.forum, self.tr(f.priority)) for f in view.forums),
            ),
            "secondees": (
                self.tr("Its secondees"),
                (self.tr("Person"), self.tr("Start"), self.tr("End"), self.tr("Status")),
                tuple((p.person, p.start.isoformat(), p.end.isoformat(), self.tr(p.status)) for p in view.secondees),
            ),
            "budget": (
                self.tr("Budget lines it owns, {0}").format(view.fiscal_year_label),
                (self.tr("Line"), self.tr("Forum"), self.tr("Revised budget")),
                tuple(
                    (b.description, b.forum, format_money(b.revised, currency=self.currency or None))
                    for b in view.budget_lines
                ),
            ),
        }
        for key, (heading, headers, rows) in tables.items():
            self._headings[key].setText(f"<b>{heading}</b> ({len(rows)})")
            self.models[key].set_rows(headers, rows)
