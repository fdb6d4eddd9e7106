"""`cyberdesk copy`: an office moved from its SQLite file to PostgreSQL and back keeps every row, id and audit chain."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.cli import run
from core.db.copy import CopyRefused, copy_office
from core.db.engine import open_database
from core.db.health import check_database
from core.demo import build_demo
from core.domain.organisations import Organisation, OrgType
from core.services.office import initialise_office
from core.services.records import create_record


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("copy") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=date(2025, 8, 15))
    return path


def ids(url: str | Path, table: str) -> list[int]:
    with open_database(url, readonly=True) as db, db.read() as session:
        return list(session.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).scalars())


def test_sqlite_to_postgresql_and_back_keeps_every_row_id_and_the_audit_chain(
    demo_file: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = check_database(demo_file)
    back = tmp_path / "back.cyberdesk"
    assert run(["copy", "--from", str(demo_file), "--to", pg_url]) == 0
    assert "on both sides" in capsys.readouterr().out
    assert run(["copy", "--from", pg_url, "--to", str(back)]) == 0
    on_server, returned = check_database(pg_url), check_database(back)
    for report in (on_server, returned):
        assert report.ok, report.problems
        assert report.row_counts == original.row_counts
        assert report.audit_head_hash == original.audit_head_hash
        assert report.audit_entries == original.audit_entries
    assert sum(original.row_counts.values()) > 1000
    assert ids(pg_url, "action") == ids(demo_file, "action") == ids(back, "action")
    assert ids(pg_url, "organisation") == ids(demo_file, "organisation")


def test_after_a_copy_new_records_get_fresh_ids_and_extend_the_same_chain(demo_file: Path, pg_url: str) -> None:
    copy_office(demo_file, pg_url)
    highest = max(ids(demo_file, "organisation"))
    with open_database(pg_url) as db, db.write(actor="liaison") as session:
        new_id = create_record(session, Organisation, {"name": "New Agency", "org_type": OrgType.AGENCY}).id
    assert new_id > highest
    assert check_database(pg_url).ok


def test_copy_refuses_a_target_that_already_holds_an_office(demo_file: Path, pg_url: str) -> None:
    with open_database(pg_url) as db:
        initialise_office(db, name="Already here")
    before = check_database(pg_url).row_counts
    with pytest.raises(CopyRefused, match="not empty"):
        copy_office(demo_file, pg_url)
    assert check_database(pg_url).row_counts == before


def test_copy_refusal_is_one_line_on_stderr(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["copy", "--from", str(demo_file), "--to", str(demo_file)]) != 0
    err = capsys.readouterr().err
    assert err.strip() == "cyberdesk: The source and the target are the same database."
