"""What importing the models costs every start: a SQLite office never loads SQLAlchemy's PostgreSQL dialect (60 ms),
while a PostgreSQL engine still gets each index's PostgreSQL-only options, which the models keep aside for it; and
the model modules' annotations are evaluated by Python, not by SQLAlchemy from strings (28 ms)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from core.domain.base import POSTGRESQL_WHERE, declare_postgresql_options
from core.domain.models import Base

ROOT = Path(__file__).resolve().parents[3]


def run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_opening_a_sqlite_office_and_its_dashboard_never_imports_the_postgresql_dialect(tmp_path: Path) -> None:
    path = str(tmp_path / "office.cyberdesk")
    # Creating an office runs the migrations, whose Alembic loads every dialect's DDL support: not what a start pays.
    run(
        "from core.db.engine import open_database\n"
        "from core.services.office import initialise_office\n"
        f"with open_database({path!r}, create=True) as db:\n"
        "    initialise_office(db)\n"
    )
    loaded = run(
        "import sys\n"
        "from datetime import date\n"
        "from core.db.engine import open_database\n"
        "from core.reports.dashboard import build_dashboard\n"
        f"with open_database({path!r}) as db:\n"
        "    with db.read() as session:\n"
        "        build_dashboard(session, 2026, date(2026, 8, 1))\n"
        "print(sorted(name for name in sys.modules if 'postgresql' in name))\n"
    )
    assert loaded == "[]"


def kept_aside() -> list[str]:
    return sorted(
        index.name or ""
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if POSTGRESQL_WHERE in index.info
    )


def test_the_open_actions_index_keeps_its_postgresql_condition_aside() -> None:
    assert kept_aside() == ["ix_action_open"]


def test_declared_options_make_postgresql_ddl_partial_like_sqlites() -> None:
    declare_postgresql_options(Base.metadata)
    declare_postgresql_options(Base.metadata)  # a second engine in the same process
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            if index.name in kept_aside():
                ddl = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
                assert ddl.endswith("WHERE status IN ('DEFERRED', 'IN_PROGRESS', 'OPEN') AND archived = false"), ddl


def test_a_server_engine_declares_them_before_its_first_statement() -> None:
    pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")
    from core.db import postgres as pg

    (index,) = (i for i in Base.metadata.tables["action"].indexes if i.name == "ix_action_open")
    index.dialect_options["postgresql"]["where"] = None  # as a fresh process has it
    engine = pg.create_server_engine("postgresql://liaison:secret@db.office.example/office")
    try:
        assert "WHERE status IN" in str(CreateIndex(index).compile(dialect=engine.dialect))
    finally:
        engine.dispose()


def test_no_model_module_postpones_its_annotations() -> None:
    """With `from __future__ import annotations` every annotation would be a string for SQLAlchemy to eval()."""
    mappers = list(Base.registry.mappers)
    assert len(mappers) > 25
    for mapper in mappers:
        for cls in mapper.class_.__mro__:
            if cls.__module__.startswith("core.domain."):
                annotations = vars(cls).get("__annotations__", {})
                assert not [name for name, hint in annotations.items() if isinstance(hint, str)], cls
