"""Global search behind Ctrl+K: one ranked, limited SQL query per kind of record, merged best first."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeAlias, get_args

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import QueryableAttribute, Session, aliased
from sqlalchemy.orm import join as orm_join
from sqlalchemy.sql import FromClause

from core.db.text_search import (
    LIKE_ESCAPE,
    MIN_TEXT_LENGTH,
    ContainsMatcher,
    contains_matcher,
    escape_like,
    is_long_text,
    prefix_order,
    search_text,
    searches_long_text,
    text_index_narrowing,
    text_index_source,
)
from core.domain.base import LabelledEnum
from core.domain.commitments import Commitment
from core.domain.fiscal import FiscalCalendar, FiscalYearError, meeting_title
from core.domain.forums import Forum, ForumEvent
from core.domain.meetings import Action, EngagementGroup, Meeting
from core.domain.organisations import Organisation, Person
from core.domain.reference import Marking
from core.domain.secondments import Secondment
from core.domain.text import name_key
from core.reports.lists import marking_scheme
from core.services.office import load_settings

__all__ = [
    "EXACT",
    "MIN_TEXT_LENGTH",
    "PREFIX",
    "SEARCH_KINDS",
    "SUBSTRING",
    "WORD_PREFIX",
    "SearchHit",
    "SearchKind",
    "first_of_each_kind",
    "search_everything",
    "searches_long_text",
]

SearchKind = Literal["forum", "person", "organisation", "meeting", "action", "commitment", "secondment", "event"]
SEARCH_KINDS: tuple[SearchKind, ...] = get_args(SearchKind)

# Scores: how the text matched the best field of a row. Ties keep the order of SEARCH_KINDS.
EXACT, PREFIX, WORD_PREFIX, SUBSTRING = 100, 75, 50, 25

# Characters after which a word starts, for "word prefix" matches (`Open-ended`, `(OEWG)`, `and/or`).
_WORD_STARTS = (" ", "-", "(", "/")
_TITLE_MAX = 120

SqlExpr: TypeAlias = "sa.ColumnElement[Any] | QueryableAttribute[Any]"
Cond: TypeAlias = "sa.ColumnElement[bool]"


@dataclass(frozen=True)
class SearchHit:
    """One record found; `entity` is the LIST_ENTITIES name of the list that opens it."""

    kind: SearchKind
    row_id: int
    entity: str
    title: str
    detail: str
    score: int


# ----------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Terms:
    key: str  # the name key of the input, compared with *_key columns (NFKC casefolded, spaces collapsed)
    raw: tuple[str, ...]  # the input as typed (NFC), plus its lower case when that differs beyond ASCII
    like: ContainsMatcher  # the database's case-insensitive LIKE
    long_text: bool  # long enough to be looked for in long text too (searches_long_text)


@dataclass(frozen=True)
class _Field:
    expr: SqlExpr
    keyed: bool = False  # holds name-key text
    substring: bool = True  # False: matched from the start only (action refs)
    on_parent: bool = False  # a column of the kind's `parent` table, found through its foreign key


@dataclass
class _Match:
    """The conditions that find a row (`where`, loosest per field) and those that rank it, per score."""

    where: list[Cond] = field(default_factory=list)
    levels: dict[int, list[Cond]] = field(default_factory=dict)

    def rank(self, level: int, cond: Cond) -> None:
        self.levels.setdefault(level, []).append(cond)

    def extend(self, other: _Match) -> None:
        self.where += other.where
        for level, conds in other.levels.items():
            self.levels.setdefault(level, []).extend(conds)

    def score(self) -> sa.ColumnElement[int]:
        # SUBSTRING is the else branch: the WHERE clause already proved some match, so it is not re-tested.
        whens = [(sa.or_(*conds), level) for level, conds in sorted(self.levels.items(), reverse=True) if conds]
        return sa.case(*whens, else_=SUBSTRING) if whens else sa.literal(SUBSTRING)


def _plain_like(expr: SqlExpr, pattern: str) -> Cond:
    return expr.like(pattern, escape=LIKE_ESCAPE)


def _match_field(match: _Match, item: _Field, terms: _Terms, where: list[Cond]) -> None:
    values = (terms.key,) if item.keyed else terms.raw
    # Keys are casefolded on both sides, so plain LIKE is exact there on every database.
    like = _plain_like if item.keyed else terms.like
    for value in values:
        escaped = escape_like(value)
        exact = item.expr == value if item.keyed else like(item.expr, escaped)
        prefix = like(item.expr, f"{escaped}%")
        match.rank(EXACT, exact)
        match.rank(PREFIX, prefix)
        if not item.substring:
            where.append(prefix)
            continue
        for start in _WORD_STARTS:
            match.rank(WORD_PREFIX, like(item.expr, f"%{start}{escaped}%"))
        where.append(like(item.expr, f"%{escaped}%"))


def _terms(text: str, session: Session) -> _Terms | None:
    raw = search_text(text)
    if not raw:
        return None
    # SQLite's LIKE folds ASCII case only, so "ÉLYSÉE" would miss "élysée"; also try the lower case.
    variants = tuple(dict.fromkeys((raw, raw.lower()))) if not raw.isascii() else (raw,)
    return _Terms(key=name_key(raw), raw=variants, like=contains_matcher(session), long_text=searches_long_text(raw))


def _searched(fields: Sequence[_Field], terms: _Terms) -> list[_Field]:
    """The fields `terms` are looked for in: short text skips long text (the rule lists' filters follow too)."""
    return [item for item in fields if terms.long_text or not is_long_text(item.expr)]


# ----------------------------------------------------------------------------------------------------
# Meetings are titled, not named: "Meeting 9 — 2024–25 Q1" is matched on its number and quarter.

_MEETING_WORD = "meeting"
_QUARTER_RE = re.compile(r"^[-\u2013\u2014]?\s*(.+?)\s*q([1-4])$")


def _meeting_match(key: str, calendar: FiscalCalendar) -> _Match:
    """`meeting`, `meeting 9`, `9`, `2024–25 Q1` and `meeting 9 — 2024–25 Q1` against number and quarter."""
    match = _Match()
    words = key.split(" ")
    said_meeting = len(words[0]) >= 3 and _MEETING_WORD.startswith(words[0].rstrip("."))
    if said_meeting:
        words = words[1:]
    number = int(words.pop(0).lstrip("#")) if words and re.fullmatch(r"#?[0-9]{1,6}", words[0]) else None
    quarter: tuple[int, int] | None = None
    if words:
        found = _QUARTER_RE.match(" ".join(words))
        if found is None:
            return match  # other words: left to the group-name fields
        try:
            quarter = (calendar.parse_fy(found[1].upper()), int(found[2]))
        except FiscalYearError:
            return match
    conds: list[Cond] = []
    if number is not None:
        conds.append(Meeting.number == number)
    if quarter is not None:
        conds += [Meeting.fiscal_year == quarter[0], Meeting.fiscal_quarter == quarter[1]]
    if not conds and not said_meeting:
        return match
    if not conds:
        level = PREFIX  # "meeting" alone starts every meeting's title
    elif number is not None and quarter is not None:
        level = EXACT
    else:
        level = PREFIX if number is not None else WORD_PREFIX
    cond = sa.and_(*conds) if conds else sa.true()
    match.rank(level, cond)
    match.where.append(cond)
    return match


# ----------------------------------------------------------------------------------------------------
# The kinds

Render: TypeAlias = Callable[[RowMapping, FiscalCalendar], tuple[str, str]]


@dataclass(frozen=True)
class _Kind:
    """How one kind of record is searched (on `match_from`) and shown (from `show_from`, joined on `pk`)."""

    kind: SearchKind
    entity: str
    pk: SqlExpr
    match_from: FromClause
    fields: tuple[_Field, ...]
    order: tuple[tuple[SqlExpr, bool], ...]  # tie-breaks after the score: (expression, descending)
    show_from: FromClause
    shown: tuple[tuple[str, SqlExpr], ...]
    render: Render
    archived: SqlExpr
    marking_id: SqlExpr | None = None
    extra: Callable[[str, FiscalCalendar], _Match] | None = None
    parent: tuple[SqlExpr, SqlExpr] | None = None  # (foreign key, parent primary key) for `on_parent` fields
    # A big table (the action log): found by its reference's prefix in ref order, then by text newest first, each
    # in the order an index reads, so that a word in a third of 200,000 rows costs as little as a rare one.
    recent_first: bool = False


def _label(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, date):
        return f"{value:%d %b %Y}"  # as the lists show dates
    return str(value)


def _joined(*parts: object) -> str:
    return " · ".join(text for text in (_label(p) for p in parts) if text)


def _short(text: str) -> str:
    return text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1].rstrip() + "…"


