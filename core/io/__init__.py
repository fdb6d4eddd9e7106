"""Export and import: the safe cell writer, atomic saves, workbooks, csv and calendar files."""
