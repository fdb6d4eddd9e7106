"""Read models behind every list in the app: columns, joins, search, sort, paging and the marking ceiling."""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import QueryableAttribute, Session, aliased
from sqlalchemy.orm import join as orm_join
from sqlalchemy.sql import FromClause, visitors
from sqlalchemy.sql.elements import BinaryExpression, ColumnClause

from core.db.text_search import (
    MAX_NARROWED,
    TEXT_INDEXES,
    contains_matcher,
    escape_like,
    few_rows_narrowing,
    is_long_text,
    prefix_order,
    searches_long_text,
    text_index_rows,
)
from core.domain.audit import AuditEntry
from core.domain.base import LabelledEnum, Money
from core.domain.commitments import Commitment, CommitmentStatus, Milestone, commitment_tag
from core.domain.fiscal import FiscalCalendar, meeting_title
from core.domain.forums import Forum, ForumEvent, forum_tag
from core.domain.meetings import (
    Action,
    ActionStatus,
    Decision,
    EngagementGroup,
    Meeting,
    MeetingStatus,
    Paper,
    RagOverride,
    action_tag,
)
from core.domain.organisations import Organisation, Person
from core.domain.reference import CostCategory, Marking, ReferenceItem
from core.domain.resources import BudgetLine, BudgetMonth, StaffAllocation, budget_line_tag
from core.domain.secondments import ChecklistTemplate, Secondment
from core.domain.text import name_key
from core.reports.list_filters import ListFilter, filter_clause, next_open_milestone
from core.services.commitments import commitment_rag_input
from core.services.office import load_settings
from core.services.rag import DUE_SOON_DAYS, Rag, action_rag_input, rag

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "COLUMN_KINDS",
    "LIST_ENTITIES",
    "LIST_SPECS",
    "RAG_SORT_INDEX",
    "ColumnKind",
    "ListColumn",
    "ListContext",
    "ListOrder",
    "ListPage",
    "ListQuery",
    "ListSpec",
    "SortSegment",
    "UnknownList",
    "UnknownMarking",
    "UnsortableColumn",
    "action_rag_case",
    "action_rag_segments",
    "commitment_rag_case",
    "count_list",
    "fetch_list",
    "list_marking",
    "list_spec",
    "marking_scheme",
    "order_worth_reading",
    "read_list_order",
    "resolve_marking",
    "unsearched_columns",
]

LIST_ENTITIES: tuple[str, ...] = (
    "organisations",
    "people",
    "forums",
    "reference",
    "meetings",
    "actions",
    "decisions",
    "events",
    "budget",
    "allocations",
    "secondments",
    "commitments",
    "audit",
    "checklist_templates",
)

ColumnKind = Literal["text", "int", "date", "datetime", "money", "bool", "fte", "rag"]
COLUMN_KINDS: tuple[ColumnKind, ...] = get_args(ColumnKind)

SqlExpr: TypeAlias = "sa.ColumnElement[Any] | QueryableAttribute[Any]"

# Parameters every list statement may use, bound at execution so the specs stay static data.
AS_AT = sa.bindparam("as_at", type_=sa.Date())
DEFAULT_RANK = sa.bindparam("default_rank", type_=sa.Integer())
RAG_SOON = sa.bindparam("rag_soon", type_=sa.Date())  # as_at + DUE_SOON_DAYS: the last day that is "due soon"

_PK = "_pk"
_ARCHIVED = "_archived"
_FTE_SCALE = -2  # FTE is stored in hundredths
# Severity first: sorting a RAG column puts what needs attention at the top.
_RAG_ORDER = {r.value: i for i, r in enumerate((Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.CANCELLED))}
# SQLite's index of every input of action_rag_case (migration 0006 holds its own copy of the name).
RAG_SORT_INDEX = "ix_action_rag_inputs"
# Sorts that an index only the migrations know serves (SQLite's index of action refs without case, migration 0005).
_SORTED_BY_MIGRATION_INDEX = frozenset({("actions", "ref")})
# A page read segment by segment (_segmented_keys) checks at most this many rows in order per row it needs before
# it gives up and sorts every row: a search that matches one row in eight of a segment or more stays on that path.
_PROBE_FACTOR = 8
# The rows first read of a segment, per row still needed: a search matching a third of them fills a page at once.
_FIRST_BATCH = 4
# At most this many rows read at once, each a parameter of the statement (SQLite allows 32,766): pages far down.
_MAX_BATCH = 4000
# A search too short for the text index finds its rows first (few_rows_narrowing) when they are at most
# MAX_NARROWED, but at most this many when the list is read in the order of a stored column, which an index may
# serve: a page of 200 is then found in 20,000 rows or fewer read in order (two letters in 6% of 200,000 actions,
# by due date: 21 ms read in order, 60 ms found first and sorted).
_IN_ORDER_NARROWED = 2000
# A page found in a ListOrder reads at most this many keys in order before it gives up and filters and sorts every
# row instead (each key is a look-up of its row, 2.5-5 ms per thousand on 200,000 actions): a search matching one
# row in 15 or more spread through the order. A search whose rows indexes list reads one batch first (_FIRST_BATCH
# per row it needs), then lists them (_keys_in_order).
_ORDER_PROBE = 3_000
# The share of a list's rows past which the rows an enum member search keeps are found by listing the others'.
_LEFT_OUT_ABOVE = 0.5


@dataclass(frozen=True)
class _Listing:
    """The statement listing the keys of the rows one condition of a search keeps, from an index. For members of
    an enum column, the column and members too, and the statement listing the rows it leaves out (its other
    members'), which are listed instead when they are fewer (_keys_in_order)."""

    keeps: sa.Select[Any]
    column: str | None = None
    members: frozenset[Any] = frozenset()
    leaves: sa.Select[Any] | None = None


@dataclass(frozen=True)
class _Search:
    """A search's condition; whether an index narrowed it (its rows found first, or the text index's
    candidates); for the text index, or a search to be found in a ListOrder, each of its conditions' listing,
    together every row it keeps (`candidates`); and the condition without the narrowing (`plain`: the same rows,
    read one by one)."""

    clause: sa.ColumnElement[bool]
    narrowed: bool = False
    candidates: tuple[_Listing, ...] = ()
    plain: sa.ColumnElement[bool] | None = None


class UnknownList(ValueError):
    """An entity name that is not one of LIST_ENTITIES."""


class UnknownMarking(ValueError):
    """A marking label that is not in the office's scheme; the message lists the valid labels."""


class UnsortableColumn(ValueError):
    """A computed column (such as RAG) cannot be sorted one page at a time."""


@dataclass(frozen=True)
class ListContext:
    """What computed columns need besides the row: the date that counts as today and the office's settings."""

    as_at: date
    calendar: FiscalCalendar
    marking_labels: Mapping[int, str]  # rank -> label


Compute: TypeAlias = Callable[[RowMapping, ListContext], object]


@dataclass(frozen=True)
class SortSegment:
    """The rows of a list meeting `where`: in a column's ascending order, all of one segment's rows come before all
    of the next's. `constant` when the column has one value for every row of it (they sort by the next keys alone,
    which an index may serve in order)."""

    where: SqlExpr
    constant: bool = False


@dataclass(frozen=True)
class ListColumn:
    """One column of a list. `expr` is selected under `key`; `compute` (if any) makes the shown value in Python
    from the row's raw values. SQL sorts by `sort_expr`, else `expr`; a column with neither sorts in Python."""

    key: str
    header: str
    kind: ColumnKind
    expr: SqlExpr | None = None
    compute: Compute | None = None
    sort_expr: SqlExpr | None = None
    width: int | None = None  # a hint for exports and views: characters, for long free text
    # Every row in exactly one segment, in ascending order of the sort: a page is then found segment by segment.
    sort_segments: tuple[SortSegment, ...] = ()
    # The segments leave rows out, which sort after them all: only an ascending sort starts with the segments.
    sort_segments_partial: bool = False

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")
        if self.expr is None and self.compute is None:
            raise ValueError(f"Column {self.key!r} needs an SQL expression or a compute function")

    @property
    def sortable_in_sql(self) -> bool:
        return self.sort_expr is not None or self.expr is not None

    @property
    def searchable(self) -> bool:
        """Free-text columns take part in search; enum columns match on their labels."""
        return self.kind == "text" and self.compute is None and self.expr is not None and _is_text(self.expr)


