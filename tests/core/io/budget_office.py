"""The demo office the budget workbook and budget import tests share (one build per module, a copy per test)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.backup import backup_to
from core.db.engine import Database, open_database
from core.demo import build_demo
from core.domain.resources import BudgetLine

__all__ = ["AS_AT", "HYPERLINK", "demo", "demo_file"]

AS_AT = date(2025, 8, 15)
HYPERLINK = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("budget") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=AS_AT)
        with db.write() as session:
            # User text that a naive writer would turn into a live formula or an error cell.
            line = session.scalars(sa.select(BudgetLine).where(BudgetLine.fiscal_year == 2025).limit(1)).one()
            line.description = HYPERLINK
            line.notes = "#N/A"
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "office.cyberdesk"
    backup_to(demo_file, path)
    db = open_database(path)
    yield db
    db.close()
