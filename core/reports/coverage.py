"""Norms and strategy coverage: for each norm, principle, CBM, function, building block and recommendation, what
implements it in a fiscal year (forums, actions, commitments, budget lines) and where the gaps are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.commitments import Commitment, CommitmentStatus, commitment_budget_line, commitment_tag
from core.domain.forums import Forum, forum_tag
from core.domain.meetings import CARRIED_FORWARD, Action, action_tag
from core.domain.reference import ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine, budget_line_tag
from core.services.office import load_settings

__all__ = ["COVERAGE_KINDS", "CoverageItem", "CoverageReport", "TagCoverage", "coverage"]

# The lists the office reports implementation against (seed recommendation 7 and building blocks); issue areas and
# free tags describe subjects, not commitments, so they are left out.
COVERAGE_KINDS: tuple[ReferenceKind, ...] = (
    ReferenceKind.GGE_NORM,
    ReferenceKind.PARIS_CALL,
    ReferenceKind.OSCE_CBM,
    ReferenceKind.OAS_CBM,
    ReferenceKind.FUNCTION,
    ReferenceKind.BUILDING_BLOCK,
    ReferenceKind.RECOMMENDATION,
)
ItemKind = Literal["forum", "action", "commitment", "budget_line"]
# A commitment counts as implementing a tag once it is signed and until it is done with.
IMPLEMENTING = (CommitmentStatus.SIGNED, CommitmentStatus.IN_IMPLEMENTATION)


@dataclass(frozen=True)
class CoverageItem:
    kind: ItemKind
    row_id: int
    title: str
    status: str  # the status label ("" for forums and budget lines)
    via: str = ""  # the commitment it implements the tag through, when not tagged itself
    working: bool = False  # a signed or in-implementation commitment, or an open action


@dataclass(frozen=True)
class TagCoverage:
    tag_id: int
    kind: ReferenceKind
    code: str
    label: str
    forums: tuple[CoverageItem, ...]
    actions: tuple[CoverageItem, ...]
    commitments: tuple[CoverageItem, ...]
    budget_lines: tuple[CoverageItem, ...]

    @property
    def items(self) -> tuple[CoverageItem, ...]:
        return (*self.forums, *self.actions, *self.commitments, *self.budget_lines)

    @property
    def gap(self) -> bool:
        """No signed or in-implementation commitment and no open action: nothing is being done about it."""
        return not any(item.working for item in (*self.commitments, *self.actions))

    @property
    def working_commitments(self) -> int:
        return sum(1 for c in self.commitments if c.working)

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.working)


@dataclass(frozen=True)
class CoverageReport:
    fiscal_year: int
    fy_label: str
    start: date
    end: date
    tags: tuple[TagCoverage, ...]

    @property
    def gaps(self) -> tuple[TagCoverage, ...]:
        return tuple(t for t in self.tags if t.gap)


def _tag_rows(session: Session, kinds: tuple[ReferenceKind, ...]) -> list[Any]:
    return list(
        session.execute(
            sa.select(ReferenceItem.id, ReferenceItem.kind, ReferenceItem.code, ReferenceItem.label)
            .where(ReferenceItem.kind.in_(kinds), ReferenceItem.archived.is_(sa.false()))
            .order_by(ReferenceItem.kind, ReferenceItem.sort_order, ReferenceItem.code)
        )
    )


def _by_tag(rows: Iterable[tuple[int, CoverageItem]]) -> dict[int, list[CoverageItem]]:
    found: dict[int, list[CoverageItem]] = defaultdict(list)
    for tag_id, item in rows:
        if item not in found[tag_id]:
            found[tag_id].append(item)
    return found


def coverage(
    session: Session, fiscal_year: int, *, kinds: tuple[ReferenceKind, ...] = COVERAGE_KINDS
) -> CoverageReport:
    """What implements each tag of `kinds` in `fiscal_year`:
    forums tagged with it (not archived, mandate not ended before the year); commitments tagged with it or whose
    function it is, signed (if at all) by the year's end; actions tagged with it, or on such a commitment, open at
    some time in the year; budget lines of the year tagged with it or funding such a commitment. Archived rows are
    left out. A gap: no signed or in-implementation commitment and no open action."""
    calendar = load_settings(session).calendar
    start, end = calendar.start_of(fiscal_year), calendar.end_of(fiscal_year)
    tags = _tag_rows(session, kinds)
    wanted = [row.id for row in tags]

    forums = session.execute(
        sa.select(forum_tag.c.reference_item_id, Forum.id, Forum.full_name, Forum.acronym)
        .join(Forum, Forum.id == forum_tag.c.forum_id)
        .where(
            forum_tag.c.reference_item_id.in_(wanted),
            Forum.archived.is_(sa.false()),
            sa.or_(Forum.mandate_end.is_(None), Forum.mandate_end >= start),
        )
        .order_by(Forum.full_name)
    )
    forum_items = _by_tag(
        (tag, CoverageItem("forum", fid, f"{name} ({acronym})" if acronym else name, ""))
        for tag, fid, name, acronym in forums
    )

    # Commitments tagged directly, or through their diplomatic function.
    tagged = sa.union(
        sa.select(commitment_tag.c.reference_item_id.label("tag"), commitment_tag.c.commitment_id.label("cid")),
        sa.select(Commitment.function_id.label("tag"), Commitment.id.label("cid")).where(
            Commitment.function_id.is_not(None)
        ),
    ).subquery()
    commitments = list(
        session.execute(
            sa.select(tagged.c.tag, Commitment.id, Commitment.title, Commitment.status)
            .join(Commitment, Commitment.id == tagged.c.cid)
            .where(
                tagged.c.tag.in_(wanted),
                Commitment.archived.is_(sa.false()),
                sa.or_(Commitment.signed_date.is_(None), Commitment.signed_date <= end),
            )
            .order_by(Commitment.title)
        )
    )
    commitment_items = _by_tag(
        (tag, CoverageItem("commitment", cid, title, status.label, working=status in IMPLEMENTING))
        for tag, cid, title, status in commitments
    )
    titles = {cid: title for _, cid, title, _ in commitments}
    tags_of_commitment: dict[int, set[int]] = defaultdict(set)
    for tag, cid, _, _ in commitments:
        tags_of_commitment[cid].add(tag)

    open_in_year = sa.and_(
        Action.archived.is_(sa.false()),
        Action.raised_on <= end,
        sa.or_(Action.closed_on.is_(None), Action.closed_on >= start),
    )
    action_rows: list[tuple[int, CoverageItem]] = []
    direct = session.execute(
        sa.select(action_tag.c.reference_item_id, Action.id, Action.ref, Action.description, Action.status)
        .join(Action, Action.id == action_tag.c.action_id)
        .where(action_tag.c.reference_item_id.in_(wanted), open_in_year)
    )
    for tag, aid, ref, text, status in direct:
        action_rows.append(
            (tag, CoverageItem("action", aid, f"{ref}: {text}", status.label, working=status in CARRIED_FORWARD))
        )
    through = session.execute(
        sa.select(Action.commitment_id, Action.id, Action.ref, Action.description, Action.status).where(
            Action.commitment_id.in_(list(titles)), open_in_year
        )
    )
    for cid, aid, ref, text, status in through:
        if cid is None:  # excluded by the query; said again for the type checker
            continue
        item = CoverageItem(
            "action", aid, f"{ref}: {text}", status.label, via=titles[cid], working=status in CARRIED_FORWARD
        )
        action_rows.extend((tag, item) for tag in sorted(tags_of_commitment[cid]))
    action_items = _by_tag(sorted(action_rows, key=lambda pair: pair[1].title))

    line_rows: list[tuple[int, CoverageItem]] = []
    direct_lines = session.execute(
        sa.select(budget_line_tag.c.reference_item_id, BudgetLine.id, BudgetLine.description)
        .join(BudgetLine, BudgetLine.id == budget_line_tag.c.budget_line_id)
        .where(
            budget_line_tag.c.reference_item_id.in_(wanted),
            BudgetLine.fiscal_year == fiscal_year,
            BudgetLine.archived.is_(sa.false()),
        )
    )
    line_rows.extend((tag, CoverageItem("budget_line", lid, text, "")) for tag, lid, text in direct_lines)
    funding = sa.union(
        sa.select(BudgetLine.commitment_id.label("cid"), BudgetLine.id.label("lid")).where(
            BudgetLine.commitment_id.is_not(None)
        ),
        sa.select(commitment_budget_line.c.commitment_id, commitment_budget_line.c.budget_line_id),
    ).subquery()
    funded = session.execute(
        sa.select(funding.c.cid, BudgetLine.id, BudgetLine.description)
        .join(BudgetLine, BudgetLine.id == funding.c.lid)
        .where(
            funding.c.cid.in_(list(titles)),
            BudgetLine.fiscal_year == fiscal_year,
            BudgetLine.archived.is_(sa.false()),
        )
    )
    for cid, lid, text in funded:
        if cid is None:  # excluded by the query; said again for the type checker
            continue
        item = CoverageItem("budget_line", lid, text, "", via=titles[cid])
        line_rows.extend((tag, item) for tag in sorted(tags_of_commitment[cid]))
    line_items = _by_tag(sorted(line_rows, key=lambda pair: (pair[1].title, pair[1].row_id)))

    return CoverageReport(
        fiscal_year=fiscal_year,
        fy_label=calendar.label(fiscal_year),
        start=start,
        end=end,
        tags=tuple(
            TagCoverage(
                tag_id=row.id,
                kind=row.kind,
                code=row.code,
                label=row.label,
                forums=tuple(forum_items.get(row.id, ())),
                actions=tuple(action_items.get(row.id, ())),
                commitments=tuple(commitment_items.get(row.id, ())),
                budget_lines=tuple(line_items.get(row.id, ())),
            )
            for row in tags
        ),
    )