@dataclass(frozen=True)
class ListSpec:
    """Everything a view or export needs to show one list; data, not code."""

    entity: str
    title: str
    item: tuple[str, str]  # singular and plural noun, for messages
    source: FromClause
    pk: SqlExpr
    columns: tuple[ListColumn, ...]
    default_order: tuple[tuple[str, bool], ...]  # (column key, descending)
    inputs: tuple[tuple[str, SqlExpr], ...] = ()  # hidden values computed columns read
    archived: SqlExpr | None = None
    marking_key: str | None = None
    personal_data: bool = False

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns] + [k for k, _ in self.inputs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Duplicate column keys in list {self.entity!r}")
        for key, _ in self.default_order:
            self.column(key)

    def column(self, key: str) -> ListColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"List {self.entity!r} has no column {key!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def marking_rank(self) -> SqlExpr | None:
        """The SQL expression of a row's effective marking rank (its own or the office default)."""
        return None if self.marking_key is None else self.column(self.marking_key).expr

    def select(self) -> sa.Select[Any]:
        """The base statement: primary key, every SQL column labelled by its key, then the hidden inputs."""
        selected = [c.expr.label(c.key) for c in self.columns if c.expr is not None]
        hidden = [expr.label(key) for key, expr in self.inputs]
        return sa.select(self.pk.label(_PK), *selected, *hidden).select_from(self.source)


@dataclass(frozen=True)
class ListPage:
    """One page of a list as plain values (str, int, Decimal, date, datetime, bool, None)."""

    columns: tuple[ListColumn, ...]
    rows: tuple[tuple[object, ...], ...]
    ids: tuple[int, ...]  # the primary key of each row, for opening the record
    total: int | None  # rows matching the same filter, all pages together; None when not counted (count=False)
    offset: int
    left_out_by_marking: int  # rows hidden by the marking ceiling
    highest_marking: str | None  # label of the highest marking among `rows`
    more: bool = False  # rows follow this page
    archived_ids: frozenset[int] = frozenset()  # rows of `ids` that are archived (only asked for with archived ones)


@dataclass(frozen=True)
class ListQuery:
    """What a list view shows of its list: the choices `fetch_list` takes (search, structured filter, archived
    rows, sort) plus the columns shown, by key in the order shown (None: all, in the list's order). An export of
    the view takes it, so that the file holds exactly the rows and columns on the screen."""

    search: str | None = None
    preset: ListFilter | None = None
    include_archived: bool = False
    sort: tuple[str, bool] | None = None
    columns: tuple[str, ...] | None = None

    def fetch(self, session: Session, entity: str, *, as_at: date, max_marking_rank: int | None = None) -> ListPage:
        """Every row the view would page through, in its order, with all the list's columns."""
        return fetch_list(
            session,
            entity,
            as_at=as_at,
            sort=self.sort,
            search=self.search,
            max_marking_rank=max_marking_rank,
            include_archived=self.include_archived,
            preset=self.preset,
        )


# ----------------------------------------------------------------------------------------------------
# Expression helpers


def _sql(expr: SqlExpr) -> sa.ColumnElement[Any]:
    return expr.expression


def _is_text(expr: SqlExpr) -> bool:
    return isinstance(_sql(expr).type, sa.String)


def _enum_class(expr: SqlExpr) -> type[LabelledEnum] | None:
    sql_type = _sql(expr).type
    enum_class = sql_type.enum_class if isinstance(sql_type, sa.Enum) else None
    if isinstance(enum_class, type) and issubclass(enum_class, LabelledEnum):
        return enum_class
    return None


def _org_label(org: Any) -> sa.ColumnElement[Any]:
    """Agencies by their short code (MFA, NCSC), any other organisation by name."""
    return sa.func.coalesce(org.code, org.name)


def _group_label(group: Any) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.nullif(group.short_name, ""), group.name)


def _forum_label(forum: Any) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.nullif(forum.acronym, ""), forum.full_name)


def _money(expr: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    # Arithmetic on a TypeDecorator falls back to the plain integer type; cents must still come back as Decimal.
    return sa.type_coerce(expr, Money())


def _marking_column(*sources: SqlExpr) -> ListColumn:
    """The effective marking: the highest of the row's own and its linked records' markings, else the office
    default. Selected as a rank so the ceiling filter and sorting stay in SQL; shown as the label."""
    marking = aliased(Marking, name="src_marking")
    highest = sa.select(sa.func.max(marking.rank)).where(marking.id.in_(sources)).scalar_subquery()
    return ListColumn(
        "marking",
        "Marking",
        "text",
        sa.func.coalesce(highest, DEFAULT_RANK),
        compute=lambda row, ctx: ctx.marking_labels.get(row["marking"]),
    )


def action_rag_case(
    actions: Any, *, as_at: Any = AS_AT, soon: Any = RAG_SOON, rank: bool = False
) -> sa.ColumnElement[Any]:
    """core.services.rag.rag() of action rows as one SQL CASE, so that lists sort by RAG in SQL, a page at a time.
    `actions` is the Action class, an alias of it or its table's columns; `as_at` and `soon` (as_at plus
    DUE_SOON_DAYS) default to the parameters fetch_list binds. Gives the Rag value, or with `rank` its severity
    (Red first, as a sorted RAG column shows it). Must agree with rag(): tests compare the two on every case."""
    status, override = actions.status, actions.rag_override
    whens: tuple[tuple[sa.ColumnElement[bool], Rag], ...] = (
        (status == ActionStatus.COMPLETE, Rag.BLUE),
        (status == ActionStatus.CANCELLED, Rag.CANCELLED),
        *((override == member, Rag(member.value.capitalize())) for member in RagOverride),
        (sa.or_(actions.blocked.is_(True), actions.due_date < as_at), Rag.RED),
        (
            sa.or_(sa.and_(actions.due_date <= soon, status != ActionStatus.IN_PROGRESS), actions.extension_count >= 1),
            Rag.AMBER,
        ),
    )

    def shown(value: Rag) -> int | str:
        return _RAG_ORDER[value.value] if rank else value.value

    return sa.case(*((cond, shown(value)) for cond, value in whens), else_=shown(Rag.GREEN))


def action_rag_segments(actions: Any) -> tuple[SortSegment, ...]:
    """action_rag_case's rows by status: open ones (Red, Amber or Green, as the CASE says), then complete ones
    (Blue), then cancelled ones. The table's CHECK constraint allows no other status."""
    still_open = [s for s in ActionStatus if s not in (ActionStatus.COMPLETE, ActionStatus.CANCELLED)]
    return (
        SortSegment(actions.status.in_(still_open)),
        SortSegment(actions.status == ActionStatus.COMPLETE, constant=True),
        SortSegment(actions.status == ActionStatus.CANCELLED, constant=True),
    )


def _action_rag(row: RowMapping, ctx: ListContext) -> str:
    override = row["_rag_override"]
    item = action_rag_input(
        row["status"],
        row["due"],
        blocked=row["blocked"],
        extensions=row["extensions"],
        override=override.value if override is not None else None,
    )
    return rag(item, ctx.as_at).value


def _milestone_count(commitments: Any, *, done: bool = False) -> sa.ScalarSelect[Any]:
    query = sa.select(sa.func.count()).where(Milestone.commitment_id == commitments.id)
    return (query.where(Milestone.done_date.is_not(None)) if done else query).scalar_subquery()


def commitment_rag_case(
    commitments: Any, *, as_at: Any = AS_AT, soon: Any = RAG_SOON, rank: bool = False
) -> sa.ColumnElement[Any]:
    """core.services.commitments.commitment_rag_input() through rag(), as one SQL CASE (see action_rag_case): judged
    on the earliest open milestone, else the next review. Must agree with the rule: tests compare the two."""
    status = commitments.status
    override = sa.func.upper(commitments.rag_override)
    due = sa.func.coalesce(next_open_milestone(commitments), commitments.next_review_date)
    whens: tuple[tuple[sa.ColumnElement[bool], Rag], ...] = (
        (status == CommitmentStatus.COMPLETED, Rag.BLUE),
        (status.in_((CommitmentStatus.WITHDRAWN, CommitmentStatus.LAPSED)), Rag.CANCELLED),
        *((override == member.value, Rag(member.value.capitalize())) for member in RagOverride),
        (due < as_at, Rag.RED),
        (sa.and_(due <= soon, status != CommitmentStatus.IN_IMPLEMENTATION), Rag.AMBER),
    )

    def shown(value: Rag) -> int | str:
        return _RAG_ORDER[value.value] if rank else value.value

    return sa.case(*((cond, shown(value)) for cond, value in whens), else_=shown(Rag.GREEN))


def _commitment_rag(row: RowMapping, ctx: ListContext) -> str:
    item = commitment_rag_input(row["status"], row["next_milestone"], row["next_review"], row["_rag_override"])
    return rag(item, ctx.as_at).value


def _fiscal_year_label(row: RowMapping, ctx: ListContext) -> str:
    return ctx.calendar.label(row["fiscal_year"])


def _meeting_title(row: RowMapping, ctx: ListContext) -> str:
    return meeting_title(row["number"], ctx.calendar, row["date"])


def _col(key: str, header: str, kind: ColumnKind, expr: SqlExpr, width: int | None = None) -> ListColumn:
    return ListColumn(key, header, kind, expr, width=width)


def _text(key: str, header: str, expr: SqlExpr, width: int | None = None) -> ListColumn:
    return ListColumn(key, header, "text", expr, width=width)


def _notes(expr: SqlExpr) -> ListColumn:
    return ListColumn("notes", "Notes", "text", expr, width=40)


# ----------------------------------------------------------------------------------------------------
# The specs


def _tag_uses() -> sa.ColumnElement[Any]:
    """How many forums, actions, commitments and budget lines carry a reference item: the reason it cannot go."""
    counts = [
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.reference_item_id == ReferenceItem.id)
        .scalar_subquery()
        for table in (forum_tag, action_tag, commitment_tag, budget_line_tag)
    ]
    return sa.func.coalesce(sum(counts[1:], counts[0]), 0)


