"""Migrations: models and migrations agree, a backup comes first, and a failure changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.db import migrate
from core.db.backup import list_backups
from core.db.engine import Database, open_database
from core.db.errors import MigrationFailed
from core.db.paths import backup_dir_for
from core.db.text_search import PREFIX_INDEXES, is_text_index_table, pg_trigram_index_names
from core.domain.models import Base
from core.reports.lists import RAG_SORT_INDEX

GOOD_STEP = """
import sqlalchemy as sa
from alembic import op

revision = "9001_test_step"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("website", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    pass
"""

FAILING_STEP = """
import sqlalchemy as sa
from alembic import op

revision = "9001_test_step"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("website", sa.String(200), nullable=False, server_default=""))
    op.execute("UPDATE organisation SET website = 'x'")
    op.execute("INSERT INTO scratch (id) VALUES (1)")
    op.execute("INSERT INTO scratch (id) VALUES (1)")  # violates the primary key: the step fails here


def downgrade() -> None:
    pass
"""


def schema_snapshot(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str]]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        objects = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        conn.close()
    return objects, version


def _mapped(name: str | None, type_: str, _parent: object) -> bool:
    # The FTS5 text index (migration 0003) and its shadow tables are SQLite's machinery kept by triggers, not
    # tables the application maps: they are left out here by name, and checked by tests/core/db/test_text_search.py.
    if type_ == "index" and name in pg_trigram_index_names():
        return False  # PostgreSQL's trigram indexes from the same migration, checked in tests/core/postgres
    if type_ == "index" and name in PREFIX_INDEXES:
        return False  # SQLite's NOCASE index of migration 0005, an expression the models cannot declare portably
    if type_ == "index" and name == RAG_SORT_INDEX:
        return False  # SQLite's index of the actions' RAG inputs (migration 0006), with a NOCASE ref likewise
    return not (type_ == "table" and name is not None and is_text_index_table(name))


def test_models_and_migrations_agree(schema_db: Database) -> None:
    with schema_db.read() as session:
        context = MigrationContext.configure(session.connection(), opts={"compare_type": True, "include_name": _mapped})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def with_extra_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    (scripts / "versions" / "0002_test_step.py").write_text(body.format(down=migrate.head_revision()))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)


@pytest.mark.sqlite_only
def test_upgrade_takes_a_backup_first(schema_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = schema_db.path
    assert path is not None
    schema_db.close()
    shipped_head = migrate.head_revision()
    with_extra_step(tmp_path, monkeypatch, GOOD_STEP)
    with open_database(path) as db:
        assert db.backup_taken is not None
        with db.read() as session:
            columns = {c["name"] for c in sa.inspect(session.connection()).get_columns("organisation")}
    assert "website" in columns
    backups = list_backups(backup_dir_for(path))
    assert [b.reason for b in backups] == ["before-update"]
    assert schema_snapshot(backups[0].path)[1] == [(shipped_head,)]


@pytest.mark.sqlite_only
def test_failed_migration_is_rolled_back(schema_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = schema_db.path
    assert path is not None
    with schema_db.write() as session:
        session.execute(
            sa.text(
                "INSERT INTO organisation (name, name_key, short_name, org_type, agency_type, is_core_member,"
                " country, notes, archived, version_id, created_at, updated_at)"
                " VALUES ('MFA', 'mfa', '', 'AGENCY', '', 1, '', '', 0, 1, '2025-01-01', '2025-01-01')"
            )
        )
    schema_db.close()
    before = schema_snapshot(path)
    with_extra_step(tmp_path, monkeypatch, FAILING_STEP)
    with pytest.raises(MigrationFailed, match="rolled back"):
        open_database(path)
    assert schema_snapshot(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM organisation").fetchall() == [("MFA",)]
    conn.close()
    assert not path.with_name(path.name + ".lock").exists()


def test_revisions_read_from_the_scripts_match_alembic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for extra in ("", GOOD_STEP):
        if extra:
            with_extra_step(tmp_path, monkeypatch, extra)
        scripts = migrate.script_directory()
        assert migrate.head_revision() == scripts.get_current_head()
        assert migrate.known_revisions() == {rev.revision for rev in scripts.walk_revisions()}
    assert migrate.head_revision() == "9001_test_step"


def test_current_revisions_without_alembic(schema_db: Database, tmp_path: Path) -> None:
    with schema_db.read() as session:
        assert migrate.current_revisions(session.connection()) == {migrate.head_revision()}
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    with engine.connect() as conn:
        assert migrate.current_revisions(conn) == frozenset()
    engine.dispose()