def _build_kinds() -> tuple[_Kind, ...]:
    org = aliased(Organisation, name="s_org")
    person = aliased(Person, name="s_person")
    home = aliased(Organisation, name="s_home")
    group = aliased(EngagementGroup, name="s_group")
    forum = aliased(Forum, name="s_forum")
    org_label = sa.func.coalesce(org.code, org.name)
    group_label = sa.func.coalesce(sa.func.nullif(group.short_name, ""), group.name)
    secondment_from = orm_join(Secondment, person, Secondment.person_id == person.id).join(
        home, Secondment.home_organisation_id == home.id
    )
    meeting_from = orm_join(Meeting, group, Meeting.group_id == group.id)
    return (
        _Kind(
            "forum",
            "forums",
            Forum.id,
            Forum.__table__,
            (_Field(Forum.name_key, keyed=True), _Field(Forum.acronym)),
            ((Forum.name_key, False),),
            Forum.__table__,
            (("name", Forum.full_name), ("acronym", Forum.acronym), ("type", Forum.forum_type)),
            lambda r, _c: (r["name"], _joined(r["acronym"], r["type"])),
            Forum.archived,
        ),
        _Kind(
            "person",
            "people",
            Person.id,
            Person.__table__,
            (_Field(Person.name_key, keyed=True), _Field(Person.role_title), _Field(Person.email)),
            ((Person.name_key, False),),
            orm_join(Person, org, Person.organisation_id == org.id),
            (("name", Person.full_name), ("org", org_label), ("role", Person.role_title)),
            lambda r, _c: (r["name"], _joined(r["org"], r["role"])),
            Person.archived,
        ),
        _Kind(
            "organisation",
            "organisations",
            Organisation.id,
            Organisation.__table__,
            (
                _Field(Organisation.name_key, keyed=True),
                _Field(Organisation.short_name),
                _Field(Organisation.code),
            ),
            ((Organisation.name_key, False),),
            Organisation.__table__,
            (("name", Organisation.name), ("code", Organisation.code), ("type", Organisation.org_type)),
            lambda r, _c: (r["name"], _joined(r["code"], r["type"])),
            Organisation.archived,
        ),
        _Kind(
            "meeting",
            "meetings",
            Meeting.id,
            meeting_from,
            (_Field(group.name_key, keyed=True, on_parent=True), _Field(group.short_name, on_parent=True)),
            ((Meeting.meeting_date, True),),
            meeting_from,
            (
                ("number", Meeting.number),
                ("date", Meeting.meeting_date),
                ("group", group_label),
                ("status", Meeting.status),
            ),
            lambda r, c: (
                f"{meeting_title(r['number'], c, r['date'])} ({r['group']})",
                _joined(r["date"], r["status"]),
            ),
            Meeting.archived,
            Meeting.marking_id,
            _meeting_match,
            (Meeting.group_id, group.id),
        ),
        _Kind(
            "action",
            "actions",
            Action.id,
            Action.__table__,
            (_Field(Action.ref, substring=False), _Field(Action.description), _Field(Action.progress_update)),
            (),  # see _recent_first_statement
            orm_join(Action, group, Action.group_id == group.id).join(org, Action.owner_agency_id == org.id),
            (
                ("ref", Action.ref),
                ("description", Action.description),
                ("group", group_label),
                ("owner", org_label),
                ("due", Action.due_date),
                ("status", Action.status),
            ),
            lambda r, _c: (
                _short(f"{r['ref']}: {r['description']}"),
                _joined(r["group"], r["owner"], f"due {_label(r['due'])}", r["status"]),
            ),
            Action.archived,
            Action.marking_id,
            recent_first=True,
        ),
        _Kind(
            "commitment",
            "commitments",
            Commitment.id,
            Commitment.__table__,
            (_Field(Commitment.title_key, keyed=True), _Field(Commitment.instrument_ref)),
            ((Commitment.title_key, False),),
            Commitment.__table__,
            (
                ("title", Commitment.title),
                ("ref", Commitment.instrument_ref),
                ("type", Commitment.commitment_type),
                ("status", Commitment.status),
            ),
            lambda r, _c: (r["title"], _joined(r["ref"], r["type"], r["status"])),
            Commitment.archived,
            Commitment.marking_id,
        ),
        _Kind(
            "secondment",
            "secondments",
            Secondment.id,
            secondment_from,
            (_Field(person.name_key, keyed=True), _Field(home.name_key, keyed=True), _Field(Secondment.role_title)),
            ((Secondment.planned_end_date, True),),
            secondment_from,
            (
                ("name", person.full_name),
                ("role", Secondment.role_title),
                ("home", home.name),
                ("end", Secondment.planned_end_date),
                ("status", Secondment.status),
            ),
            lambda r, _c: (r["name"], _joined(r["role"], r["home"], f"ends {_label(r['end'])}", r["status"])),
            Secondment.archived,
        ),
        _Kind(
            "event",
            "events",
            ForumEvent.id,
            ForumEvent.__table__,
            (_Field(ForumEvent.title), _Field(ForumEvent.location)),
            ((ForumEvent.start_date, True),),
            orm_join(ForumEvent, forum, ForumEvent.forum_id == forum.id),
            (
                ("title", ForumEvent.title),
                ("forum", sa.func.coalesce(sa.func.nullif(forum.acronym, ""), forum.full_name)),
                ("start", ForumEvent.start_date),
                ("location", ForumEvent.location),
                ("status", ForumEvent.status),
            ),
            lambda r, _c: (r["title"], _joined(r["forum"], r["start"], r["location"], r["status"])),
            ForumEvent.archived,
            ForumEvent.marking_id,
        ),
    )


