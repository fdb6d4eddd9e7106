"""The dashboard: KPI tiles and charts of the quarter at a glance (pyqtgraph is imported only with this page)."""
