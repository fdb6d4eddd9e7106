"""The refusal every importer raises, apart from the readers so that callers need not import openpyxl to catch it."""

from __future__ import annotations

from pathlib import Path


class ImportRejected(Exception):
    """A file the import pipeline will not take; the message is one line for the user and names the file."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path