_KINDS: tuple[_Kind, ...] = _build_kinds()
assert tuple(k.kind for k in _KINDS) == SEARCH_KINDS


def _indexed_column(item: _Field, table: sa.Table | None) -> str | None:
    """The name of the column `item` reads when a text index could narrow it: plain text of the kind's own table."""
    column = getattr(item.expr, "expression", item.expr)
    if table is None or item.keyed or item.on_parent or not isinstance(column, sa.Column) or column.table is not table:
        return None
    return column.name


def _statement(
    session: Session, spec: _Kind, terms: _Terms, calendar: FiscalCalendar, limit: int, filters: Sequence[Cond]
) -> sa.Select[Any]:
    """The kind's one query: rank and LIMIT the matches on the bare table, then join only those for display."""
    if spec.recent_first:
        return _recent_first_statement(session, spec, terms, limit, filters)
    match = _Match()
    on_parent: list[Cond] = []
    table = spec.match_from if isinstance(spec.match_from, sa.Table) else None
    indexed: list[Cond] = []
    indexed_columns: list[str] = []
    for item in _searched(spec.fields, terms):
        column = _indexed_column(item, table)
        if column is not None:
            indexed_columns.append(column)
        _match_field(match, item, terms, on_parent if item.on_parent else indexed if column else match.where)
    if indexed and table is not None:
        # The index finds the few rows that can hold the text (200,000 actions: a scan of each description
        # otherwise); the LIKEs still decide, so the index never changes what is found.
        narrowing = text_index_narrowing(session, table, indexed_columns, terms.raw)
        match.where.insert(0, sa.or_(*indexed) if narrowing is None else sa.and_(narrowing, sa.or_(*indexed)))
    if on_parent and spec.parent is not None:
        # Matching parents first lets the database use the foreign-key index instead of scanning every child
        # (17,901 meetings of 1,377 groups on the benchmark database: 0.2 ms instead of 8 ms).
        fk, parent_pk = spec.parent
        match.where.append(fk.in_(sa.select(parent_pk).where(sa.or_(*on_parent)).correlate(None)))
    if spec.extra is not None:
        match.extend(spec.extra(terms.key, calendar))
    # Ordering by the labels, not the expressions, so the score is computed once per matching row.
    score = match.score().label("_score")
    orders = [expr.label(f"_o{i}") for i, (expr, _desc) in enumerate(spec.order)]
    inner = (
        sa.select(spec.pk.label("_id"), score, *orders)
        .select_from(spec.match_from)
        # The match comes first so that SQLite tests the other filters only on matching rows.
        .where(sa.or_(*match.where), *filters)
        .order_by(score.desc(), *(_direction(o, d) for o, (_e, d) in zip(orders, spec.order, strict=True)), spec.pk)
        .limit(limit)
        .subquery("hits")
    )
    return (
        sa.select(inner.c._id, inner.c._score, *(expr.label(key) for key, expr in spec.shown))
        .select_from(inner.join(spec.show_from, spec.pk == inner.c._id))
        .order_by(
            inner.c._score.desc(),
            *(_direction(inner.c[f"_o{i}"], d) for i, (_e, d) in enumerate(spec.order)),
            inner.c._id,
        )
    )