def _build_specs() -> dict[str, ListSpec]:
    agency = aliased(Organisation, name="agency")
    host = aliased(Organisation, name="host_org")
    person = aliased(Person, name="person_ref")
    manager = aliased(Person, name="manager")
    forum = aliased(Forum, name="forum_ref")
    group = aliased(EngagementGroup, name="grp")
    meeting = aliased(Meeting, name="mtg")
    later = aliased(Meeting, name="later_mtg")
    commitment = aliased(Commitment, name="linked_commitment")
    event = aliased(ForumEvent, name="linked_event")
    # What a decision concerns (DESIGN C2: outcomes link to the money and commitments they affect).
    paper = aliased(Paper, name="decision_paper")
    line = aliased(BudgetLine, name="linked_line")

    # The group's meetings after the raising one, up to as_at (or the closing date, for a closed action).
    open_for = (
        sa.select(sa.func.count(later.id))
        .where(
            later.group_id == Action.group_id,
            later.status != MeetingStatus.CANCELLED,
            later.meeting_date > meeting.meeting_date,
            later.meeting_date <= sa.case((Action.closed_on < AS_AT, Action.closed_on), else_=AS_AT),
        )
        .correlate_except(later)
        .scalar_subquery()
    )

    measures = ("original", "revised", "committed", "actual", "forecast")
    month_totals = (
        sa.select(
            BudgetMonth.budget_line_id.label("line_id"),
            *(sa.func.sum(getattr(BudgetMonth, m)).label(m) for m in measures),
        )
        .group_by(BudgetMonth.budget_line_id)
        .subquery("month_totals")
    )
    totals = {m: sa.func.coalesce(month_totals.c[m], 0) for m in measures}
    outturn = _money(totals["actual"] + totals["committed"] + totals["forecast"])

    specs = (
        ListSpec(
            "organisations",
            "Organisations",
            ("organisation", "organisations"),
            orm_join(Organisation, agency, Organisation.parent_id == agency.id, isouter=True),
            Organisation.id,
            (
                _text("name", "Name", Organisation.name, 30),
                _text("short_name", "Short name", Organisation.short_name),
                _text("code", "Code", Organisation.code),
                _text("type", "Type", Organisation.org_type),
                _text("agency_type", "Agency type", Organisation.agency_type),
                _text("parent", "Part of", agency.name, 30),
                _col("core_member", "Core member", "bool", Organisation.is_core_member),
                _text("country", "Country", Organisation.country),
                _notes(Organisation.notes),
            ),
            (("name", False),),
            archived=Organisation.archived,
        ),
        ListSpec(
            "people",
            "People",
            ("person", "people"),
            orm_join(Person, agency, Person.organisation_id == agency.id),
            Person.id,
            (
                _text("name", "Name", Person.full_name, 28),
                _text("organisation", "Organisation", agency.name, 30),
                _text("role", "Role", Person.role_title, 28),
                _text("email", "Email", Person.email, 28),
                _text("phone", "Phone", Person.phone),
                _col("office_staff", "Office staff", "bool", Person.is_office_staff),
                _col("liaison", "Liaison", "bool", Person.is_liaison),
                _notes(Person.notes),
            ),
            (("name", False),),
            archived=Person.archived,
            personal_data=True,
        ),
        ListSpec(
            "forums",
            "Forums",
            ("forum", "forums"),
            orm_join(Forum, agency, Forum.lead_agency_id == agency.id, isouter=True),
            Forum.id,
            (
                _text("acronym", "Acronym", Forum.acronym),
                _text("name", "Name", Forum.full_name, 40),
                _text("type", "Type", Forum.forum_type, 22),
                _text("subtype", "Subtype", Forum.forum_subtype),
                _text("priority", "Priority", Forum.priority),
                _text("participation", "Participation", Forum.participation_mode),
                _text("lead_agency", "Lead agency", _org_label(agency)),
                _text("host", "Host", Forum.host_org, 24),
                _text("secretariat_city", "Secretariat", Forum.secretariat_city),
                _text("membership", "Membership", Forum.membership),
                _text("cadence", "Cadence", Forum.cadence, 30),
                _text("usual_months", "Usual months", Forum.usual_months),
                _text("usual_locations", "Usual locations", Forum.usual_locations, 24),
                _col("mandate_end", "Mandate ends", "date", Forum.mandate_end),
                _text("url", "Website", Forum.url, 30),
                _notes(Forum.notes),
            ),
            (("name", False),),
            archived=Forum.archived,
        ),
        ListSpec(
            "reference",
            "Reference lists and tags",
            ("reference item", "reference items"),
            ReferenceItem.__table__,
            ReferenceItem.id,
            (
                _text("kind", "List", ReferenceItem.kind, 22),
                _text("code", "Code", ReferenceItem.code),
                _text("label", "Label", ReferenceItem.label, 40),
                _text("source", "Source", ReferenceItem.source, 24),
                _col("sort_order", "Order", "int", ReferenceItem.sort_order),
                _col("used", "Tagged records", "int", _tag_uses()),
                _text("description", "Description", ReferenceItem.description, 60),
            ),
            (("kind", False), ("sort_order", False), ("code", False)),
            archived=ReferenceItem.archived,
        ),
        ListSpec(
            "meetings",
            "Meetings",
            ("meeting", "meetings"),
            orm_join(Meeting, group, Meeting.group_id == group.id),
            Meeting.id,
            (
                _text("group", "Group", _group_label(group)),
                _col("number", "No.", "int", Meeting.number),
                ListColumn(
                    "title", "Meeting", "text", compute=_meeting_title, sort_expr=Meeting.meeting_date, width=30
                ),
                _col("date", "Date", "date", Meeting.meeting_date),
                _text("venue", "Venue", Meeting.venue, 24),
                _text("status", "Status", Meeting.status),
                _text("minutes_status", "Minutes", Meeting.minutes_status),
                _text("pack_status", "Pack", Meeting.pack_status),
                _col("pack_version", "Pack version", "int", Meeting.pack_version),
                _marking_column(Meeting.marking_id),
                _notes(Meeting.notes),
            ),
            (("date", True), ("group", False)),
            archived=Meeting.archived,
            marking_key="marking",
        ),
        ListSpec(
            "actions",
            "Action log",
            ("action", "actions"),
            orm_join(Action, group, Action.group_id == group.id)
            .join(meeting, Action.raised_at_meeting_id == meeting.id)
            .join(agency, Action.owner_agency_id == agency.id)
            .outerjoin(person, Action.owner_person_id == person.id)
            .outerjoin(forum, Action.forum_id == forum.id),
            Action.id,
            (
                _text("ref", "Ref", Action.ref),
                _text("group", "Group", _group_label(group)),
                _col("raised_at", "Raised at meeting", "int", meeting.number),
                _col("raised_on", "Raised on", "date", Action.raised_on),
                _text("description", "Action", Action.description, 50),
                _text("owner_agency", "Owner agency", _org_label(agency)),
                _text("owner", "Owner", person.full_name, 24),
                _col("due", "Due", "date", Action.due_date),
                _col("original_due", "Originally due", "date", Action.original_due_date),
                _text("status", "Status", Action.status),
                ListColumn(
                    "rag",
                    "RAG",
                    "rag",
                    compute=_action_rag,
                    sort_expr=action_rag_case(Action, rank=True),
                    sort_segments=action_rag_segments(Action),
                ),
                ListColumn(
                    "open_for",
                    "Open for N meetings",
                    "int",
                    open_for,
                    # Most actions close before the next meeting: those come first, in the list's own order (due
                    # date, which an index serves), so an ascending sort need not count meetings for every action.
                    sort_segments=(SortSegment(open_for == 0, constant=True),),
                    sort_segments_partial=True,
                ),
                _col("blocked", "Blocked", "bool", Action.blocked),
                _col("extensions", "Extensions", "int", Action.extension_count),
                _text("update", "Latest update", Action.progress_update, 40),
                _col("closed_on", "Closed on", "date", Action.closed_on),
                _text("forum", "Forum", _forum_label(forum)),
                _marking_column(Action.marking_id),
            ),
            (("due", False), ("ref", False)),
            inputs=(("_rag_override", Action.rag_override),),
            archived=Action.archived,
            marking_key="marking",
        ),
        ListSpec(
            "decisions",
            "Decisions register",
            ("decision", "decisions"),
            orm_join(Decision, meeting, Decision.meeting_id == meeting.id)
            .join(group, meeting.group_id == group.id)
            .outerjoin(forum, Decision.forum_id == forum.id)
            .outerjoin(commitment, Decision.commitment_id == commitment.id)
            .outerjoin(paper, Decision.paper_id == paper.id)
            .outerjoin(event, Decision.forum_event_id == event.id)
            .outerjoin(line, Decision.budget_line_id == line.id),
            Decision.id,
            (
                _text("ref", "Ref", Decision.ref),
                _text("group", "Group", _group_label(group)),
                _col("meeting", "Meeting", "int", meeting.number),
                _col("date", "Date", "date", meeting.meeting_date),
                _text("text", "Decision", Decision.text, 50),
                _text("paper", "Paper", paper.ref),
                _text("concurring", "Concurring", Decision.concurring, 20),
                _text("dissenting", "Dissenting", Decision.dissenting, 20),
                _text("forum", "Forum", _forum_label(forum)),
                _text("commitment", "Commitment", commitment.title, 30),
                _text("event", "Forum event", event.title, 24),
                _text("budget_line", "Budget line", line.description, 24),
                _marking_column(Decision.marking_id),
            ),
            (("date", True), ("ref", False)),
            marking_key="marking",
        ),
        ListSpec(
            "events",
            "Forum events",
            ("forum event", "forum events"),
            orm_join(ForumEvent, forum, ForumEvent.forum_id == forum.id).outerjoin(
                agency, ForumEvent.lead_agency_id == agency.id
            ),
            ForumEvent.id,
            (
                _col("start", "Starts", "date", ForumEvent.start_date),
                _col("end", "Ends", "date", ForumEvent.end_date),
                _text("precision", "Date known to", ForumEvent.date_precision),
                _text("forum", "Forum", _forum_label(forum)),
                _text("title", "Event", ForumEvent.title, 40),
                _text("location", "Location", ForumEvent.location, 20),
                _text("format", "Format", ForumEvent.event_format),
                _text("level", "Level", ForumEvent.level),
                _text("lead_agency", "Lead agency", _org_label(agency)),
                _col("briefing_due", "Briefing due", "date", ForumEvent.briefing_due),
                _text("status", "Status", ForumEvent.status),
                _col("estimated_cost", "Estimated travel cost", "money", ForumEvent.estimated_travel_cost),
                _col("actual_cost", "Actual travel cost", "money", ForumEvent.actual_travel_cost),
                _marking_column(ForumEvent.marking_id),
                _notes(ForumEvent.notes),
            ),
            (("start", False), ("forum", False)),
            archived=ForumEvent.archived,
            marking_key="marking",
        ),
        ListSpec(
            "budget",
            "Budget lines",
            ("budget line", "budget lines"),
            orm_join(BudgetLine, CostCategory, BudgetLine.category_id == CostCategory.id)
            .outerjoin(forum, BudgetLine.forum_id == forum.id)
            .outerjoin(person, BudgetLine.owner_person_id == person.id)
            .outerjoin(agency, BudgetLine.owner_agency_id == agency.id)
            .outerjoin(commitment, BudgetLine.commitment_id == commitment.id)
            .outerjoin(event, BudgetLine.forum_event_id == event.id)
            .outerjoin(month_totals, month_totals.c.line_id == BudgetLine.id),
            BudgetLine.id,
            (
                _col("id", "ID", "int", BudgetLine.id),
                ListColumn("fiscal_year", "Fiscal year", "text", BudgetLine.fiscal_year, compute=_fiscal_year_label),
                _text("forum", "Forum", _forum_label(forum)),
                _text("category", "Category", CostCategory.label, 20),
                _text("cost_centre", "Cost centre", BudgetLine.cost_centre),
                _text("description", "Description", BudgetLine.description, 36),
                _text("funding", "Funding", BudgetLine.funding_type),
                _col("oda", "ODA eligible", "bool", BudgetLine.oda_eligible),
                _text("owner", "Owner", person.full_name, 24),
                _text("owner_agency", "Owner agency", _org_label(agency)),
                _text("commitment", "Commitment", commitment.title, 24),
                _text("event", "Forum event", event.title, 24),
                *(_col(m, m.capitalize(), "money", totals[m]) for m in measures),
                _col("outturn", "Forecast outturn", "money", outturn),
                _col("under_over", "Under/(over)", "money", _money(totals["revised"] - outturn)),
                _marking_column(BudgetLine.marking_id, commitment.marking_id, event.marking_id),
                _notes(BudgetLine.notes),
            ),
            (("fiscal_year", False), ("forum", False), ("category", False)),
            archived=BudgetLine.archived,
            marking_key="marking",
        ),
        ListSpec(
            "allocations",
            "Staff time allocations",
            ("staff allocation", "staff allocations"),
            orm_join(StaffAllocation, person, StaffAllocation.person_id == person.id).outerjoin(
                forum, StaffAllocation.forum_id == forum.id
            ),
            StaffAllocation.id,
            (
                _text("person", "Person", person.full_name, 24),
                _text("forum", "Forum", _forum_label(forum)),
                _col("start", "From", "date", StaffAllocation.start_date),
                _col("end", "To", "date", StaffAllocation.end_date),
                _col("fte", "FTE", "fte", StaffAllocation.fte_hundredths),
                _notes(StaffAllocation.notes),
            ),
            (("person", False), ("start", False)),
            archived=StaffAllocation.archived,
        ),
        ListSpec(
            "secondments",
            "Secondments",
            ("secondment", "secondments"),
            orm_join(Secondment, person, Secondment.person_id == person.id)
            .join(agency, Secondment.home_organisation_id == agency.id)
            .outerjoin(host, Secondment.host_organisation_id == host.id)
            .outerjoin(manager, Secondment.line_manager_id == manager.id),
            Secondment.id,
            (
                _text("person", "Person", person.full_name, 24),
                _text("direction", "Direction", Secondment.direction),
                _text("type", "Type", Secondment.secondment_type, 20),
                _text("home", "Home organisation", agency.name, 28),
                _text("host", "Host organisation", host.name, 28),
                _text("host_unit", "Host unit", Secondment.host_unit, 20),
                _text("role", "Role", Secondment.role_title, 24),
                _text("expertise", "Expertise", Secondment.expertise, 20),
                _col("start", "Starts", "date", Secondment.start_date),
                _col("planned_end", "Ends (planned)", "date", Secondment.planned_end_date),
                _col("original_end", "Ends (as first agreed)", "date", Secondment.original_end_date),
                _col("actual_end", "Ended", "date", Secondment.actual_end_date),
                _col("fte", "FTE", "fte", Secondment.fte_hundredths),
                _text("cost_sharing", "Cost sharing", Secondment.cost_sharing, 20),
                _col("host_cost_pct", "Host pays %", "int", Secondment.host_cost_pct),
                _col("annual_cost", "Annual cost to host", "money", Secondment.annual_cost_to_host),
                _text("agreement_type", "Agreement", Secondment.agreement_type),
                _text("agreement_ref", "Agreement ref", Secondment.agreement_ref),
                _text("clearance_required", "Clearance required", Secondment.clearance_required),
                _text("clearance_status", "Clearance status", Secondment.clearance_status),
                _col("clearance_expiry", "Clearance expires", "date", Secondment.clearance_expiry),
                _col("coi_declared", "Conflict of interest declared", "date", Secondment.coi_declaration_date),
                _text("coi_status", "Conflict of interest", Secondment.coi_status, 22),
                _col("confidentiality", "Confidentiality signed", "bool", Secondment.confidentiality_signed),
                _text("line_manager", "Line manager", manager.full_name, 24),
                _col("next_review", "Next review", "date", Secondment.next_review_date),
                _text("status", "Status", Secondment.status),
                _notes(Secondment.notes),
            ),
            (("planned_end", False), ("person", False)),
            archived=Secondment.archived,
            personal_data=True,
        ),
        ListSpec(
            "commitments",
            "Commitments",
            ("commitment", "commitments"),
            orm_join(Commitment, forum, Commitment.forum_id == forum.id, isouter=True).outerjoin(
                agency, Commitment.lead_agency_id == agency.id
            ),
            Commitment.id,
            (
                _text("title", "Commitment", Commitment.title, 40),
                _text("type", "Type", Commitment.commitment_type, 20),
                _text("forum", "Forum", _forum_label(forum)),
                _text("instrument_ref", "Instrument", Commitment.instrument_ref),
                _col("signed", "Signed", "date", Commitment.signed_date),
                _col("effective", "Effective", "date", Commitment.effective_date),
                _col("expiry", "Expires", "date", Commitment.expiry_date),
                _col("next_review", "Next review", "date", Commitment.next_review_date),
                _text("legal_status", "Legal status", Commitment.legal_status),
                _text("lead_agency", "Lead agency", _org_label(agency)),
                _text("status", "Status", Commitment.status),
                ListColumn(
                    "rag", "RAG", "rag", compute=_commitment_rag, sort_expr=commitment_rag_case(Commitment, rank=True)
                ),
                _col("next_milestone", "Next milestone", "date", next_open_milestone(Commitment)),
                _col("milestones_done", "Milestones done", "int", _milestone_count(Commitment, done=True)),
                _col("milestones", "Milestones", "int", _milestone_count(Commitment)),
                _col("public", "Public", "bool", Commitment.is_public),
                _text("source_url", "Source", Commitment.source_url, 30),
                _marking_column(Commitment.marking_id),
                _notes(Commitment.notes),
            ),
            (("title", False),),
            inputs=(("_rag_override", Commitment.rag_override),),
            archived=Commitment.archived,
            marking_key="marking",
        ),
        ListSpec(
            "audit",
            "Audit trail",
            ("audit entry", "audit entries"),
            AuditEntry.__table__,
            AuditEntry.id,
            (
                _col("id", "ID", "int", AuditEntry.id),
                _col("at", "When (UTC)", "datetime", AuditEntry.at),
                _text("actor", "Who", AuditEntry.actor),
                _text("kind", "Change", AuditEntry.kind),
                _text("table", "Table", AuditEntry.table_name),
                _col("row_id", "Row", "int", AuditEntry.row_id),
                _text("changes", "Changes", AuditEntry.changes, 60),
                _text("batch", "Batch", AuditEntry.batch_id),
                _col("row_count", "Rows", "int", AuditEntry.row_count),
            ),
            (("id", True),),
            # The changes hold old and new values of every field, secondment and clearance details included.
            personal_data=True,
        ),
        ListSpec(
            "checklist_templates",
            "Secondment checklist items",
            ("checklist item", "checklist items"),
            ChecklistTemplate.__table__,
            ChecklistTemplate.id,
            (
                _text("phase", "Stage", ChecklistTemplate.phase),
                _text("direction", "Direction (blank: all)", ChecklistTemplate.direction),
                _text("type", "Type (blank: all)", ChecklistTemplate.secondment_type, 20),
                _text("title", "Item", ChecklistTemplate.title, 50),
                _col("days", "Due (days from start or end)", "int", ChecklistTemplate.days_from_anchor),
                _text("source", "Source", ChecklistTemplate.source, 24),
                _col("sort_order", "Order", "int", ChecklistTemplate.sort_order),
            ),
            (("phase", False), ("sort_order", False)),
            archived=ChecklistTemplate.archived,
        ),
    )
    return {spec.entity: spec for spec in specs}


