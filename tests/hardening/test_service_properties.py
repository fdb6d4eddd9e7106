"""Random sequences of valid and invalid service calls never break an invariant (hypothesis stateful testing).

Organisations, people, forums, actions and budget lines are created, updated (sometimes from a stale version),
archived and deleted with good and hostile values. After every step: the audit chain verifies, no row refers to a
missing one, dates keep their order, and the budget list's total per line equals the sum of its months. A refused
call (ValidationError, EditConflict, RecordInUse) must leave every table and the audit trail exactly as they were.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

from core.db.backup import backup_to
from core.db.engine import Database, open_database
from core.db.health import check_database
from core.domain.audit import verify_chain
from core.domain.forums import Forum, ForumType
from core.domain.meetings import Action, ActionStatus, EngagementGroup, GroupMembership, Meeting, MeetingStatus
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import CostCategory
from core.domain.resources import BudgetLine, BudgetMonth
from core.reports.lists import fetch_list
from core.services.office import initialise_office
from core.services.records import (
    EditConflict,
    RecordInUse,
    archive_record,
    create_record,
    delete_record,
    update_record,
)
from core.services.validation import ValidationError
from tests.hardening.hostile_office import AT_SUM, HYPERLINK

AS_AT = date(2025, 8, 15)
RAISED = date(2025, 7, 15)
_TABLES = ("organisation", "person", "forum", "action", "budget_line", "budget_month", "audit_log")

# Refused for certain, whatever else is in the office: the test asserts the service says so.
BAD_TEXT = ["", "   ", "x\ud800", "a\x00b", "\u202eexe", "x" * 4001]  # 4,001: past the longest of these fields
names = st.one_of(
    st.sampled_from([HYPERLINK, AT_SUM, "#N/A", "+61 Partners", "Ministry", "ministry ", "Ünïcødé 😀", *BAD_TEXT]),
    st.text(min_size=1, max_size=12),
)
amounts = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("0.001"), Decimal("1E+15")]),
)


@cache
def _template() -> Path:
    """An office with a group, one member agency and a held meeting, built once and copied for every example."""
    path = Path(tempfile.mkdtemp(prefix="cyberdesk-props-")) / "template.cyberdesk"
    with open_database(path, create=True) as db:
        initialise_office(db, name="Property office")
        with db.write() as s:
            agency = s.scalars(sa.select(Organisation).where(Organisation.code == "MFA")).one()
            group = EngagementGroup(name="Property group", name_key="property group", short_name="PG")
            s.add(group)
            s.flush()
            s.add(GroupMembership(group_id=group.id, organisation_id=agency.id, start_date=date(2024, 1, 1)))
            s.add(
                Meeting(
                    group_id=group.id,
                    number=1,
                    meeting_date=RAISED,
                    fiscal_year=2026,
                    fiscal_quarter=1,
                    status=MeetingStatus.HELD,
                )
            )
    return path


class OfficeMachine(RuleBasedStateMachine):
    orgs = Bundle("orgs")
    people = Bundle("people")
    forums = Bundle("forums")
    actions = Bundle("actions")
    lines = Bundle("lines")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cyberdesk-prop-"))
        backup_to(_template(), self.folder / "office.cyberdesk")
        self.db: Database = open_database(self.folder / "office.cyberdesk")
        with self.db.read() as s:
            self.agency = s.scalars(sa.select(Organisation.id).where(Organisation.code == "MFA")).one()
            self.group = s.scalars(sa.select(EngagementGroup.id)).one()
            self.meeting = s.scalars(sa.select(Meeting.id)).one()
            self.category = s.scalars(sa.select(CostCategory.id).order_by(CostCategory.id)).first()
        self.months: dict[int, dict[int, Decimal]] = {}  # line id -> fiscal month -> revised amount
        self.action_count = 0

    def teardown(self) -> None:
        self.db.close()
        report = check_database(self.folder / "office.cyberdesk")
        assert report.ok, report.problems

    # -- helpers ------------------------------------------------------------------------------------

    def _snapshot(self) -> str:
        digest = hashlib.sha256()
        with self.db.engine.connect() as conn:
            for table in _TABLES:
                for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY rowid"):
                    digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _attempt(self, call: Any, *, must_refuse: bool = False) -> Any:
        """Run `call(session)` in one write; a refusal must change nothing, and `must_refuse` must be refused."""
        before = self._snapshot()
        try:
            with self.db.write(actor="property test") as session:
                result = call(session)
                ids = getattr(result, "id", None), getattr(result, "version_id", None)
        except (ValidationError, EditConflict, RecordInUse):
            assert self._snapshot() == before, "a refused call changed the database"
            return None
        assert not must_refuse, "a call that must be refused went through"
        return ids

    def _version(self, model: type[Any], row_id: int) -> int | None:
        with self.db.read() as s:
            return s.scalar(sa.select(model.version_id).where(model.id == row_id))

    # -- rules --------------------------------------------------------------------------------------

    @rule(target=orgs, name=names)
    def create_organisation(self, name: str) -> Any:
        ids = self._attempt(
            lambda s: create_record(s, Organisation, {"name": name, "org_type": OrgType.FIRM}),
            must_refuse=name in BAD_TEXT,
        )
        return ids[0] if ids else None

    @rule(target=people, org=orgs, name=names)
    def create_person(self, org: int | None, name: str) -> Any:
        ids = self._attempt(
            lambda s: create_record(s, Person, {"full_name": name, "organisation_id": org or self.agency}),
            must_refuse=name in BAD_TEXT,
        )
        return ids[0] if ids else None

    @rule(target=forums, name=names)
    def create_forum(self, name: str) -> Any:
        ids = self._attempt(
            lambda s: create_record(s, Forum, {"full_name": name, "forum_type": ForumType.MULTILATERAL}),
            must_refuse=name in BAD_TEXT,
        )
        return ids[0] if ids else None

    @rule(org=orgs, name=names, stale=st.booleans())
    def rename_organisation(self, org: int | None, name: str, stale: bool) -> None:
        version = self._version(Organisation, org) if org else None
        if version is None:
            return
        self._attempt(
            lambda s: update_record(s, Organisation, org, version - 1 if stale else version, {"name": name}),
            must_refuse=stale or name in BAD_TEXT,
        )

    @rule(org=consumes(orgs))
    def delete_organisation(self, org: int | None) -> None:
        version = self._version(Organisation, org) if org else None
        if version is None:
            return
        self._attempt(lambda s: delete_record(s, Organisation, org, version))

    @rule(forum=forums, archived=st.booleans(), stale=st.booleans())
    def archive_forum(self, forum: int | None, archived: bool, stale: bool) -> None:
        version = self._version(Forum, forum) if forum else None
        if version is None:
            return
        self._attempt(
            lambda s: archive_record(s, Forum, forum, version + 1 if stale else version, archived), must_refuse=stale
        )

    @rule(target=actions, due_in=st.integers(-30, 90), text=names)
    def create_action(self, due_in: int, text: str) -> Any:
        self.action_count += 1
        values = {
            "group_id": self.group,
            "ref": f"P-{self.action_count}",
            "raised_at_meeting_id": self.meeting,
            "description": text,
            "owner_agency_id": self.agency,
            "raised_on": RAISED,
            "due_date": RAISED + timedelta(days=due_in),
            "status": ActionStatus.OPEN,
        }
        ids = self._attempt(lambda s: create_record(s, Action, values), must_refuse=due_in < 0 or text in BAD_TEXT)
        return ids[0] if ids else None

    @rule(action=actions, due_in=st.integers(-30, 90), stale=st.booleans())
    def move_action_due_date(self, action: int | None, due_in: int, stale: bool) -> None:
        version = self._version(Action, action) if action else None
        if version is None:
            return
        due = RAISED + timedelta(days=due_in)
        self._attempt(
            lambda s: update_record(s, Action, action, version - 1 if stale else version, {"due_date": due}),
            must_refuse=stale or due_in < 0,
        )

    @rule(target=lines, forum=forums, description=names)
    def create_budget_line(self, forum: int | None, description: str) -> Any:
        values = {"fiscal_year": 2026, "forum_id": forum, "category_id": self.category, "description": description}
        ids = self._attempt(lambda s: create_record(s, BudgetLine, values), must_refuse=description in BAD_TEXT)
        if ids:
            self.months[ids[0]] = {}
            return ids[0]
        return None

    @rule(line=lines, month=st.integers(1, 12), amount=amounts)
    def add_budget_month(self, line: int | None, month: int, amount: Decimal) -> None:
        if line is None or line not in self.months or month in self.months[line]:
            return
        bad = not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) > 10**12
        values = {"budget_line_id": line, "fiscal_month": month, "revised": amount, "actual": amount / 2}
        ids = self._attempt(lambda s: create_record(s, BudgetMonth, values), must_refuse=bad)
        if ids:
            self.months[line][month] = amount

    @rule(line=lines, stale=st.booleans())
    def archive_budget_line(self, line: int | None, stale: bool) -> None:
        version = self._version(BudgetLine, line) if line else None
        if version is None:
            return
        self._attempt(lambda s: archive_record(s, BudgetLine, line, version - 1 if stale else version, True))

    # -- invariants ---------------------------------------------------------------------------------

    @invariant()
    def audit_chain_verifies_and_nothing_is_orphaned(self) -> None:
        with self.db.engine.connect() as conn:
            chain = verify_chain(conn)
            assert not chain.problems, chain.problems
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []

    @invariant()
    def dates_keep_their_order(self) -> None:
        with self.db.read() as s:
            assert not s.scalar(sa.select(sa.func.count()).where(Action.due_date < Action.raised_on))

    @precondition(lambda self: bool(self.months))
    @invariant()
    def each_line_totals_the_sum_of_its_months(self) -> None:
        with self.db.read() as s:
            page = fetch_list(s, "budget", as_at=AS_AT, include_archived=True, count=False)
        keys = [c.key for c in page.columns]
        revised = {row_id: row[keys.index("revised")] for row_id, row in zip(page.ids, page.rows, strict=True)}
        for line, months in self.months.items():
            assert revised[line] == sum(months.values(), Decimal("0.00")), (line, revised[line], months)


OfficeMachine.TestCase.settings = settings(max_examples=20, stateful_step_count=15, deadline=None)
test_office_services_keep_their_invariants = OfficeMachine.TestCase
