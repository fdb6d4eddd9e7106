"""Alembic environment: always run in process on a connection the application hands over."""

from __future__ import annotations

from alembic import context

from core.domain.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the application always passes its own connection
    raise RuntimeError("Cyber Affairs Desk runs its migrations in process; use core.db.migrate, not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