LIST_SPECS: Mapping[str, ListSpec] = _build_specs()
assert tuple(LIST_SPECS) == LIST_ENTITIES


def list_spec(entity: str) -> ListSpec:
    try:
        return LIST_SPECS[entity]
    except KeyError:
        raise UnknownList(f"There is no list called {entity!r}; use one of: {', '.join(LIST_ENTITIES)}.") from None


# ----------------------------------------------------------------------------------------------------
# Markings


def marking_scheme(session: Session) -> tuple[tuple[str, int], ...]:
    """The office's markings as (label, rank), lowest first."""
    rows = session.execute(sa.select(Marking.label, Marking.rank).order_by(Marking.rank)).all()
    return tuple((label, rank) for label, rank in rows)


def resolve_marking(session: Session, label: str) -> tuple[str, int]:
    """The (label, rank) of a marking named by `label`, matched as a name key (case and spacing ignored)."""
    scheme = marking_scheme(session)
    wanted = name_key(label)
    for known, rank in scheme:
        if name_key(known) == wanted:
            return known, rank
    valid = ", ".join(known for known, _ in scheme) or "none are defined"
    raise UnknownMarking(f"Unknown marking {label!r}; use one of: {valid}.")


def _default_rank(default_label: str | None, scheme: Sequence[tuple[str, int]]) -> int:
    # A row without a marking carries the office default; with no default set, the lowest marking.
    ranks = dict(scheme)
    if default_label is not None and default_label in ranks:
        return ranks[default_label]
    return scheme[0][1] if scheme else 0


