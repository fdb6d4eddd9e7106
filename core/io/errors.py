"""Export and import errors, kept apart from the writers so that callers need not import openpyxl to catch them."""

from __future__ import annotations

from pathlib import Path


class ExportError(Exception):
    """An export could not be written; the message is one line for the user and names the file."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path
