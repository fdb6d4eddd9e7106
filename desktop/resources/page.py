"""The Resources page: the budget lines and staff time lists, the budget grid and priorities against resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.lists.register import RegisterView
from desktop.resources.grid import BudgetGridView
from desktop.resources.shares import ResourceSharesView

if TYPE_CHECKING:
    from core.db.engine import Database


class ResourcesPage(RegisterView):
    def __init__(self, db: Database, entities: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(db, entities, parent)
        self.grid = BudgetGridView(db)
        # An amount edited in the grid's lines shows in the budget lines list at once.
        self.grid.sig_lines_changed.connect(self._on_grid_lines_changed)
        self.add_tab(self.grid, self.tr("Budget by forum and period"))
        self.shares = ResourceSharesView(db)
        self.add_tab(self.shares, self.tr("Staff time and priorities"))

    def show_grid(self) -> BudgetGridView:
        self.show_tab(self.grid)
        return self.grid

    def refresh(self) -> None:
        super().refresh()
        self.grid.reload()
        self.shares.reload()

    def _on_grid_lines_changed(self) -> None:
        super().refresh()