# ----------------------------------------------------------------------------------------------------
# Joins: which tables of a list's source a query may leave out


def _table_key(table: Any) -> Any:
    # The ORM hands out annotated copies of tables and aliases; they compare by their plain form.
    deannotate = getattr(table, "_deannotate", None)
    return deannotate() if deannotate is not None else table


def _tables_in(*exprs: Any) -> set[Any]:
    """The tables and aliases whose columns `exprs` read, inside subqueries too."""
    found: set[Any] = set()
    for expr in exprs:
        for element in visitors.iterate(expr):
            table = getattr(element, "table", None)
            if isinstance(element, ColumnClause) and table is not None:
                found.add(_table_key(table))
    return found


@dataclass(frozen=True)
class _Link:
    """One table joined into a list's source. `key` and `pk` are set when it is joined on key = its primary key."""

    table: FromClause
    onclause: sa.ColumnElement[bool] | None
    outer: bool
    key: Any = None
    pk: Any = None
    found: Any = None  # a second alias of the table, for lookup() subqueries that read no table of the outer query

    @property
    def one_row(self) -> bool:
        """Every row finds exactly one (a required foreign key, which the database enforces) or, outer-joined, at
        most one: leaving the table out changes no row, and a condition on it may look it up instead."""
        return self.key is not None and (self.outer or not self.key.nullable)


def _link(join: sa.Join) -> _Link:
    on, right = join.onclause, join.right
    primary_key = tuple(getattr(right, "primary_key", ()))
    if isinstance(on, BinaryExpression) and on.operator is operator.eq and len(primary_key) == 1:
        for key, target in ((on.left, on.right), (on.right, on.left)):
            if (
                isinstance(key, sa.Column)
                and isinstance(target, ColumnClause)
                and _table_key(target.table) is _table_key(right)
                and target.primary_key
                and any(isinstance(base, sa.Column) and key.references(base) for base in target.base_columns)
            ):
                plain = _table_key(right)
                found = sa.alias(getattr(plain, "element", plain), name=f"{plain.name}_found")
                return _Link(right, join.onclause, join.isouter, key, target, found)
    return _Link(right, join.onclause, join.isouter)