def _recent_first_statement(
    session: Session, spec: _Kind, terms: _Terms, limit: int, filters: Sequence[Cond]
) -> sa.Select[Any]:
    """A big table's one query. References that start with the text come first (an exact one first, then in ref
    order; the newest first among equal refs), then rows whose text holds it, newest first. Each part is read in
    an index's order and stops at `limit` rows (200,000 actions, a word in a third of them: under a millisecond,
    where ranking every match took 300 ms); the text is not read at all when references fill the page, or when
    it is too short to search long text (MIN_TEXT_LENGTH: no index serves that)."""
    table = spec.match_from
    assert isinstance(table, sa.Table)
    (ref,) = (item.expr for item in spec.fields if not item.substring)
    texts = [item.expr for item in _searched(spec.fields, terms) if item.substring]
    escaped = [escape_like(value) for value in terms.raw]
    prefix = sa.or_(*(terms.like(ref, f"{value}%") for value in escaped))
    exact = sa.or_(*(terms.like(ref, value) for value in escaped))
    key = prefix_order(session, ref)
    by_ref: sa.Select[Any, Any, Any] = (
        sa.select(spec.pk.label("_id"), sa.case((exact, EXACT), else_=PREFIX).label("_score"), key.label("_key"))
        .where(prefix, *filters)
        .order_by(key, spec.pk.desc())
        .limit(limit)
    )
    parts: list[sa.Select[Any, Any, Any]] = [by_ref]
    if texts:
        contains = sa.or_(*(terms.like(expr, f"%{value}%") for expr in texts for value in escaped))
        refs_found = sa.select(sa.func.count()).select_from(
            sa.select(spec.pk).where(prefix, *filters).limit(limit).subquery()
        )
        by_text: sa.Select[Any, Any, Any] = sa.select(
            spec.pk.label("_id"), sa.literal(SUBSTRING).label("_score"), sa.null().label("_key")
        )
        indexed = text_index_source(session, table, terms.raw)
        newest: SqlExpr = spec.pk if indexed is None else indexed.rowid
        if indexed is not None:
            by_text = by_text.select_from(indexed.source).where(indexed.condition)
        # Rows already found by their ref are left to that part; a full page of refs leaves this part unread.
        parts.append(
            by_text.where(contains, sa.not_(prefix), *filters, refs_found.scalar_subquery() < limit)
            .order_by(sa.desc(newest))
            .limit(limit)
        )
    found = sa.union_all(*(part.subquery().select() for part in parts)).subquery("hits")
    return (
        sa.select(found.c._id, found.c._score, *(expr.label(label) for label, expr in spec.shown))
        .select_from(found.join(spec.show_from, spec.pk == found.c._id))
        .order_by(found.c._score.desc(), prefix_order(session, found.c._key), found.c._id.desc())
        .limit(limit)
    )


