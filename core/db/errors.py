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


class ReadOnlyLocation(ReadOnlyDatabase):
    """The file or its folder cannot be written here: it can be opened read-only."""


class DatabaseUnavailable(DatabaseError):
    """The file vanished or became unreachable while open (a network drive or USB disk gone)."""


class DatabaseUnreachable(DatabaseError):
    """The office database server could not be reached or refused the login."""
