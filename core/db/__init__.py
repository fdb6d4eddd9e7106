"""Database access: engines, sessions, migrations, backup and the one-writer lock."""