def _direction(expr: SqlExpr, descending: bool) -> sa.UnaryExpression[Any]:
    return expr.desc() if descending else expr.asc()


def _filters(spec: _Kind, include_archived: bool, max_marking_rank: int | None, default_rank: int) -> list[Cond]:
    filters: list[Cond] = [] if include_archived else [spec.archived.is_(sa.false())]
    if max_marking_rank is not None and spec.marking_id is not None:
        own = sa.select(Marking.rank).where(Marking.id == spec.marking_id).scalar_subquery()
        filters.append(sa.func.coalesce(own, default_rank) <= max_marking_rank)
    return filters


def _default_rank(session: Session, default_label: str | None) -> int:
    ranks = dict(marking_scheme(session))
    if default_label is not None and default_label in ranks:
        return ranks[default_label]
    return min(ranks.values(), default=0)


def first_of_each_kind(hits: Sequence[SearchHit], shown: int) -> tuple[tuple[SearchHit, ...], tuple[SearchKind, ...]]:
    """The first `shown` of `hits` of each kind, in their order, and the kinds that had more (in SEARCH_KINDS
    order): for a search asked for one more of each kind than it shows, so that it can say where records were
    left out instead of showing a count that looks complete."""
    seen: dict[SearchKind, int] = {}
    kept: list[SearchHit] = []
    for hit in hits:
        seen[hit.kind] = seen.get(hit.kind, 0) + 1
        if seen[hit.kind] <= shown:
            kept.append(hit)
    return tuple(kept), tuple(kind for kind in SEARCH_KINDS if seen.get(kind, 0) > shown)