@dataclass(frozen=True)
class _Joins:
    """A list's source taken apart: its own table, then the tables joined to it in order."""

    base: FromClause
    links: tuple[_Link, ...]

    @classmethod
    def of(cls, source: FromClause) -> _Joins:
        links: list[_Link] = []
        while isinstance(source, sa.Join):
            links.append(_link(source))
            source = source.left
        return cls(source, tuple(reversed(links)))

    def narrowed(self, source: FromClause, *exprs: Any) -> FromClause:
        """`source` without the one-row tables that neither `exprs` nor a kept join read (`source` itself when
        none can go). Counting, filtering and ordering 200,000 actions then skip a lookup per row for each."""
        needed = _tables_in(*exprs)
        kept: list[_Link] = []
        for link in reversed(self.links):
            if link.one_row and _table_key(link.table) not in needed:
                continue
            kept.append(link)
            if link.onclause is not None:
                needed |= _tables_in(link.onclause)
        if len(kept) == len(self.links):
            return source
        narrow = self.base
        for link in reversed(kept):
            narrow = sa.join(narrow, link.table, link.onclause, isouter=link.outer)
        return narrow

    def lookup(self, cond: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
        """`cond` on the columns of one one-row table as `key IN (the rows of that table it holds for)`: the few
        matching names are found once instead of joining every row scanned. The same rows, as the conditions of
        a search are false on a missing linked record (blank in the list)."""
        tables = _tables_in(cond)
        for link in self.links:
            table = _table_key(link.table)
            if link.one_row and tables == {table}:
                # Through the second alias, so that narrowed() can leave the joined table out.
                found = link.found
                matching = sa.select(found.c[link.pk.key]).where(_moved(cond, table, found))
                lookup: sa.ColumnElement[bool] = link.key.in_(matching.correlate(None))
                return lookup
        return cond


def _moved(cond: sa.ColumnElement[bool], table: Any, to: Any) -> sa.ColumnElement[bool]:
    """`cond` with the columns of `table` read from the alias `to` instead."""

    def replace(element: Any, **_kw: Any) -> Any:
        if isinstance(element, ColumnClause) and _table_key(getattr(element, "table", None)) is table:
            return to.c[element.key]
        return None

    return visitors.replacement_traverse(cond, {}, replace)


_JOINS: dict[str, _Joins] = {}


def _joins(spec: ListSpec) -> _Joins:
    joins = _JOINS.get(spec.entity)
    if joins is None or joins.base is not _first_table(spec.source):
        joins = _JOINS[spec.entity] = _Joins.of(spec.source)
    return joins


def _first_table(source: FromClause) -> FromClause:
    while isinstance(source, sa.Join):
        source = source.left
    return source


# ----------------------------------------------------------------------------------------------------
# Fetching


def _searched_columns(spec: ListSpec, search: str) -> list[ListColumn]:
    """The columns `search` is looked for in: short text skips long text, as global search does (text_search)."""
    long_too = searches_long_text(search)
    return [
        column
        for column in spec.columns
        if column.searchable and column.expr is not None and (long_too or not is_long_text(column.expr))
    ]


def unsearched_columns(entity: str, search: str | None) -> tuple[ListColumn, ...]:
    """The text columns of a list that `search` is too short to be looked for in (none for no search), so that the
    filter bar can say so."""
    spec = list_spec(entity)
    term = (search or "").strip()
    if not term:
        return ()
    searched = {column.key for column in _searched_columns(spec, term)}
    return tuple(column for column in spec.columns if column.searchable and column.key not in searched)


def _search_clause(
    session: Session, spec: ListSpec, search: str | None, max_narrowed: int = MAX_NARROWED, listing: bool = False
) -> _Search | None:
    """The search's condition (None for no search), and whether an index narrowed it: its rows found first (at
    most `max_narrowed`, for a search too short for the text index), or the text index's candidates. With
    `listing` (a page found in a ListOrder) rows are not found first: a search too short for the text index that
    reads the list's own table alone has its `candidates` instead, however many, and is not narrowed; the text
    index's are not counted."""
    term = (search or "").strip()
    if not term:
        return None
    pattern = f"%{escape_like(term)}%"
    wanted = term.casefold()
    joins = _joins(spec)
    like = contains_matcher(session)
    base = _table_key(_first_table(spec.source))
    own: list[tuple[str, sa.ColumnElement[bool]]] = []  # (column name, match) on the list's own table
    clauses: list[sa.ColumnElement[bool]] = []
    on_base = True  # every clause reads the list's own table alone
    pk = _sql(spec.pk)
    listings: list[_Listing] = []  # each clause's, in the same order
    for column in _searched_columns(spec, term):
        assert column.expr is not None
        enum_class = _enum_class(column.expr)
        if enum_class is None:
            expr = _sql(column.expr)
            if isinstance(expr, sa.Column) and _table_key(expr.table) is base:
                own.append((expr.name, like(expr, pattern)))
                continue
            cond = like(expr, pattern)
        else:
            # Enum columns store codes (IN_PROGRESS); users search for what they see ("In progress").
            members = [m for m in enum_class if wanted in m.label.casefold()]
            if not members:
                continue
            stored = _sql(column.expr)
            cond = stored.in_(members)
            if isinstance(stored, sa.Column) and _table_key(stored.table) is base:
                others = [m for m in enum_class if m not in members]
                leaves = sa.or_(stored.in_(others), stored.is_(None)) if stored.nullable else stored.in_(others)
                listings.append(
                    _Listing(sa.select(pk).where(cond), column.key, frozenset(members), sa.select(pk).where(leaves))
                )
        found = joins.lookup(cond)
        on_base = on_base and (found is not cond or _tables_in(cond) <= {base})
        clauses.append(found)
        if len(listings) < len(clauses):
            listings.append(_Listing(sa.select(pk).where(found)))
    if not searches_long_text(term) and on_base and isinstance(base, sa.Table):
        # No index serves text this short, but it reads no long text: each condition's rows are found apart (the
        # names' few keys by the foreign-key indexes, refs in their own index), and when they are few, sorting
        # them beats reading rows in order until a page is full (two letters found in none of 200,000 actions,
        # sorted by RAG: 173 ms reading every row, 28 ms so).
        own_match = [sa.or_(*(match for _name, match in own))] if own else []
        plain = sa.or_(*own_match, *clauses)
        if listing:
            listings += [_Listing(sa.select(pk).where(match)) for match in own_match]
            return _Search(plain, candidates=tuple(listings), plain=plain)
        narrowing = few_rows_narrowing(session, base, [*clauses, *own_match], max_rows=max_narrowed)
        if narrowing is not None:
            return _Search(sa.and_(narrowing, plain), narrowed=True, plain=plain)
    if own:
        matches = sa.or_(*(match for _name, match in own))
        rows = (
            text_index_rows(
                session, base, [name for name, _match in own], [term], max_rows=None if listing else MAX_NARROWED
            )
            if isinstance(base, sa.Table)
            else None
        )
        # The index spares reading rows that cannot match (a word found nowhere: every one of 200,000 actions);
        # the LIKEs still decide, so the rows found are the same with or without it.
        if rows is not None:
            narrowed = sa.and_(pk.in_(rows.scalar_subquery()), matches)
            listed = (_Listing(rows), *listings) if on_base else ()
            return _Search(sa.or_(narrowed, *clauses), True, listed, sa.or_(matches, *clauses))
        clauses.insert(0, matches)
    return _Search(sa.or_(*clauses) if clauses else sa.false())


def _filters(
    session: Session,
    spec: ListSpec,
    search: str | None,
    include_archived: bool,
    preset: ListFilter | None = None,
    max_narrowed: int = MAX_NARROWED,
    listing: bool = False,
) -> tuple[list[sa.ColumnElement[bool]], _Search | None]:
    """The conditions of a list's rows, the search's last (see _search_clause)."""
    filters: list[sa.ColumnElement[bool]] = []
    if spec.archived is not None and not include_archived:
        filters.append(_sql(spec.archived).is_(sa.false()))
    if preset is not None:
        filters.append(filter_clause(spec.entity, _sql(spec.pk), preset))
    found = _search_clause(session, spec, search, max_narrowed, listing)
    if found is not None:
        filters.append(found.clause)
    return filters, found


def _order_expr(session: Session, column: ListColumn) -> sa.ColumnElement[Any]:
    expr = column.sort_expr if column.sort_expr is not None else column.expr
    assert expr is not None
    enum_class = _enum_class(expr)
    if enum_class is not None:
        # The declaration order is the meaningful one (High, Medium, Low), not the alphabet.
        return sa.case({member: i for i, member in enumerate(enum_class)}, value=_sql(expr))
    if column.compute is None and _is_text(expr):
        # On SQLite a NOCASE collation, the same order as lower() (both fold ASCII letters only), which an index on
        # the column with that collation serves (action refs, migration 0005): the first page is read in index
        # order instead of sorting every row by lower(ref).
        return prefix_order(session, _sql(expr))
    return _sql(expr)


def _order_by(session: Session, spec: ListSpec, keys: Iterable[tuple[str, bool]]) -> list[sa.ColumnElement[Any]]:
    clauses: list[sa.ColumnElement[Any]] = []
    for key, descending in keys:
        expr = _order_expr(session, spec.column(key))
        # Blanks last in both directions and on both databases (SQLite and PostgreSQL differ by default).
        clauses.append((expr.desc() if descending else expr.asc()).nulls_last())
    clauses.append(_sql(spec.pk).asc())
    return clauses


def _segmented_keys(
    session: Session,
    spec: ListSpec,
    order: Sequence[tuple[str, bool]],
    filters: Sequence[sa.ColumnElement[bool]],
    need: int,
    params: Mapping[str, Any],
) -> list[int] | None:
    """The primary keys of the first `need` rows in `order`, whose first key is a column with sort segments; None
    when a segment has more rows than it is worth reading one by one for this filter (the caller then sorts every
    row). Each segment's first rows are put in order without reading them (the actions' RAG inputs are all in one
    index, migration 0006), then read and filtered a few at a time until enough are found; the next segment is asked
    only if they are too few. A search matching a third of 200,000 actions, sorted by RAG: 20 ms instead of 150. The
    same rows in the same order as sorting every row: the segments follow one another in the column's order."""
    (key, descending), then = order[0], order[1:]
    column = spec.column(key)
    segments = column.sort_segments
    pk = _sql(spec.pk)
    narrow = _joins(spec).narrowed
    probe = need * _PROBE_FACTOR
    keys: list[int] = []
    for segment in reversed(segments) if descending else segments:
        where = _sql(segment.where)
        ordering = _order_by(session, spec, then if segment.constant else order)
        first = sa.select(pk).select_from(narrow(spec.source, where, *ordering)).where(where).order_by(*ordering)
        candidates = list(session.scalars(first.limit(probe).params(**params)))
        keys += _first_matching(session, spec, candidates, filters, need - len(keys), params)
        if len(keys) >= need:
            return keys
        if len(candidates) == probe:
            return None  # the filter is too rare in this segment to find its rows in order
    return None if column.sort_segments_partial else keys  # rows may follow the segments'


def _first_matching(
    session: Session,
    spec: ListSpec,
    candidates: Sequence[int],
    filters: Sequence[sa.ColumnElement[bool]],
    need: int,
    params: Mapping[str, Any],
    first: int | None = None,
) -> list[int]:
    """The first `need` of `candidates` (primary keys, in order) that `filters` keep, read a few at a time: the
    first batch a few times `need` (or `first`), doubling, so that a filter matching most rows costs one small
    statement."""
    pk = _sql(spec.pk)
    filtered = _joins(spec).narrowed(spec.source, *filters)
    keys: list[int] = []
    checked, batch = 0, min(first or need * _FIRST_BATCH, _MAX_BATCH)
    while checked < len(candidates) and len(keys) < need:
        part = list(candidates[checked : checked + batch])
        matching = sa.select(pk).select_from(filtered).where(pk.in_(part), *filters)
        kept = set(session.scalars(matching.params(**params)))
        keys += [k for k in part if k in kept][: need - len(keys)]
        checked, batch = checked + len(part), min(batch * 2, _MAX_BATCH)
    return keys


@dataclass(frozen=True, eq=False)
class ListOrder:
    """Every row of a list in one sort order, archived ones too and before any search, as the database held them
    when read (read_list_order). A page of a search typed next is then found by reading keys in this order until it
    is full (fetch_list's `order`), instead of filtering and sorting every row again at each keystroke (a letter
    typed in 200,000 actions sorted by status: 170 ms so, 20-70 in order). It does not follow later changes: the
    holder reads it again when the data changes, as it reloads what it shows."""

    entity: str
    sort: tuple[str, bool]
    as_at: date
    keys: Sequence[int]
    # Each key's place in `keys`: indexed by key (-1: not a key) when the keys are row ids from 0 up with few
    # gaps, a few MB at most where a dict of 200,000 keys takes 20; else a dict.
    places: Sequence[int] | Mapping[int, int]
    # The rows of each member of the list's searchable enum columns (by column key), when read: a search for a
    # member most rows hold lists the others' rows instead (_keys_in_order).
    counts: Mapping[str, Mapping[Any, int]]

    @classmethod
    def of(
        cls,
        entity: str,
        sort: tuple[str, bool],
        as_at: date,
        keys: Sequence[int],
        counts: Mapping[str, Mapping[Any, int]] | None = None,
    ) -> ListOrder:
        highest = max(keys, default=0)
        if min(keys, default=0) < 0 or highest > 4 * len(keys) + 10_000:
            return cls(entity, sort, as_at, keys, {key: place for place, key in enumerate(keys)}, counts or {})
        places = array("q", [-1]) * (highest + 1)
        for place, key in enumerate(keys):
            places[key] = place
        return cls(entity, sort, as_at, keys, places, counts or {})

    def serves(self, entity: str, sort: tuple[str, bool] | None, as_at: date) -> bool:
        return (entity, sort, as_at) == (self.entity, self.sort, self.as_at)

    def held(self, keys: NDArray[np.int64], *, after: int = 0, unless: NDArray[np.int64] | None = None) -> list[int]:
        """Those of `keys` that the order holds at place `after` or later, once each, in its order: marked by place
        rather than sorted (168,000 keys of 200,000: 5 ms, where sorting them by place took 80). With `unless`,
        every key it holds but those of `unless` too."""
        import numpy as np

        if unless is None:
            marked = np.zeros(len(self.keys), dtype=np.bool_)
        else:
            marked = np.ones(len(self.keys), dtype=np.bool_)
            marked[self._places(unless)] = False
        marked[self._places(keys)] = True
        marked[:after] = False
        ordered: list[int] = np.asarray(self.keys, dtype=np.int64)[np.flatnonzero(marked)].tolist()
        return ordered

    def _places(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """The places of those of `keys` that the order holds."""
        import numpy as np

        if isinstance(self.places, Mapping):
            got = self.places.get
            places = np.fromiter((got(key, -1) for key in keys.tolist()), dtype=np.int64, count=len(keys))
        else:
            table = np.frombuffer(self.places, dtype=np.int64) if isinstance(self.places, array) else self.places
            places = np.asarray(table, dtype=np.int64)[keys[(keys >= 0) & (keys < len(table))]]
        return places[places >= 0]


def order_worth_reading(entity: str, sort: tuple[str, bool] | None) -> bool:
    """Whether a search in this order is quicker with a ListOrder: not for the list's own order or another that an
    index of its table serves in order (refs, due dates), where the rows are read in order already."""
    if sort is None:
        return False
    spec = list_spec(entity)
    column = spec.column(sort[0])
    if not column.sortable_in_sql or (spec.default_order and spec.default_order[0][0] == column.key):
        return False
    if (entity, column.key) in _SORTED_BY_MIGRATION_INDEX:
        return False
    expr = column.sort_expr if column.sort_expr is not None else column.expr
    stored = _sql(expr) if expr is not None else None
    table = _first_table(spec.source)
    if not isinstance(stored, sa.Column) or not isinstance(table, sa.Table) or not _stored_on(column, table):
        return True
    if _enum_class(stored) is not None:  # sorted by a CASE of its members, which no index serves
        return True
    firsts = [index.expressions[0] for index in table.indexes if index.expressions]
    return not any(
        any(found is stored for found in visitors.iterate(first))
        for first in firsts
        if isinstance(first, sa.ColumnElement)
    )


def read_list_order(session: Session, entity: str, *, as_at: date, sort: tuple[str, bool]) -> ListOrder:
    """Every row's key of a list in the order of `sort` then the list's own (see ListOrder): one statement, on
    200,000 actions 0.4-0.8 s, for a background thread."""
    spec = list_spec(entity)
    settings = load_settings(session)
    params = {
        "as_at": as_at,
        "default_rank": _default_rank(settings.default_marking, marking_scheme(session)),
        "rag_soon": as_at + timedelta(days=DUE_SOON_DAYS),
    }
    ordering = _order_by(session, spec, [sort, *spec.default_order])
    stmt = sa.select(_sql(spec.pk)).select_from(_joins(spec).narrowed(spec.source, *ordering)).order_by(*ordering)
    keys = array("q", session.connection().execute(stmt.params(**params)).scalars())
    table = _table_key(_first_table(spec.source))
    counts: dict[str, dict[Any, int]] = {}
    for column in spec.columns:
        stored = _sql(column.expr) if column.expr is not None and column.searchable else None
        if isinstance(stored, sa.Column) and _table_key(stored.table) is table and _enum_class(stored) is not None:
            rows = session.execute(sa.select(stored, sa.func.count()).group_by(stored))
            counts[column.key] = dict(rows.all())
    return ListOrder.of(entity, sort, as_at, keys, counts)


def _count(
    session: Session, spec: ListSpec, filters: Sequence[sa.ColumnElement[bool]], params: Mapping[str, Any]
) -> int:
    source = _joins(spec).narrowed(spec.source, *filters)
    stmt = sa.select(sa.func.count()).select_from(source).where(*filters).params(**params)
    return int(session.execute(stmt).scalar_one())


def _shown(column: ListColumn, row: RowMapping, ctx: ListContext) -> object:
    if column.compute is not None:
        return column.compute(row, ctx)
    value = row[column.key]
    if isinstance(value, LabelledEnum):
        return value.label
    if column.kind == "fte" and value is not None:
        return Decimal(int(value)).scaleb(_FTE_SCALE)
    return value


def _sort_in_python(
    pairs: list[tuple[int, tuple[object, ...]]], index: int, kind: ColumnKind, descending: bool
) -> list[tuple[int, tuple[object, ...]]]:
    def key(pair: tuple[int, tuple[object, ...]]) -> Any:
        value = pair[1][index]
        if kind == "rag":
            return _RAG_ORDER.get(str(value), len(_RAG_ORDER))
        return value.casefold() if isinstance(value, str) else value

    present = [p for p in pairs if p[1][index] is not None]
    blank = [p for p in pairs if p[1][index] is None]
    # sorted() is stable in both directions, so ties keep the default order from SQL.
    return sorted(present, key=key, reverse=descending) + blank


def _ceiling_filters(
    spec: ListSpec, max_marking_rank: int | None
) -> tuple[list[sa.ColumnElement[bool]], list[sa.ColumnElement[bool]]]:
    """(filters keeping rows at or below the ceiling, filters selecting the rows left out)."""
    rank = spec.marking_rank
    if rank is None or max_marking_rank is None:
        return [], []
    return [_sql(rank) <= max_marking_rank], [_sql(rank) > max_marking_rank]


def count_list(
    session: Session,
    entity: str,
    *,
    search: str | None = None,
    max_marking_rank: int | None = None,
    include_archived: bool = False,
    preset: ListFilter | None = None,
) -> int:
    """How many rows `fetch_list` would give for the same filter, all pages together."""
    spec = list_spec(entity)
    default_rank = _default_rank(load_settings(session).default_marking, marking_scheme(session))
    kept, _ = _ceiling_filters(spec, max_marking_rank)
    filters = _filters(session, spec, search, include_archived, preset)[0] + kept
    return _count(session, spec, filters, {"default_rank": default_rank})


def list_marking(
    session: Session, entity: str, query: ListQuery | None = None, *, max_marking_rank: int | None = None
) -> str | None:
    """The label of the highest marking among the rows `query.fetch` would give (None for a list without markings
    or with no rows), as one aggregate, without fetching the rows."""
    spec = list_spec(entity)
    rank = spec.marking_rank
    if rank is None:
        return None
    query = query or ListQuery()
    scheme = marking_scheme(session)
    kept, _ = _ceiling_filters(spec, max_marking_rank)
    filters = _filters(session, spec, query.search, query.include_archived, query.preset)[0] + kept
    source = _joins(spec).narrowed(spec.source, *filters, _sql(rank))
    stmt = sa.select(sa.func.max(_sql(rank))).select_from(source).where(*filters)
    highest = session.execute(
        stmt.params(default_rank=_default_rank(load_settings(session).default_marking, scheme))
    ).scalar_one()
    return {r: label for label, r in scheme}.get(highest) if highest is not None else None


def fetch_list(
    session: Session,
    entity: str,
    *,
    as_at: date,
    sort: tuple[str, bool] | None = None,
    search: str | None = None,
    max_marking_rank: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    include_archived: bool = False,
    count: bool = True,
    preset: ListFilter | None = None,
    order: ListOrder | None = None,
) -> ListPage:
    """One page of a list. `sort` is (column key, descending); search is a case-insensitive substring match
        over the text columns (ASCII case only on SQLite; text shorter than MIN_TEXT_LENGTH skips long text, as
    global search does: see unsearched_columns); `preset` adds the structured conditions of a ListFilter
    (what a dashboard figure counts). Filtering, searching, sorting and paging happen in SQL.

        A page (`limit`) is found in two steps in one statement: the primary keys of its rows, filtered and ordered
        on only the tables the filter and order read, then the shown columns of just those rows, so that computed
        columns (meetings open, markings) are worked out for a page and not for every row sorted. `more` says
        whether rows follow. `total` counts every row the filter matches; with `count=False` it is None unless the
        page reaches the end (a view that pages on demand can count apart, with count_list).

        `order`, read earlier for this list, sort and date (else it is not used), finds a page's rows by reading its
        keys in order (see ListOrder); the rows and their order are the same as without it.

        A computed column without an SQL sort expression (none at present) is sorted in Python, so it can be sorted
        only when `limit` is None (all rows at once); otherwise UnsortableColumn is raised.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("offset and limit must not be negative")
    spec = list_spec(entity)
    settings = load_settings(session)
    scheme = marking_scheme(session)
    ctx = ListContext(as_at=as_at, calendar=settings.calendar, marking_labels={r: lb for lb, r in scheme})
    params = {
        "as_at": as_at,
        "default_rank": _default_rank(settings.default_marking, scheme),
        "rag_soon": as_at + timedelta(days=DUE_SOON_DAYS),
    }

    sort_column = spec.column(sort[0]) if sort is not None else None
    in_python = sort_column is not None and not sort_column.sortable_in_sql
    if in_python and limit is not None and sort_column is not None:
        raise UnsortableColumn(f"{spec.title} cannot be sorted by {sort_column.header} one page at a time.")
    ordering_keys = list(spec.default_order)
    if sort is not None and not in_python:
        ordering_keys.insert(0, sort)

    kept, left_out = _ceiling_filters(spec, max_marking_rank)
    first = spec.column(ordering_keys[0][0])
    in_order = not first.sort_segments and _stored_on(first, _first_table(spec.source))
    max_narrowed = _IN_ORDER_NARROWED if in_order else MAX_NARROWED
    if order is not None and (limit is None or not order.serves(entity, sort, as_at)):
        order = None
    # Rows are listed to be put in order on SQLite, in the big tables whose indexes make that quick (_listed_keys);
    # a smaller table is read whole sooner than its conditions are listed one by one.
    table = _first_table(spec.source)
    listing = (
        order is not None
        and session.get_bind().dialect.name == "sqlite"
        and isinstance(table, sa.Table)
        and table.name in TEXT_INDEXES
    )
    filters, searched = _filters(session, spec, search, include_archived, preset, max_narrowed, listing)
    narrowed = searched is not None and searched.narrowed
    ordering = _order_by(session, spec, ordering_keys)
    stmt = spec.select().order_by(*ordering).params(**params)
    if limit is None:
        stmt = stmt.where(*filters, *kept)
        if not in_python:
            stmt = stmt.offset(offset or None)
    else:
        sorting = (sort_column, sort[1]) if sort_column is not None and sort is not None else None
        need = offset + limit + 1
        found = None
        if order is not None:
            found = _keys_in_order(session, spec, order, filters, searched, kept, need, params)
        if found is None and _page_in_segments(session, sorting, narrowed):
            found = _segmented_keys(session, spec, ordering_keys, [*filters, *kept], need, params)
        if found is not None:
            stmt = stmt.where(_sql(spec.pk).in_(found[offset:]))
        else:
            keys = (
                sa.select(_sql(spec.pk))
                .select_from(_joins(spec).narrowed(spec.source, *filters, *kept, *ordering))
                .where(*filters, *kept)
                .order_by(*ordering)
                .offset(offset or None)
                .limit(limit + 1)  # one more tells whether rows follow
                .correlate(None)
            )
            stmt = stmt.where(_sql(spec.pk).in_(keys))

    show_archived = include_archived and spec.archived is not None
    if show_archived:
        assert spec.archived is not None
        stmt = stmt.add_columns(_sql(spec.archived).label(_ARCHIVED))
    rows = session.execute(stmt).mappings().all()
    pairs = [(int(row[_PK]), tuple(_shown(c, row, ctx) for c in spec.columns)) for row in rows]
    archived_ids = frozenset(int(row[_PK]) for row in rows if row[_ARCHIVED]) if show_archived else frozenset()
    more = limit is not None and len(pairs) > limit
    if more:
        pairs = pairs[:limit]
    if in_python and sort_column is not None and sort is not None:
        index = spec.columns.index(sort_column)
        pairs = _sort_in_python(pairs, index, sort_column.kind, sort[1])[offset:]

    # A page that reaches the end gives the count; any other page needs the count of everything the filter matches.
    total: int | None = None
    if not more and (pairs or offset == 0):
        total = offset + len(pairs)
    elif count:
        total = _count(session, spec, filters + kept, params)
    return ListPage(
        columns=spec.columns,
        rows=tuple(values for _, values in pairs),
        ids=tuple(pk for pk, _ in pairs),
        total=total,
        offset=offset,
        left_out_by_marking=_count(session, spec, filters + left_out, params) if left_out else 0,
        highest_marking=_highest_marking(spec, [values for _, values in pairs], scheme),
        more=more,
        archived_ids=archived_ids & frozenset(pk for pk, _ in pairs),
    )


def _keys_in_order(
    session: Session,
    spec: ListSpec,
    order: ListOrder,
    filters: list[sa.ColumnElement[bool]],
    searched: _Search | None,
    kept: list[sa.ColumnElement[bool]],
    need: int,
    params: Mapping[str, Any],
) -> list[int] | None:
    """The first `need` rows of `order` that the filters keep (the search's last); None when too few of them match
    to be worth looking for in order (the caller filters and sorts every row).

    The first keys are read in order and their rows checked a batch at a time, each a look-up of a row: a search
    matching many rows early in the order costs one small statement. When they are too few, a search whose rows
    indexes list (_Search.candidates) has those keys listed, put in the order's order (ListOrder.held) and only
    they are checked: however far down the order its rows are, no more are read than it may keep (two letters
    matching a status, 168,000 of 200,000 actions, that sorts after 26,000 others: 55 ms, against 160 sorting
    them). Else the first _ORDER_PROBE keys are read before giving up."""
    checks = [*filters, *kept]
    listed = searched.candidates if searched is not None else ()
    if searched is not None and searched.plain is not None:
        checks = [*filters[:-1], searched.plain, *kept]  # the narrowing's index is not read again
    probe = min(need * _FIRST_BATCH, _ORDER_PROBE) if listed else max(_ORDER_PROBE, need)
    found = _first_matching(session, spec, order.keys[:probe], checks, need, params)
    if len(found) >= need or len(order.keys) <= probe:
        return found
    if not listed:
        return None
    # Members of an enum most rows hold (two letters of "Complete") are the others' rows left out: 31,000 keys
    # listed instead of 168,000, 5 ms instead of 27.
    shares = {listing: _share(order, listing) for listing in listed if listing.leaves is not None}
    most = max(shares, key=shares.__getitem__, default=None)
    if most is not None and shares[most] > _LEFT_OUT_ABOVE:
        assert most.leaves is not None
        keeps = _listed_keys(session, [listing.keeps for listing in listed if listing is not most], params)
        later = order.held(keeps, after=probe, unless=_listed_keys(session, [most.leaves], params))
    else:
        later = order.held(_listed_keys(session, [listing.keeps for listing in listed], params), after=probe)
    # Listed rows nearly all match (the text index's may not, nor archived ones): a first batch of what is needed.
    return found + _first_matching(session, spec, later, checks, need - len(found), params, first=need - len(found))


def _share(order: ListOrder, listing: _Listing) -> float:
    """The part of the order's rows an enum member listing keeps, as counted when the order was read."""
    counts = order.counts.get(listing.column or "", {})
    return sum(counts.get(member, 0) for member in listing.members) / max(len(order.keys), 1)


def _listed_keys(session: Session, listed: Sequence[sa.Select[Any]], params: Mapping[str, Any]) -> NDArray[np.int64]:
    """The keys the statements list (a key listed twice appears twice). They come back as one text, parsed in C:
    168,000 keys in 25 ms, where as rows they took 90 ms, and 20 to parse as JSON."""
    import numpy as np

    if not listed:
        return np.zeros(0, dtype=np.int64)
    found = sa.union_all(*listed).subquery()
    text = session.execute(sa.select(sa.func.group_concat(next(iter(found.c)))).params(**params)).scalar_one()
    return np.fromstring(text or "", dtype=np.int64, sep=",")


def _stored_on(column: ListColumn, table: FromClause) -> bool:
    """Whether `column` sorts by a column stored in `table` (which an index may serve in order)."""
    expr = column.sort_expr if column.sort_expr is not None else column.expr
    stored = _sql(expr) if expr is not None else None
    return isinstance(stored, sa.Column) and _table_key(stored.table) is _table_key(table)


def _page_in_segments(session: Session, sort: tuple[ListColumn, bool] | None, narrowed: bool) -> bool:
    """Whether to find a page segment by segment (_segmented_keys) for a sort (column, descending): on SQLite, whose
    indexes serve it, and unless an index has narrowed the search to a few rows, which sorting all of them is
    quicker for."""
    if sort is None or not sort[0].sort_segments or (sort[0].sort_segments_partial and sort[1]):
        return False
    return not narrowed and session.get_bind().dialect.name == "sqlite"


def _highest_marking(
    spec: ListSpec, rows: Sequence[tuple[object, ...]], scheme: Sequence[tuple[str, int]]
) -> str | None:
    if spec.marking_key is None:
        return None
    index = spec.columns.index(spec.column(spec.marking_key))
    ranks = dict(scheme)
    ranked = {(ranks[label], label) for row in rows if isinstance(label := row[index], str) and label in ranks}
    return max(ranked)[1] if ranked else None
