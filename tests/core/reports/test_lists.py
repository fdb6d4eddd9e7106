"""Tests for the list read models: names not ids, RAG and meeting counts, SQL search/sort/paging, markings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.domain.fiscal import FiscalCalendar
from core.domain.forums import Forum, Priority, forum_tag
from core.domain.meetings import (
    Action,
    ActionStatus,
    EngagementGroup,
    GroupMembership,
    Meeting,
    MeetingStatus,
    action_tag,
)
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import CostCategory, Marking, Office, ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine, BudgetMonth, StaffAllocation
from core.domain.secondments import Direction, Secondment, SecondmentType
from core.domain.text import name_key
from core.reports.lists import (
    LIST_ENTITIES,
    LIST_SPECS,
    ListPage,
    UnknownList,
    UnknownMarking,
    count_list,
    fetch_list,
    resolve_marking,
)
from core.services.office import initialise_office

AS_AT = date(2025, 8, 15)
HYPERLINK = '=HYPERLINK("http://x","click")'
PLAIN = (str, int, Decimal, date, datetime, bool, type(None))


@dataclass(frozen=True)
class Office_:
    """The ids a test needs from the small office built by `build_office`."""

    db: Database
    overdue: int  # raised two meetings ago, due before AS_AT, open
    complete: int
    sensitive: int  # in progress, marked OFFICIAL: Sensitive
    archived: int
    line: int


def build_office(path: Path, *, office_name: str = "Smith & Jones Cyber Office") -> Office_:
    """A real office (migrations + seed) plus a handful of rows for every list."""
    db = open_database(path, create=True)
    initialise_office(db, name=office_name)
    calendar = FiscalCalendar(7)
    with db.write() as s:
        mfa = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
        sensitive = s.scalars(sa.select(Marking).where(Marking.label == "OFFICIAL: Sensitive")).one()
        forum = s.scalars(sa.select(Forum).order_by(Forum.id)).first()
        category = s.scalars(sa.select(CostCategory).order_by(CostCategory.id)).first()
        assert forum is not None and category is not None
        for name in (HYPERLINK, "#N/A", "+61 Partners"):
            s.add(Organisation(name=name, name_key=name_key(name), org_type=OrgType.FIRM))
        alex = Person(full_name="Alex Citizen", name_key=name_key("Alex Citizen"), organisation_id=mfa.id)
        group = EngagementGroup(name="Interagency Cyber Engagement Group", name_key="iceg", short_name="ICEG")
        s.add_all([alex, group])
        s.flush()
        s.add(GroupMembership(group_id=group.id, organisation_id=mfa.id, start_date=date(2024, 1, 1)))
        meetings = []
        for number, held in enumerate((date(2025, 1, 15), date(2025, 4, 15), date(2025, 7, 15), date(2025, 10, 15)), 1):
            fy = calendar.fiscal_year_of(held)
            meeting = Meeting(
                group_id=group.id,
                number=number,
                meeting_date=held,
                fiscal_year=fy,
                fiscal_quarter=calendar.quarter_of(held),
                status=MeetingStatus.HELD if held < AS_AT else MeetingStatus.SCHEDULED,
            )
            meetings.append(meeting)
        s.add_all(meetings)
        s.flush()

        def action(ref: str, meeting: Meeting, due: date, status: ActionStatus, **extra: object) -> Action:
            row = Action(
                group_id=group.id,
                ref=ref,
                raised_at_meeting_id=meeting.id,
                description=f"Action {ref}",
                owner_agency_id=mfa.id,
                raised_on=meeting.meeting_date,
                original_due_date=due,
                due_date=due,
                status=status,
                **extra,
            )
            s.add(row)
            return row

        overdue = action("A-1", meetings[0], date(2025, 6, 30), ActionStatus.OPEN, owner_person_id=alex.id)
        complete = action("A-2", meetings[1], date(2025, 7, 1), ActionStatus.COMPLETE, closed_on=date(2025, 7, 20))
        marked = action(
            "A-3",
            meetings[2],
            date(2025, 12, 1),
            ActionStatus.IN_PROGRESS,
            marking_id=sensitive.id,
            progress_update="Drafting the joint statement",
        )
        archived = action("A-4", meetings[0], date(2025, 3, 1), ActionStatus.OPEN, archived=True)
        line = BudgetLine(fiscal_year=2026, forum_id=forum.id, category_id=category.id, description="Travel to UN")
        over = BudgetLine(fiscal_year=2026, category_id=category.id, description="Overspent line")
        s.add_all([line, over])
        s.flush()
        s.add_all(
            [
                BudgetMonth(
                    budget_line_id=line.id,
                    fiscal_month=1,
                    original=Decimal("1000.00"),
                    revised=Decimal("1200.00"),
                    committed=Decimal("100.00"),
                    actual=Decimal("300.00"),
                    forecast=Decimal("500.00"),
                ),
                BudgetMonth(
                    budget_line_id=line.id, fiscal_month=2, revised=Decimal("800.00"), actual=Decimal("200.50")
                ),
                BudgetMonth(
                    budget_line_id=over.id, fiscal_month=1, revised=Decimal("100.00"), actual=Decimal("250.00")
                ),
                StaffAllocation(
                    person_id=alex.id,
                    forum_id=forum.id,
                    start_date=date(2025, 7, 1),
                    end_date=date(2026, 6, 30),
                    fte_hundredths=25,
                ),
                Secondment(
                    person_id=alex.id,
                    direction=Direction.INWARD,
                    secondment_type=SecondmentType.INDUSTRY_LOAN,
                    home_organisation_id=mfa.id,
                    start_date=date(2025, 1, 1),
                    planned_end_date=date(2025, 12, 31),
                    original_end_date=date(2025, 12, 31),
                    fte_hundredths=80,
                ),
            ]
        )
    return Office_(db, overdue.id, complete.id, marked.id, archived.id, line.id)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office_]:
    built = build_office(tmp_path / "t.cyberdesk")
    yield built
    built.db.close()


def fetch(office: Office_, entity: str, **kwargs: object) -> ListPage:
    with office.db.read() as session:
        return fetch_list(session, entity, as_at=AS_AT, **kwargs)  # type: ignore[arg-type]


def by_id(page: ListPage, row_id: int) -> dict[str, object]:
    row = page.rows[page.ids.index(row_id)]
    return {c.key: value for c, value in zip(page.columns, row, strict=True)}


@pytest.fixture
def statements(office: Office_) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(office.db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(office.db.engine, "before_cursor_execute", record)


def test_every_list_gives_plain_values_with_a_column_per_value(office: Office_) -> None:
    assert tuple(LIST_SPECS) == LIST_ENTITIES
    for entity in LIST_ENTITIES:
        page = fetch(office, entity)
        assert page.total == len(page.rows) == len(page.ids)
        for row in page.rows:
            assert len(row) == len(page.columns)
            assert all(isinstance(value, PLAIN) for value in row), (entity, row)
    assert len(fetch(office, "actions").rows) == 3
    assert fetch(office, "audit").total > 0


def test_actions_show_names_rag_and_meetings_open(office: Office_) -> None:
    page = fetch(office, "actions")
    overdue = by_id(page, office.overdue)
    assert overdue["owner_agency"] == "MFA"
    assert overdue["owner"] == "Alex Citizen"
    assert overdue["group"] == "ICEG"
    assert overdue["status"] == "Open"
    assert overdue["raised_at"] == 1
    assert overdue["rag"] == "Red"
    assert overdue["open_for"] == 2  # meetings 2 and 3 followed; meeting 4 is after the as-at date
    assert overdue["marking"] == "OFFICIAL"  # no marking of its own: the office default
    complete = by_id(page, office.complete)
    assert complete["rag"] == "Blue"
    assert complete["open_for"] == 1  # counted up to its closing date, not on to today
    sensitive = by_id(page, office.sensitive)
    assert (sensitive["rag"], sensitive["open_for"], sensitive["status"]) == ("Green", 0, "In progress")
    assert sensitive["marking"] == "OFFICIAL: Sensitive"


def test_open_for_follows_the_as_at_date(office: Office_) -> None:
    with office.db.read() as session:
        page = fetch_list(session, "actions", as_at=date(2025, 11, 1))
    assert by_id(page, office.overdue)["open_for"] == 3


def test_archived_rows_are_left_out_unless_asked_for(office: Office_) -> None:
    assert office.archived not in fetch(office, "actions").ids
    assert office.archived in fetch(office, "actions", include_archived=True).ids
    with office.db.read() as session:
        assert count_list(session, "actions") == 3
        assert count_list(session, "actions", include_archived=True) == 4


def test_sort_and_search_run_in_sql(office: Office_, statements: list[str]) -> None:
    page = fetch(office, "actions", sort=("due", True), limit=2)
    assert [by_id(page, i)["ref"] for i in page.ids] == ["A-3", "A-2"]
    assert page.total == 3
    select = next(s for s in statements if "FROM action" in s and "ORDER BY" in s)
    assert "LIMIT" in select

    statements.clear()
    page = fetch(office, "actions", search="ALEX")
    assert page.ids == (office.overdue,)
    assert any("LIKE" in s for s in statements)
    # Enum columns are searched by their labels; LIKE wildcards in the search are taken literally.
    assert fetch(office, "actions", search="in progress").ids == (office.sensitive,)
    assert fetch(office, "actions", search="%").rows == ()


def test_text_sort_ignores_case_and_enum_sort_follows_meaning(office: Office_) -> None:
    names = [row[0] for row in fetch(office, "organisations", sort=("name", False)).rows]
    assert names == sorted(names, key=str.casefold)
    forums = fetch(office, "forums", sort=("priority", False))
    priorities = [by_id(forums, i)["priority"] for i in forums.ids]
    order = [p.label for p in Priority]
    assert priorities == sorted(priorities, key=lambda p: order.index(str(p)))


def test_paging_with_offset_limit_and_total(office: Office_) -> None:
    first = fetch(office, "actions", offset=0, limit=2)
    second = fetch(office, "actions", offset=2, limit=2)
    assert (len(first.rows), len(second.rows)) == (2, 1)
    assert first.total == second.total == 3
    assert set(first.ids) | set(second.ids) == {office.overdue, office.complete, office.sensitive}
    assert second.offset == 2


def test_rag_sorts_in_sql_also_one_page_at_a_time(office: Office_) -> None:
    page = fetch(office, "actions", sort=("rag", False))
    assert [by_id(page, i)["rag"] for i in page.ids] == ["Red", "Green", "Blue"]
    first = fetch(office, "actions", sort=("rag", False), limit=2)
    assert [by_id(first, i)["rag"] for i in first.ids] == ["Red", "Green"]


def test_marking_ceiling_leaves_out_and_counts_higher_rows(office: Office_) -> None:
    assert fetch(office, "actions").highest_marking == "OFFICIAL: Sensitive"
    with office.db.read() as session:
        label, rank = resolve_marking(session, "  official ")
        assert label == "OFFICIAL"
        page = fetch_list(session, "actions", as_at=AS_AT, max_marking_rank=rank)
        assert count_list(session, "actions", max_marking_rank=rank) == 2
        with pytest.raises(UnknownMarking, match="OFFICIAL, OFFICIAL: Sensitive"):
            resolve_marking(session, "SECRET")
    assert office.sensitive not in page.ids
    assert (page.total, page.left_out_by_marking, page.highest_marking) == (2, 1, "OFFICIAL")
    # Lists without markings are never filtered and report no marking of their own.
    forums = fetch(office, "forums", max_marking_rank=rank)
    assert (forums.left_out_by_marking, forums.highest_marking) == (0, None)


def test_budget_lines_total_their_months_in_sql(office: Office_) -> None:
    page = fetch(office, "budget")
    line = by_id(page, office.line)
    assert line["fiscal_year"] == "2025–26"
    assert line["forum"] and line["category"]
    assert (line["original"], line["revised"], line["committed"], line["actual"], line["forecast"]) == (
        Decimal("1000.00"),
        Decimal("1200.00") + Decimal("800.00"),
        Decimal("100.00"),
        Decimal("500.50"),
        Decimal("500.00"),
    )
    assert line["outturn"] == Decimal("1100.50")
    assert line["under_over"] == Decimal("899.50")
    over = next(by_id(page, i) for i in page.ids if i != office.line)
    assert over["under_over"] == Decimal("-150.00")
    assert over["forum"] is None


def test_fte_meeting_titles_and_personal_data_flags(office: Office_) -> None:
    assert fetch(office, "allocations").rows[0][4] == Decimal("0.25")
    secondment = fetch(office, "secondments")
    assert by_id(secondment, secondment.ids[0])["fte"] == Decimal("0.80")
    meetings = fetch(office, "meetings")
    titles = [by_id(meetings, i)["title"] for i in meetings.ids]
    assert titles[0] == "Meeting 4 — 2025–26 Q2"  # newest first
    assert "Meeting 3 — 2025–26 Q1" in titles
    assert LIST_SPECS["secondments"].personal_data and LIST_SPECS["people"].personal_data
    assert not LIST_SPECS["forums"].personal_data


def test_unknown_list_and_negative_paging_are_refused(office: Office_) -> None:
    with pytest.raises(UnknownList, match="organisations, people"):
        fetch(office, "widgets")
    with pytest.raises(ValueError):
        fetch(office, "actions", offset=-1)


def test_office_without_default_marking_uses_the_lowest(office: Office_) -> None:
    with office.db.write() as s:
        s.get_one(Office, 1).default_marking_id = None
    assert by_id(fetch(office, "actions"), office.overdue)["marking"] == "OFFICIAL"


def test_reference_list_names_each_kind_and_counts_what_it_tags(office: Office_) -> None:
    with office.db.write() as s:
        norm = s.scalars(sa.select(ReferenceItem).where(ReferenceItem.kind == ReferenceKind.GGE_NORM)).first()
        assert norm is not None
        forum_ids = s.scalars(sa.select(Forum.id).order_by(Forum.id).limit(2)).all()
        s.execute(sa.insert(forum_tag), [{"forum_id": f, "reference_item_id": norm.id} for f in forum_ids])
        s.execute(sa.insert(action_tag), [{"action_id": office.overdue, "reference_item_id": norm.id}])
    row = by_id(fetch(office, "reference", search=norm.code), norm.id)
    assert row["kind"] == "UN GGE norm"
    assert row["used"] == 3
    untouched = fetch(office, "reference", sort=("used", False), limit=1)
    assert by_id(untouched, untouched.ids[0])["used"] == 0


def test_archived_rows_asked_for_are_marked_as_archived(office: Office_) -> None:
    page = fetch(office, "actions", include_archived=True, limit=2, sort=("ref", True))
    assert page.ids[0] == office.archived
    assert page.archived_ids == {office.archived}
    assert fetch(office, "actions", include_archived=True, sort=("ref", False), limit=1).archived_ids == set()
    assert fetch(office, "actions").archived_ids == set()
