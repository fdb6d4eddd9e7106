"""The one import pipeline: pre-check, reading, header matching, dry run and all-or-nothing apply."""

from core.io.imports.errors import ImportRejected

__all__ = ["ImportRejected"]
