"""Sets of links kept in link tables (a commitment's tags, counterparties and supporting agencies, a secondment's
forums): the choices an editor offers, and saving a chosen set as the difference, audited on the owning record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.audit import AuditKind, EntryData, append_entries, current_actor, encode_changes
from core.domain.base import LabelledEnum, utcnow
from core.domain.commitments import (
    commitment_budget_line,
    commitment_counterparty,
    commitment_supporting_agency,
    commitment_tag,
)
from core.domain.forums import Forum
from core.domain.organisations import Organisation, OrgType
from core.domain.reference import CostCategory, ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine
from core.domain.secondments import secondment_forum
from core.services.office import load_settings
from core.services.validation import ValidationError

__all__ = [
    "COMMITMENT_BUDGET_LINES",
    "COMMITMENT_COUNTERPARTIES",
    "COMMITMENT_SUPPORTING_AGENCIES",
    "COMMITMENT_TAGS",
    "SECONDMENT_FORUMS",
    "LinkChoice",
    "LinkSet",
    "link_choices",
    "linked_ids",
    "set_links",
]

# What a commitment is tagged with (its diplomatic function is a field of its own).
TAG_KINDS: tuple[ReferenceKind, ...] = (
    ReferenceKind.GGE_NORM,
    ReferenceKind.PARIS_CALL,
    ReferenceKind.OSCE_CBM,
    ReferenceKind.OAS_CBM,
    ReferenceKind.BUILDING_BLOCK,
    ReferenceKind.RECOMMENDATION,
    ReferenceKind.ISSUE_AREA,
    ReferenceKind.TAG,
)


@dataclass(frozen=True)
class LinkSet:
    """One link table seen from its owner: `field` names the set in the audit trail and in errors."""

    field: str
    owner_table: str
    table: sa.Table
    owner_column: str
    target_column: str
    target: str  # "reference_item", "organisation", "agency", "forum" or "budget_line": what may be linked
    refused: str  # the message when something else is offered


COMMITMENT_TAGS = LinkSet(
    "tags",
    "commitment",
    commitment_tag,
    "commitment_id",
    "reference_item_id",
    "reference_item",
    "Choose norms, principles, CBMs, building blocks, recommendations, issue areas or tags.",
)
COMMITMENT_COUNTERPARTIES = LinkSet(
    "counterparties",
    "commitment",
    commitment_counterparty,
    "commitment_id",
    "organisation_id",
    "organisation",
    "Choose organisations: states, international organisations, firms.",
)
COMMITMENT_SUPPORTING_AGENCIES = LinkSet(
    "supporting_agencies",
    "commitment",
    commitment_supporting_agency,
    "commitment_id",
    "agency_id",
    "agency",
    "Choose agencies of the home government.",
)
COMMITMENT_BUDGET_LINES = LinkSet(
    "budget_lines",
    "commitment",
    commitment_budget_line,
    "commitment_id",
    "budget_line_id",
    "budget_line",
    "Choose budget lines of the office.",
)
SECONDMENT_FORUMS = LinkSet(
    "forums", "secondment", secondment_forum, "secondment_id", "forum_id", "forum", "Choose forums."
)


@dataclass(frozen=True)
class LinkChoice:
    id: int
    group: str  # the heading it is listed under (a reference list, an organisation type, a forum type)
    code: str  # what the audit trail records ("NORM-C", "MFA", "OEWG")
    text: str  # what the picker shows
    archived: bool


def _label(value: object) -> str:
    return value.label if isinstance(value, LabelledEnum) else str(value)


def _choice_rows(session: Session, target: str, include: list[int]) -> Iterable[tuple[Any, ...]]:
    """(id, group, code, text, archived) of what `target` offers, archived rows only when already chosen."""
    if target == "reference_item":
        ref = ReferenceItem
        for row in session.execute(
            sa.select(ref.id, ref.kind, ref.code, ref.label, ref.archived)
            .where(ref.kind.in_(TAG_KINDS), sa.or_(ref.archived.is_(sa.false()), ref.id.in_(include)))
            .order_by(ref.kind, ref.sort_order, ref.code)
        ):
            yield row.id, row.kind, row.code, f"{row.code} — {row.label}", row.archived
    elif target in ("organisation", "agency"):
        org = Organisation
        query = sa.select(org.id, org.org_type, org.code, org.name, org.archived).where(
            sa.or_(org.archived.is_(sa.false()), org.id.in_(include))
        )
        if target == "agency":
            query = query.where(org.org_type == OrgType.AGENCY)
        for org_row in session.execute(query.order_by(org.org_type, org.name)):
            code = org_row.code or org_row.name
            yield (
                org_row.id,
                org_row.org_type,
                code,
                f"{org_row.name} ({org_row.code})" if org_row.code else org_row.name,
                org_row.archived,
            )
    elif target == "budget_line":
        yield from _budget_line_rows(session, include)
    else:
        for forum_row in session.execute(
            sa.select(Forum.id, Forum.forum_type, Forum.acronym, Forum.full_name, Forum.archived)
            .where(sa.or_(Forum.archived.is_(sa.false()), Forum.id.in_(include)))
            .order_by(Forum.forum_type, Forum.full_name)
        ):
            text = f"{forum_row.full_name} ({forum_row.acronym})" if forum_row.acronym else forum_row.full_name
            yield forum_row.id, forum_row.forum_type, forum_row.acronym or forum_row.full_name, text, forum_row.archived


def _budget_line_rows(session: Session, include: list[int]) -> Iterable[tuple[Any, ...]]:
    """Lines of the year before, this year and the next two (an office keeps years of lines), and any linked."""
    calendar = load_settings(session).calendar
    this_year = calendar.fiscal_year_of(date.today())
    line, category = BudgetLine, CostCategory
    rows = session.execute(
        sa.select(line.id, line.fiscal_year, line.description, category.label, line.archived)
        .join(category, line.category_id == category.id)
        .where(
            sa.or_(
                sa.and_(line.archived.is_(sa.false()), line.fiscal_year.between(this_year - 1, this_year + 2)),
                line.id.in_(include),
            )
        )
        .order_by(line.fiscal_year.desc(), line.description, line.id)
    )
    for line_id, year, description, category_label, archived in rows:
        yield line_id, calendar.label(year), f"Line {line_id}", f"{description} ({category_label})", archived


def link_choices(session: Session, link: LinkSet, include_ids: Iterable[int] = ()) -> tuple[LinkChoice, ...]:
    rows = _choice_rows(session, link.target, list(include_ids))
    return tuple(LinkChoice(i, _label(group), code, text, archived) for i, group, code, text, archived in rows)


def linked_ids(session: Session, link: LinkSet, owner_id: int) -> frozenset[int]:
    columns = link.table.c
    query = sa.select(columns[link.target_column]).where(columns[link.owner_column] == owner_id)
    return frozenset(session.scalars(query))


def set_links(session: Session, link: LinkSet, owner_id: int, target_ids: Iterable[int]) -> tuple[int, int]:
    """Make the owner's links exactly `target_ids`, writing only the difference (so two people linking the same
    record to different things both keep theirs), audited on the owner as a change of `link.field` whose old and
    new values are the codes as text ("NORM-C, NORM-J"). Returns (added, removed)."""
    owner = sa.table(link.owner_table, sa.column("id"))
    if session.execute(sa.select(owner.c.id).where(owner.c.id == owner_id)).first() is None:
        raise LookupError(f"{link.owner_table} {owner_id} no longer exists")
    wanted = frozenset(target_ids)
    before = linked_ids(session, link, owner_id)
    codes = {c.id: c.code for c in link_choices(session, link, wanted | before)}
    if wanted - codes.keys():
        raise ValidationError({link.field: link.refused})
    added, removed = wanted - before, before - wanted
    columns = link.table.c
    if added:
        rows = [{link.owner_column: owner_id, link.target_column: target} for target in sorted(added)]
        session.execute(sa.insert(link.table), rows)
    if removed:
        session.execute(
            sa.delete(link.table).where(
                columns[link.owner_column] == owner_id, columns[link.target_column].in_(removed)
            )
        )
    if added or removed:
        change = {
            link.field: {
                "old": ", ".join(sorted(codes[t] for t in before)),
                "new": ", ".join(sorted(codes[t] for t in wanted)),
            }
        }
        actor = session.info.get("actor") or current_actor()
        entry = EntryData(utcnow(), actor, AuditKind.UPDATE, link.owner_table, owner_id, encode_changes(change))
        append_entries(session.connection(), [entry])
    return len(added), len(removed)
