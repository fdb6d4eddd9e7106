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
        # An amount edited in the grid's lines shows at once in the budget lines list and in the priorities
        # against money (the staff time tab), not only after the next save elsewhere.
        self.grid.sig_lines_changed.connect(self._on_grid_lines_changed)
        self.add_tab(self.grid, self.tr("Budget by forum and period"))
        self.shares = ResourceSharesView(db)
        self.add_tab(self.shares, self.tr("Staff time and priorities"))
        # The reports take seconds on a large office: each is computed when its tab is first shown, not before.
        assert self._tabs is not None
        self._tabs.currentChanged.connect(self._on_tab_changed)

    def show_grid(self) -> BudgetGridView:
        self.show_tab(self.grid)
        self.grid.load.ensure()
        return self.grid

    def show_shares(self) -> ResourceSharesView:
        self.show_tab(self.shares)
        self.shares.load.ensure()
        return self.shares

    def refresh(self) -> None:
        super().refresh()
        # A view never shown stays unloaded: it computes fresh figures when first shown anyway.
        for view in (self.grid, self.shares):
            if view.load.requested:
                view.reload()

    def _on_tab_changed(self, _index: int) -> None:
        current = self._tabs.currentWidget() if self._tabs is not None else None
        if isinstance(current, BudgetGridView | ResourceSharesView):
            current.load.ensure()

    def _on_grid_lines_changed(self) -> None:
        super().refresh()
        if self.shares.load.requested:  # never shown: it computes fresh figures when first shown anyway
            self.shares.reload()