def search_everything(
    session: Session,
    text: str,
    *,
    limit_per_kind: int = 8,
    include_archived: bool = False,
    max_marking_rank: int | None = None,
) -> tuple[SearchHit, ...]:
    """Records of every kind whose names or text contain `text`, best first: exact > prefix > word prefix >
    substring, then SEARCH_KINDS order. Case-insensitive on name keys (NFKC casefold: `CAFÉ` finds `Café`, but
    `cafe` does not: accents are kept); other text folds ASCII case on SQLite. `%` and `_` match literally.
    Archived rows are left out unless `include_archived`; `max_marking_rank` leaves out rows marked above it."""
    if isinstance(limit_per_kind, bool) or not isinstance(limit_per_kind, int) or limit_per_kind < 1:
        raise ValueError("limit_per_kind must be a whole number of 1 or more")
    terms = _terms(text, session)
    if terms is None:
        return ()
    settings = load_settings(session)
    default_rank = _default_rank(session, settings.default_marking) if max_marking_rank is not None else 0
    hits: list[tuple[int, int, int, SearchHit]] = []
    for kind_index, spec in enumerate(_KINDS):
        filters = _filters(spec, include_archived, max_marking_rank, default_rank)
        stmt = _statement(session, spec, terms, settings.calendar, limit_per_kind, filters)
        for position, row in enumerate(session.execute(stmt).mappings()):
            title, detail = spec.render(row, settings.calendar)
            hit = SearchHit(spec.kind, int(row["_id"]), spec.entity, title, detail, int(row["_score"]))
            hits.append((-hit.score, kind_index, position, hit))
    return tuple(hit for *_key, hit in sorted(hits, key=lambda h: h[:3]))
