"""The Resources area: the budget workbook and budget import from the File menu."""
