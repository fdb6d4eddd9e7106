"""Tests for global search: what each kind matches on, ranking, Unicode keys, literal wildcards, archive, speed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.demo import build_demo
from core.domain.commitments import Commitment, CommitmentType
from core.domain.fiscal import FiscalCalendar
from core.domain.forums import Forum, ForumEvent, ForumType
from core.domain.meetings import Action, ActionStatus, EngagementGroup, Meeting
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import Marking
from core.domain.secondments import Direction, Secondment, SecondmentType
from core.domain.text import name_key
from core.reports.lists import LIST_ENTITIES
from core.reports.search import (
    EXACT,
    PREFIX,
    SEARCH_KINDS,
    SUBSTRING,
    WORD_PREFIX,
    SearchHit,
    first_of_each_kind,
    search_everything,
    searches_long_text,
)
from core.services.office import initialise_office

CALENDAR = FiscalCalendar(7)  # the office default: July to June


@dataclass(frozen=True)
class Ids:
    db: Database
    orgs: dict[str, int]
    person: int
    forum: int
    group: int
    meetings: tuple[int, ...]  # numbers 1 and 2
    actions: dict[str, int]
    commitment: int
    secondment: int
    event: int
    sensitive_action: int


def _org(name: str, *, code: str | None = None, short: str = "", archived: bool = False) -> Organisation:
    return Organisation(
        name=name, name_key=name_key(name), code=code, short_name=short, org_type=OrgType.FIRM, archived=archived
    )


def _meeting(group: EngagementGroup, number: int, when: date) -> Meeting:
    fy = CALENDAR.fiscal_year_of(when)
    return Meeting(
        group_id=group.id, number=number, meeting_date=when, fiscal_year=fy, fiscal_quarter=CALENDAR.quarter_of(when)
    )


@pytest.fixture
def office(schema_db: Database) -> Ids:
    """A real office (seeded reference data) plus rows with distinctive words the seed does not contain."""
    initialise_office(schema_db)
    with schema_db.write() as s:
        sensitive = s.scalars(sa.select(Marking).where(Marking.label == "OFFICIAL: Sensitive")).one()
        orgs = {
            "exact": _org("Zephyr", code="ZPH"),
            "prefix": _org("Zephyr Labs"),
            "word": _org("Blue Zephyr"),
            "substring": _org("Bluezephyrs"),
            "percent": _org("100% Quokka"),
            "plain": _org("100 Quokka"),
            "underscore": _org("Quokka_Net"),
            "letter": _org("QuokkaXNet"),
            "archived": _org("Zephyr Archive", archived=True),
        }
        s.add_all(orgs.values())
        s.flush()
        person = Person(
            full_name="Zoë Café",
            name_key=name_key("Zoë Café"),
            organisation_id=orgs["exact"].id,
            role_title="Counsel for quokka matters",
            email="zoe@example.org",
        )
        forum = Forum(
            full_name="Wombat Dialogue on Cyber Norms",
            name_key=name_key("Wombat Dialogue on Cyber Norms"),
            acronym="WDCN",
            forum_type=ForumType.BILATERAL,
        )
        group = EngagementGroup(name="Numbat Engagement Group", name_key=name_key("Numbat Engagement Group"))
        s.add_all([person, forum, group])
        s.flush()
        meetings = (_meeting(group, 1, date(2024, 8, 20)), _meeting(group, 2, date(2024, 11, 20)))
        s.add_all(meetings)
        s.flush()
        actions = {}
        for ref, description, extra in (
            ("N01.01", "Draft the wombat brief", {}),
            ("N01.02", "Circulate the 50% budget note", {}),
            ("N02.01", "Confirm the platypus agenda", {"marking_id": sensitive.id}),
            ("N02.02", "Archived wombat chore", {"archived": True}),
        ):
            action = Action(
                group_id=group.id,
                ref=ref,
                raised_at_meeting_id=meetings[0].id,
                description=description,
                owner_agency_id=orgs["exact"].id,
                raised_on=date(2024, 8, 20),
                original_due_date=date(2024, 9, 30),
                due_date=date(2024, 9, 30),
                status=ActionStatus.OPEN,
                **extra,
            )
            s.add(action)
            actions[ref] = action
        commitment = Commitment(
            title="Echidna cyber partnership",
            title_key=name_key("Echidna cyber partnership"),
            commitment_type=CommitmentType.MOU,
            instrument_ref="ECH/2024-7",
        )
        secondment = Secondment(
            person_id=person.id,
            direction=Direction.INWARD,
            secondment_type=SecondmentType.INDUSTRY_LOAN,
            home_organisation_id=orgs["prefix"].id,
            role_title="Bilby analyst",
            start_date=date(2024, 1, 1),
            planned_end_date=date(2024, 12, 31),
            original_end_date=date(2024, 12, 31),
        )
        event = ForumEvent(
            forum_id=forum.id,
            title="Réunion du dialogue Wombat",
            start_date=date(2025, 3, 3),
            end_date=date(2025, 3, 4),
            location="Kangaroo Island",
        )
        s.add_all([commitment, secondment, event])
        s.flush()
        return Ids(
            db=schema_db,
            orgs={key: org.id for key, org in orgs.items()},
            person=person.id,
            forum=forum.id,
            group=group.id,
            meetings=tuple(m.id for m in meetings),
            actions={ref: a.id for ref, a in actions.items()},
            commitment=commitment.id,
            secondment=secondment.id,
            event=event.id,
            sensitive_action=actions["N02.01"].id,
        )


def search(office: Ids, text: str, **kwargs: object) -> tuple[SearchHit, ...]:
    with office.db.read() as session:
        return search_everything(session, text, **kwargs)  # type: ignore[arg-type]


def found(hits: tuple[SearchHit, ...], kind: str) -> list[int]:
    return [hit.row_id for hit in hits if hit.kind == kind]


def test_blank_text_finds_nothing_and_the_limit_must_be_positive(office: Ids) -> None:
    assert search(office, "") == ()
    assert search(office, " \t\u3000 ") == ()
    with pytest.raises(ValueError, match="limit_per_kind"):
        search(office, "zephyr", limit_per_kind=0)


def test_ranking_exact_then_prefix_then_word_prefix_then_substring(office: Ids) -> None:
    hits = [h for h in search(office, "zephyr") if h.kind == "organisation"]
    assert [h.row_id for h in hits] == [office.orgs[k] for k in ("exact", "prefix", "word", "substring")]
    assert [h.score for h in hits] == [EXACT, PREFIX, WORD_PREFIX, SUBSTRING]
    assert hits[0].title == "Zephyr" and hits[0].detail == "ZPH · Firm" and hits[0].entity == "organisations"
    # The organisation's code matches exactly as well, whatever its case.
    assert search(office, "zph")[0] == hits[0]


def test_hits_are_sorted_best_first_across_kinds(office: Ids) -> None:
    hits = search(office, "wombat")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    # Prefix of the forum's name outranks a word inside the event's title and the action's description.
    assert (hits[0].kind, hits[0].row_id, hits[0].score) == ("forum", office.forum, PREFIX)
    assert {h.kind for h in hits} == {"forum", "action", "event"}
    for hit in search(office, "a"):
        assert hit.kind in SEARCH_KINDS and hit.entity in LIST_ENTITIES


def test_limit_per_kind(office: Ids) -> None:
    hits = search(office, "zephyr", limit_per_kind=2)
    assert found(hits, "organisation") == [office.orgs["exact"], office.orgs["prefix"]]


def test_unicode_names_match_on_their_nfkc_casefolded_key(office: Ids) -> None:
    # CAFÉ and café share a key with Café; the decomposed e + U+0301 composes to é under NFKC.
    for text in ("CAFÉ", "café", "zoë café", "Cafe\u0301", "ZOË"):
        assert found(search(office, text), "person") == [office.person], text
    # Casefolding keeps accents: "cafe" and "zoe" are other words than "café" and "zoë".
    assert found(search(office, "cafe"), "person") == []
    assert found(search(office, "zoe café"), "person") == []


def test_other_text_matches_case_insensitively_including_accented_capitals(office: Ids) -> None:
    assert found(search(office, "RÉUNION"), "event") == [office.event]
    assert found(search(office, "kangaroo island"), "event") == [office.event]  # the location
    assert found(search(office, "ZOE@EXAMPLE"), "person") == [office.person]  # the e-mail address


def test_like_wildcards_in_the_text_match_literally(office: Ids) -> None:
    assert found(search(office, "100%"), "organisation") == [office.orgs["percent"]]
    assert found(search(office, "quokka_"), "organisation") == [office.orgs["underscore"]]
    assert found(search(office, "50%"), "action") == [office.actions["N01.02"]]
    # One character is looked for in names, not in action text (see test_short_text_finds_names_and_refs_only).
    assert {h.title for h in search(office, "%")} == {"100% Quokka"}
    assert found(search(office, "\\"), "organisation") == []
    # A lone surrogate (broken clipboard text) is dropped rather than failing the search.
    assert found(search(office, "Zephyr\ud800"), "organisation")[0] == office.orgs["exact"]


def test_archived_rows_are_left_out_unless_asked_for(office: Ids) -> None:
    assert office.orgs["archived"] not in found(search(office, "zephyr archive"), "organisation")
    hits = search(office, "zephyr archive", include_archived=True)
    assert found(hits, "organisation")[0] == office.orgs["archived"]
    assert office.actions["N02.02"] not in found(search(office, "chore"), "action")
    assert found(search(office, "chore", include_archived=True), "action") == [office.actions["N02.02"]]


def test_the_marking_ceiling_hides_higher_marked_rows(office: Ids) -> None:
    with office.db.read() as session:
        official = session.scalars(sa.select(Marking.rank).where(Marking.label == "OFFICIAL")).one()
    assert found(search(office, "platypus"), "action") == [office.sensitive_action]
    assert found(search(office, "platypus", max_marking_rank=official), "action") == []
    assert found(search(office, "wombat brief", max_marking_rank=official), "action") == [office.actions["N01.01"]]


def test_meetings_by_title_number_quarter_and_group(office: Ids) -> None:
    first, second = office.meetings
    hits = search(office, "meeting 2")
    assert found(hits, "meeting") == [second]
    meeting = next(h for h in hits if h.kind == "meeting")
    assert meeting.title == "Meeting 2 — 2024–25 Q2 (Numbat Engagement Group)"
    assert (meeting.score, meeting.entity, meeting.detail) == (PREFIX, "meetings", "20 Nov 2024 · Scheduled")
    exact = search(office, "Meeting 1 — 2024–25 Q1")
    assert [(h.kind, h.row_id, h.score) for h in exact if h.kind == "meeting"] == [("meeting", first, EXACT)]
    assert found(search(office, "2024-25 Q2"), "meeting") == [second]
    assert found(search(office, "1"), "meeting") == [first]
    assert found(search(office, "numbat"), "meeting") == [second, first]  # latest first
    assert found(search(office, "meet"), "meeting") == [second, first]
    assert found(search(office, "meeting 3"), "meeting") == []


def test_actions_by_ref_prefix_and_description(office: Ids) -> None:
    hits = search(office, "n01")
    assert set(found(hits, "action")) == {office.actions["N01.01"], office.actions["N01.02"]}
    assert all(h.score == PREFIX for h in hits if h.kind == "action")
    exact = search(office, "N01.01")[0]
    assert (exact.kind, exact.row_id, exact.score) == ("action", office.actions["N01.01"], EXACT)
    assert exact.title == "N01.01: Draft the wombat brief"
    assert exact.detail == "Numbat Engagement Group · ZPH · due 30 Sep 2024 · Open"
    # Refs match from their start only: ".01" is inside refs but starts none.
    assert found(search(office, ".01"), "action") == []


def add_actions(office: Ids, *rows: tuple[str, str, str]) -> list[int]:
    """Actions (ref, description, latest update) added in this order, so each is newer than the last."""
    with office.db.write() as s:
        actions = [
            Action(
                group_id=office.group,
                ref=ref,
                raised_at_meeting_id=office.meetings[1],
                description=description,
                progress_update=update,
                owner_agency_id=office.orgs["exact"],
                raised_on=date(2024, 11, 20),
                original_due_date=date(2025, 1, 31),
                due_date=date(2025, 1, 31),
                status=ActionStatus.COMPLETE,
            )
            for ref, description, update in rows
        ]
        s.add_all(actions)
        s.flush()
        return [a.id for a in actions]


def test_actions_by_exact_ref_then_refs_in_order_then_text_newest_first(office: Ids) -> None:
    older, newer, longer = add_actions(
        office,
        ("N03.01", "Chase the reply on N01.01", ""),
        ("N03.02", "Close N01.01 once the brief is sent", ""),
        ("N01.011", "A ref that starts with N01.01", ""),
    )
    hits = [h for h in search(office, "n01.01") if h.kind == "action"]
    # The exact ref first, then the longer ref, then the text that mentions it, newest first.
    assert [h.row_id for h in hits] == [office.actions["N01.01"], longer, newer, older]
    assert [h.score for h in hits] == [EXACT, PREFIX, SUBSTRING, SUBSTRING]
    # A ref is not found twice when its own description holds the text as well.
    assert [h.row_id for h in search(office, "n01.011") if h.kind == "action"] == [longer]
    # Refs listed in ref order, whatever order they were added in.
    assert found(search(office, "N0"), "action")[:3] == [
        office.actions["N01.01"],
        longer,
        office.actions["N01.02"],
    ]


def test_a_page_of_refs_leaves_out_the_text_that_mentions_them(office: Ids) -> None:
    mentions = add_actions(office, *((f"N04.{i:02d}", "Follow up N0 items", "") for i in range(3)))
    hits = search(office, "N0", limit_per_kind=2)
    assert found(hits, "action") == [office.actions["N01.01"], office.actions["N01.02"]]
    assert found(search(office, "follow up n0", limit_per_kind=2), "action") == mentions[::-1][:2]


def test_the_latest_update_is_searched_too(office: Ids) -> None:
    (action,) = add_actions(office, ("N05.01", "Send the letter", "Awaiting the quokkaburra reply"))
    hit = next(h for h in search(office, "QUOKKABURRA") if h.kind == "action")
    assert (hit.row_id, hit.score, hit.title) == (action, SUBSTRING, "N05.01: Send the letter")


def test_short_text_finds_names_and_refs_only(office: Ids) -> None:
    assert [searches_long_text(t) for t in ("wo", "  wo  ", "wom", "e\u0301z")] == [False, False, True, False]
    hits = search(office, "wo")
    # Two letters: the forum whose name holds them, but not the actions whose descriptions do ("wombat brief").
    assert office.forum in found(hits, "forum") and found(hits, "action") == []
    assert found(search(office, "wom"), "action") == [office.actions["N01.01"]]
    # Refs still match from their start, archived ones left out as ever.
    assert found(search(office, "n0"), "action") == [office.actions[r] for r in ("N01.01", "N01.02", "N02.01")]


def test_commitments_secondments_people_by_their_other_fields(office: Ids) -> None:
    assert found(search(office, "ech/2024"), "commitment") == [office.commitment]
    assert found(search(office, "echidna"), "commitment") == [office.commitment]
    assert found(search(office, "bilby"), "secondment") == [office.secondment]  # role
    assert found(search(office, "zephyr labs"), "secondment") == [office.secondment]  # home organisation
    secondment = next(h for h in search(office, "zoë") if h.kind == "secondment")
    assert (secondment.title, secondment.entity) == ("Zoë Café", "secondments")
    assert secondment.detail == "Bilby analyst · Zephyr Labs · ends 31 Dec 2024 · Proposed"
    assert found(search(office, "counsel"), "person") == [office.person]  # role
    assert found(search(office, "wdcn"), "forum") == [office.forum]  # acronym


def test_one_limited_query_per_kind(office: Ids) -> None:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(office.db.engine, "before_cursor_execute", record)
    try:
        search(office, "zephyr")
    finally:
        sa.event.remove(office.db.engine, "before_cursor_execute", record)
    searches = [s for s in seen if "LIKE" in s]
    assert len(searches) == len(SEARCH_KINDS)
    assert all("LIMIT" in s for s in searches)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.cyberdesk"
    with open_database(path, create=True) as db:
        build_demo(db, as_at=date(2025, 8, 15))
        yield db


def test_demo_office_finds_forums_first_and_their_events(demo: Database) -> None:
    with demo.read() as session:
        oewg = search_everything(session, "OEWG")
        mechanism = search_everything(session, "Global Mechanism")
    assert oewg[0].kind == "forum" and "OEWG" in oewg[0].detail
    assert any(h.kind == "event" for h in oewg)
    assert (mechanism[0].kind, mechanism[0].score) == ("forum", EXACT)
    events = [h for h in mechanism if h.kind == "event"]
    assert events and all(h.title.startswith("Global Mechanism") for h in events)


def test_first_of_each_kind_keeps_the_best_and_says_which_kinds_had_more() -> None:
    def hit(kind: str, row_id: int) -> SearchHit:
        return SearchHit(kind, row_id, kind + "s", f"{kind} {row_id}", "", EXACT)  # type: ignore[arg-type]

    hits = [hit("action", 1), hit("forum", 1), hit("action", 2), hit("action", 3), hit("person", 1), hit("forum", 2)]
    kept, more = first_of_each_kind(hits, 2)
    assert kept == (hits[0], hits[1], hits[2], hits[4], hits[5])
    assert more == ("action",)
    assert first_of_each_kind(hits, 3) == (tuple(hits), ())
