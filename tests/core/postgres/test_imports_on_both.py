"""Budget import writes the same lines and months on PostgreSQL as on SQLite: its month rows go to the driver's own
executemany with the driver's placeholder style, a path no other test drives on the server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.db.copy import copy_office
from core.db.engine import Database, open_database
from core.demo import build_demo
from core.domain.resources import BudgetLine, BudgetMonth
from core.io.imports.budget import BudgetImporter
from core.io.imports.pipeline import run_import
from tests.core.io.test_import_budget import colleague_workbook, good_rows
from tests.pg_fixtures import PgServer

AS_AT = date(2025, 8, 15)


def imported(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        rows = session.execute(
            sa.select(
                BudgetLine.external_ref,
                BudgetLine.description,
                BudgetMonth.fiscal_month,
                BudgetMonth.revised,
                BudgetMonth.actual,
            )
            .join(BudgetMonth, BudgetMonth.budget_line_id == BudgetLine.id)
            .where(BudgetLine.external_ref.is_not(None))
            .order_by(BudgetLine.external_ref, BudgetMonth.fiscal_month)
        ).all()
    return [tuple(r) for r in rows]


def test_budget_import_gives_the_same_lines_and_months_on_both(tmp_path: Path, pg_server: PgServer) -> None:
    path = tmp_path / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=AS_AT)
    url = pg_server.new_database(template=None)
    copy_office(path, url)
    source = colleague_workbook(tmp_path / "colleague.xlsx", good_rows(25))
    answers = []
    try:
        for target in (path, url):
            with open_database(target) as db:
                result = run_import(db, source, BudgetImporter(), dry_run=False)
                assert result.plan.summary == {"added": 25, "updated": 0}
                # Re-importing the same file updates in place on both: no second set of lines or months.
                again = run_import(db, source, BudgetImporter(), dry_run=False)
                assert again.plan.summary["added"] == 0
                answers.append(imported(db))
    finally:
        pg_server.drop(url)
    on_sqlite, on_server = answers
    assert len(on_sqlite) == 25 * 12
    assert on_server == on_sqlite
