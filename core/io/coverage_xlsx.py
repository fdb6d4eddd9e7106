"""The norms and strategy coverage report as a workbook: a Coverage sheet (one row per tag, gaps flagged) and an
Implementation sheet (one row per tag and record implementing it), styled and stamped like every export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.domain.commitments import Commitment
from core.domain.meetings import Action
from core.domain.reference import Marking
from core.domain.resources import BudgetLine
from core.io.errors import ExportError
from core.io.table_export import write_tables_xlsx
from core.reports.coverage import CoverageItem, CoverageReport, TagCoverage, coverage
from core.reports.lists import ColumnKind, ListColumn, ListContext, UnknownMarking, resolve_marking
from core.services.office import load_settings

__all__ = ["CoverageExportResult", "coverage_marking", "export_coverage"]

_KIND_NAMES: Mapping[str, str] = {
    "forum": "Forum",
    "action": "Action",
    "commitment": "Commitment",
    "budget_line": "Budget line",
}


def _given(_row: RowMapping, _ctx: ListContext) -> object:  # pragma: no cover - the values come ready
    return None


def _column(key: str, header: str, kind: ColumnKind = "text", width: int | None = None) -> ListColumn:
    # Columns of a report's own rows: nothing to select or compute, only how to show them.
    return ListColumn(key, header, kind, compute=_given, width=width)


@dataclass(frozen=True)
class _Sheet:
    title: str
    columns: tuple[ListColumn, ...]
    personal_data: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


SUMMARY = _Sheet(
    "Coverage",
    (
        _column("list", "List", width=20),
        _column("code", "Code", width=14),
        _column("tag", "Tag", width=40),
        _column("forums", "Forums", "int"),
        _column("actions", "Actions", "int"),
        _column("open_actions", "Open actions", "int"),
        _column("commitments", "Commitments", "int"),
        _column("working", "Signed or in implementation", "int"),
        _column("budget_lines", "Budget lines", "int"),
        _column("gap", "Gap", width=6),
        _column("implemented_by", "Implemented by", width=60),
    ),
)
DETAIL = _Sheet(
    "Implementation",
    (
        _column("list", "List", width=20),
        _column("code", "Code", width=14),
        _column("tag", "Tag", width=40),
        _column("kind", "Record", width=14),
        _column("title", "Title", width=60),
        _column("status", "Status", width=18),
        _column("via", "Through commitment", width=40),
    ),
)


def _summary_rows(tags: tuple[TagCoverage, ...]) -> Iterator[tuple[object, ...]]:
    for tag in tags:
        working = [c.title for c in tag.commitments if c.working] + [a.title for a in tag.actions if a.working]
        yield (
            tag.kind.label,
            tag.code,
            tag.label,
            len(tag.forums),
            len(tag.actions),
            tag.open_actions,
            len(tag.commitments),
            tag.working_commitments,
            len(tag.budget_lines),
            "Gap" if tag.gap else "",
            "; ".join(working),
        )


def _detail_rows(tags: tuple[TagCoverage, ...]) -> Iterator[tuple[object, ...]]:
    for tag in tags:
        for item in tag.items:
            yield (tag.kind.label, tag.code, tag.label, _KIND_NAMES[item.kind], item.title, item.status, item.via)


def _highest_marking(session: Session, report: CoverageReport) -> str | None:
    """The highest marking of the commitments and actions listed, if above the office default (else None)."""
    ids: dict[str, set[int]] = {"commitment": set(), "action": set()}
    for tag in report.tags:
        for item in tag.items:
            if item.kind in ids:
                ids[item.kind].add(item.row_id)
    ranks = [
        session.scalar(
            sa.select(sa.func.max(Marking.rank))
            .join(model, model.marking_id == Marking.id)
            .where(model.id.in_(sorted(ids[kind])))
        )
        for kind, model in (("commitment", Commitment), ("action", Action))
    ]
    best = max((r for r in ranks if r is not None), default=None)
    default = session.scalar(sa.select(Marking.rank).where(Marking.label == load_settings(session).default_marking))
    if best is None or (default is not None and best <= default):
        return None
    return session.scalar(sa.select(Marking.label).where(Marking.rank == best))


def coverage_marking(session: Session, fiscal_year: int) -> str | None:
    """The marking the year's coverage workbook carries in its headers, known before it is written: the GUI's
    suggested file name starts with it."""
    return _highest_marking(session, coverage(session, fiscal_year)) or load_settings(session).default_marking


@dataclass(frozen=True)
class CoverageExportResult:
    path: Path
    tags: int
    gaps: int
    fy_label: str

    marking: str | None = None
    left_out: int = 0  # records marked above the ceiling, left out
    ceiling: str | None = None

    def summary(self) -> str:
        stamp = f"marking {self.marking}" if self.marking else "no marking"
        text = (
            f"Wrote the {self.fy_label} coverage of {self.tags} tags ({self.gaps} gaps) to {self.path.name} ({stamp})"
        )
        if self.ceiling is not None:
            records = "record" if self.left_out == 1 else "records"
            text += f"; {self.left_out:,} {records} above {self.ceiling} left out"
        return text + "."


def _above(session: Session, report: CoverageReport, max_marking: str) -> tuple[CoverageReport, int]:
    """The report without the commitments, actions and budget lines marked above `max_marking` (and what is listed
    only through such a commitment), and how many records were left out; a tag left with nothing working shows as a
    gap, as it would to a reader of that marking."""
    _, max_rank = resolve_marking(session, max_marking)
    default = load_settings(session).default_marking
    default_rank = session.scalar(sa.select(Marking.rank).where(Marking.label == default)) or 0
    hidden: dict[str, set[int]] = {}
    rank = sa.func.coalesce(Marking.rank, default_rank)
    for kind, model in (("commitment", Commitment), ("action", Action), ("budget_line", BudgetLine)):
        hidden[kind] = set(
            session.scalars(
                sa.select(model.id).outerjoin(Marking, model.marking_id == Marking.id).where(rank > max_rank)
            )
        )
    # What is listed only through a hidden commitment (its actions and lines) goes with it.
    hidden_titles = set(session.scalars(sa.select(Commitment.title).where(Commitment.id.in_(hidden["commitment"]))))

    def keep(items: tuple[CoverageItem, ...]) -> tuple[CoverageItem, ...]:
        return tuple(
            i for i in items if i.row_id not in hidden.get(i.kind, set()) and (not i.via or i.via not in hidden_titles)
        )

    tags = tuple(
        replace(
            tag,
            forums=keep(tag.forums),
            actions=keep(tag.actions),
            commitments=keep(tag.commitments),
            budget_lines=keep(tag.budget_lines),
        )
        for tag in report.tags
    )
    listed = {
        (item.kind, item.row_id)
        for tag in report.tags
        for item in (*tag.forums, *tag.actions, *tag.commitments, *tag.budget_lines)
    }
    kept = {
        (item.kind, item.row_id)
        for tag in tags
        for item in (*tag.forums, *tag.actions, *tag.commitments, *tag.budget_lines)
    }
    return replace(report, tags=tags), len(listed - kept)


def export_coverage(
    db: Database, fiscal_year: int, target: Path, *, as_at: date | None = None, max_marking: str | None = None
) -> CoverageExportResult:
    """Write the coverage of `fiscal_year` to `target` (.xlsx) exactly; ExportError with a one-line message.
    `max_marking` leaves out commitments and actions marked above it."""
    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"Cannot export to {target.name}: the file name must end in .xlsx.", target)
    with db.read() as session:
        settings = load_settings(session)
        report: CoverageReport = coverage(session, fiscal_year)
        left_out = 0
        if max_marking is not None:
            try:
                report, left_out = _above(session, report, max_marking)
            except UnknownMarking as exc:
                raise ExportError(f"Cannot export to {target.name}: {exc}", target) from exc
        marking = _highest_marking(session, report) or settings.default_marking
    write_tables_xlsx(
        target,
        f"Norms and strategy coverage {report.fy_label}",
        ((SUMMARY, _summary_rows(report.tags)), (DETAIL, _detail_rows(report.tags))),
        settings=settings,
        marking=marking,
        as_at=as_at or date.today(),
    )
    return CoverageExportResult(
        target, len(report.tags), len(report.gaps), report.fy_label, marking, left_out=left_out, ceiling=max_marking
    )
