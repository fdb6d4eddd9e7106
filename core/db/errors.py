"""Database errors a user can act on; each message is one line naming the file."""

from __future__ import annotations


class DatabaseError(Exception):
    """Refusal to open or use a database, with a one-line message fit for a user."""


class DatabaseMissing(DatabaseError):
    pass


class NotADatabase(DatabaseError):
    pass


class NotAnOfficeDatabase(DatabaseError):
    pass


class EmptyDatabase(DatabaseError):
    pass


class CorruptDatabase(DatabaseError):
    pass


class NewerSchema(DatabaseError):
    pass


class MigrationFailed(DatabaseError):
    pass


class DatabaseBusy(DatabaseError):
    pass


class ReadOnlyDatabase(DatabaseError):
    pass


class DatabaseUnreachable(DatabaseError):
    """The office database server could not be reached or refused the login."""
