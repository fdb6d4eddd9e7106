"""The deterministic demo office: three fiscal years of history and the current year's plan around an as-at date."""

from __future__ import annotations

import calendar
import contextlib
import gc
import math
import random
import time as time_module
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.db.engine import Database
from core.db.errors import DatabaseError
from core.domain.audit import current_actor
from core.domain.base import Base
from core.domain.commitments import (
    Commitment,
    CommitmentStatus,
    CommitmentType,
    LegalStatus,
    Milestone,
    commitment_budget_line,
    commitment_counterparty,
    commitment_supporting_agency,
    commitment_tag,
)
from core.domain.fiscal import FiscalCalendar, add_working_days, meeting_title
from core.domain.forums import (
    DatePrecision,
    DelegationMember,
    EventFormat,
    EventLevel,
    EventStatus,
    ForumEvent,
    ForumSubtype,
    ForumType,
    Priority,
)
from core.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaPurpose,
    Attendance,
    AttendanceStatus,
    Decision,
    EngagementGroup,
    GroupMembership,
    Meeting,
    MeetingStatus,
    MembershipRole,
    MinutesStatus,
    PackStatus,
    Paper,
)
from core.domain.models import ImportBatch
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import ReferenceKind
from core.domain.resources import BudgetLine, BudgetMeasure, BudgetMonth, BudgetRevision, FundingType, StaffAllocation
from core.domain.secondments import (
    AgreementType,
    ChecklistItem,
    ClearanceLevel,
    ClearanceStatus,
    CoiStatus,
    CostSharing,
    Direction,
    Secondment,
    SecondmentExtension,
    SecondmentStatus,
    SecondmentType,
    secondment_forum,
)
from core.domain.text import name_key
from core.services.checklists import default_templates_for, due_date_of
from core.services.seed import BulkWriter, ReferenceIds, add_forums, add_office, add_reference_data, organisation_row
from core.services.seed_data import AGENCIES, FORUMS, ForumSeed

__all__ = [
    "DEFAULT_SEED",
    "DemoRefused",
    "DemoSummary",
    "build_action_bench",
    "build_budget_bench",
    "build_demo",
]

DEFAULT_SEED = 20250630
FY_START_MONTH = 7
HOME_STATE = "Republic of Meridia"
HOME = "Meridia"
HOME_CAPITAL = "Meridia City"
OFFICE_NAME = "Office of the Ambassador for Cyber Affairs — Republic of Meridia (DEMO)"
# ISO 4217 reserves XTS for testing: the demo's amounts are fictional units (domain-reference §9.4), and a real
# currency's code would suggest real costs.
CURRENCY = "XTS"
STAFF_DAY_RATE = Decimal("850.00")
GROUP_NAME = "International Cyber Engagement Group"
GROUP_SHORT = "ICEG"
VENUE = "Ministry of Foreign Affairs, Meeting Room 3 (and secure VTC)"
PARTNERS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")
DIALOGUE_PARTNERS = PARTNERS[:4]
HISTORY_YEARS = 3

Progress = Callable[[str], None]

# Neutral, multicultural name parts; combinations are drawn at random, so nobody real is portrayed.
FIRST_NAMES = (  # noqa: SIM905 -- a block of names is easier to read and extend than a quoted list
    "Amara Bilal Chen Dara Elif Farid Greta Hana Ines Jonas Kofi Leila Mateo Nadia Oskar Priya Rania Sami Tomas "
    "Uma Viktor Wen Yara Zane Aiko Bruno Chiara Dmitri Esther Femi Gabriel Hyun Ingrid Javier Kavya Luca Mei "
    "Nikolai Olu Paulo Rosa Sofia Tariq Ulla Vera Wanjiru Ximena Yusuf Zofia Anika Ravi Lena Kwame Marta Noor "
    "Pedro Sana Theo Aylin Diego Freya Jin Laila Arjun"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Okafor-Lindqvist Abara Bergstrom Castillo Demir Eriksen Fonseca Gallagher Haddad Ishikawa Jovanovic Kaur "
    "Lindqvist Mensah Novak Oyelaran Petrov Quispe Rahman Santos Takahashi Umarov Varga Wojcik Xu Yilmaz Zamora "
    "Adeyemi Brennan Chaudhry Dubois Ekstrom Farouk Gonzaga Horvath Iyer Jensen Kimura Larsen Moreau Nakamura "
    "Obi Park Rossi Sato Tanaka Uddin Vasquez Weber Yamamoto Zhou Ahmadi Bakker Costa Duarte Esposito Fischer "
    "Grant Huang Ivanova Kowalski Lopez Mwangi Nguyen"
).split()

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MEETING_MONTHS = (2, 5, 8, 11)


class DemoRefused(DatabaseError):
    """The database already holds data; the demo replaces it only when asked to (after a backup)."""


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]
    elapsed_s: float
    seed: int
    as_at: date
    scale: int
    batch_id: str

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


# --- small date and money helpers ----------------------------------------------------------------------------


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.month - 1 + months, 12)
    year += d.year
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _third_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def _day_label(d: date) -> str:
    return f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def _span_label(start: date, end: date, precision: DatePrecision) -> str:
    if precision is DatePrecision.MONTH:
        return f"{_MONTH_ABBR[start.month - 1]} {start.year}"
    if start == end:
        return _day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{_day_label(end)}"
    return f"{start.day} {_MONTH_ABBR[start.month - 1]}–{_day_label(end)}"


def _money(cents: int) -> Decimal:
    # Generated amounts stay far inside the default context's 28 digits, so this is exact, and several
    # times cheaper than from_cents (which sizes a private context for arbitrary totals).
    return Decimal(cents).scaleb(-2)


def _round_units(cents: float, units: int) -> int:
    """Cents rounded to a whole number of `units` currency units (budgets are set in round figures)."""
    step = units * 100
    return max(step, round(cents / step) * step)


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` cents over the weights exactly: the last weighted month takes the rounding remainder."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    parts = [int(total * w / weight_sum) for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0) if any(w > 0 for w in weights) else len(parts) - 1
    parts[last] += total - sum(parts)
    return parts


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _ref_kind(code: str) -> ReferenceKind:
    for prefix, kind in (
        ("NORM-", ReferenceKind.GGE_NORM),
        ("PC-", ReferenceKind.PARIS_CALL),
        ("OSCE-", ReferenceKind.OSCE_CBM),
        ("OAS-", ReferenceKind.OAS_CBM),
        ("BB-", ReferenceKind.BUILDING_BLOCK),
        ("REC-", ReferenceKind.RECOMMENDATION),
    ):
        if code.startswith(prefix):
            return kind
    return ReferenceKind.ISSUE_AREA


# --- forum cadences (domain-reference §1.2, §9.2) -------------------------------------------------------------


@dataclass(frozen=True)
class _Fixed:
    """A dated event from the reference; `end=None` means only the month is known."""

    start: date
    end: date | None
    title: str
    location: str = ""
    level: EventLevel | None = None


@dataclass(frozen=True)
class _Cadence:
    acronym: str
    title: str
    location: str = ""
    slots: tuple[tuple[int, str], ...] = ()
    # Months drawn at random each year where the reference gives a frequency but no month.
    per_year: int = 0
    # Attend one of the slots a year (IETF: three meetings, about one attended).
    pick_one: bool = False
    level: EventLevel = EventLevel.EXPERT
    active_from: date | None = None
    active_to: date | None = None
    fixed: tuple[_Fixed, ...] = ()


_NY = "New York"
CADENCES: tuple[_Cadence, ...] = (
    _Cadence(
        "OEWG 2021–25",
        "OEWG 2021–25 substantive session",
        _NY,
        slots=((3, ""), (7, ""), (12, "")),
        level=EventLevel.SENIOR_OFFICIALS,
        active_from=date(2021, 1, 1),
        active_to=date(2025, 7, 11),
        fixed=(_Fixed(date(2025, 7, 11), date(2025, 7, 11), "OEWG 2021–25 final session — final report adopted", _NY),),
    ),
    _Cadence(
        "Global Mechanism",
        "Global Mechanism",
        slots=((7, "substantive plenary"), (12, "dedicated thematic groups")),
        level=EventLevel.SENIOR_OFFICIALS,
        active_from=date(2027, 1, 1),
        fixed=(
            _Fixed(date(2026, 3, 30), date(2026, 3, 31), "Global Mechanism organizational session"),
            _Fixed(date(2026, 7, 20), date(2026, 7, 24), "Global Mechanism 1st substantive plenary"),
            _Fixed(date(2026, 12, 7), date(2026, 12, 11), "Global Mechanism dedicated thematic groups"),
        ),
    ),
    _Cadence(
        "OEWG 2019–21",
        "OEWG 2019–21",
        _NY,
        fixed=(_Fixed(date(2021, 3, 1), None, "OEWG 2019–21 final session — consensus report (A/75/816)", _NY),),
    ),
    _Cadence(
        "UNCC / COSP",
        "UN Convention against Cybercrime",
        fixed=(
            _Fixed(
                date(2025, 10, 25),
                date(2025, 10, 26),
                "UN Convention against Cybercrime signing ceremony",
                "Hanoi",
                EventLevel.MINISTERIAL,
            ),
            _Fixed(date(2026, 1, 26), date(2026, 1, 30), "Session to draft COSP rules of procedure", "Vienna"),
        ),
    ),
    _Cadence(
        "ITU",
        "ITU",
        fixed=(
            _Fixed(
                date(2022, 9, 26),
                date(2022, 10, 14),
                "ITU Plenipotentiary Conference (PP-22)",
                "Bucharest",
                EventLevel.MINISTERIAL,
            ),
        ),
    ),
    _Cadence(
        "IGF",
        "Internet Governance Forum",
        fixed=(
            _Fixed(date(2023, 10, 1), None, "Internet Governance Forum 2023", "Kyoto"),
            _Fixed(date(2024, 12, 1), None, "Internet Governance Forum 2024", "Riyadh"),
            _Fixed(date(2025, 6, 23), date(2025, 6, 27), "Internet Governance Forum 2025", "Lillestrøm, Norway"),
        ),
    ),
    _Cadence(
        "ICANN GAC",
        "ICANN",
        slots=((3, "Community Forum — GAC"), (6, "Policy Forum — GAC"), (10, "Annual General Meeting — GAC")),
        fixed=(_Fixed(date(2023, 10, 21), date(2023, 10, 26), "ICANN78 — GAC", "Hamburg"),),
    ),
    _Cadence(
        "IETF",
        "IETF meeting",
        slots=((3, ""), (7, ""), (11, "")),
        pick_one=True,
        fixed=(_Fixed(date(2025, 3, 1), None, "IETF 122", "Bangkok"),),
    ),
    _Cadence("OSCE IWG", "OSCE IWG expert meeting", "Vienna", per_year=3),
    _Cadence("ARF ISM on ICTs Security", "ARF Inter-Sessional Meeting on ICTs Security", per_year=1),
    _Cadence(
        "AMCC",
        "ASEAN Ministerial Conference on Cybersecurity (at SICW)",
        "Singapore",
        slots=((10, ""),),
        level=EventLevel.MINISTERIAL,
    ),
    _Cadence(
        "T-CY",
        "T-CY plenary",
        "Strasbourg",
        slots=((6, ""), (11, "")),
        fixed=(
            _Fixed(date(2022, 11, 30), date(2022, 11, 30), "27th T-CY plenary", "Strasbourg"),
            _Fixed(date(2024, 6, 20), date(2024, 6, 20), "30th T-CY plenary", "Strasbourg"),
        ),
    ),
    _Cadence("NATO CCDCOE", "CyCon", "Tallinn", slots=((5, ""),)),
    _Cadence("Paris Call", "Paris Call annual meeting (Paris Peace Forum)", "Paris", slots=((11, ""),)),
    _Cadence("GFCE", "GFCE Annual Meeting", per_year=1),
    _Cadence("FIRST", "FIRST annual conference", slots=((6, ""),)),
    _Cadence(
        "CRI",
        "CRI summit",
        slots=((10, ""),),
        level=EventLevel.MINISTERIAL,
        active_from=date(2021, 10, 1),
        fixed=(
            _Fixed(date(2023, 10, 31), date(2023, 11, 1), "CRI summit", "Washington"),
            _Fixed(date(2024, 9, 30), date(2024, 10, 3), "CRI summit", "Washington"),
            _Fixed(date(2025, 10, 24), date(2025, 10, 24), "CRI summit (at SICW)", "Singapore"),
        ),
    ),
    _Cadence("FOC", "Freedom Online Conference", per_year=1),
    _Cadence("OECD SDE", "OECD Working Party on Security in the Digital Economy", "Paris", per_year=2),
    _Cadence("WTO JSI", "WTO JSI e-commerce negotiating round", "Geneva", per_year=1),
    _Cadence("WA", "Wassenaar Arrangement plenary", "Vienna", slots=((12, ""),)),
    _Cadence(
        "CCall",
        "Christchurch Call Leaders' Summit",
        fixed=(
            _Fixed(date(2022, 9, 1), None, "Christchurch Call Leaders' Summit", _NY, EventLevel.MINISTERIAL),
            _Fixed(date(2023, 11, 10), date(2023, 11, 10), "Christchurch Call Leaders' Summit", "Paris"),
        ),
    ),
    _Cadence(
        "PMP",
        "Pall Mall Process conference",
        fixed=(
            _Fixed(date(2024, 2, 6), date(2024, 2, 6), "Pall Mall Process conference", "London, Lancaster House"),
            _Fixed(date(2025, 4, 3), date(2025, 4, 4), "Pall Mall Process conference", "Paris"),
        ),
    ),
)
_REPLACES_WITHIN = timedelta(days=62)


def _dialogue_seed(partner: str) -> ForumSeed:
    """A recurring bilateral dialogue (domain-reference §1.2 row 34, a template) with a fictional partner."""
    return ForumSeed(
        100 + PARTNERS.index(partner),
        f"Bilateral cyber dialogue with Partner State {partner}",
        f"Dialogue {partner}",
        ForumType.BILATERAL,
        ForumSubtype.DIALOGUE_SERIES,
        "Home MFA plus partner MFA",
        "Usually once a year, alternating capitals",
        ("RSB", "CB"),
        Priority.MEDIUM,
        "MFA",
        "[K]",
        "Fictional partner state (demo data).",
    )


DIALOGUE_FORUMS = tuple(_dialogue_seed(partner) for partner in DIALOGUE_PARTNERS)
DIALOGUE_CADENCES = tuple(
    _Cadence(
        f"Dialogue {partner}",
        f"Cyber dialogue with Partner State {partner}",
        f"{HOME_CAPITAL} or the partner's capital (alternating)",
        per_year=1,
        level=EventLevel.SENIOR_OFFICIALS,
    )
    for partner in DIALOGUE_PARTNERS
)


# --- commitments (domain-reference §8) -------------------------------------------------------------------------


@dataclass(frozen=True)
class _CommitmentTemplate:
    key: str
    title: str
    ctype: CommitmentType
    forum: str | None
    # The real instrument's date that the home state's step mirrors; None for the office's own deliverables.
    anchor: date | None
    legal: LegalStatus
    lead: str
    supporting: tuple[str, ...]
    tags: tuple[str, ...]
    function: str
    milestones: tuple[tuple[str, int], ...]
    instrument_ref: str = ""
    counterparties: tuple[str, ...] = ()
    after: CommitmentStatus = CommitmentStatus.IN_IMPLEMENTATION
    notes: str = ""
    # Milestones of the current cycle of a long-standing commitment, placed around the as-at date rather than
    # after the anchor (the office's own deliverables, which have no anchor, always are).
    current_cycle: bool = False


_CRI, _T = "CRI", CommitmentType
_PENDING_UN = "{un}"
_IO_UNODC = "United Nations Office on Drugs and Crime"
_IO_COE = "Council of Europe"
_IO_OSCE = "Organization for Security and Co-operation in Europe"
_IO_GFCE = "Global Forum on Cyber Expertise"
_IO_PPF = "Paris Peace Forum"
_IO_CCF = "Christchurch Call Foundation"
INTERNATIONAL_ORGS = (
    (_IO_UNODC, OrgType.INTERNATIONAL_ORGANISATION),
    (_IO_COE, OrgType.INTERNATIONAL_ORGANISATION),
    (_IO_OSCE, OrgType.INTERNATIONAL_ORGANISATION),
    (_IO_GFCE, OrgType.NGO),
    (_IO_PPF, OrgType.NGO),
    (_IO_CCF, OrgType.NGO),
)

# Only §8.2 rows 4–15 and 19–22 may be the home state's own (never rows 1–3, 16–17 or 20).
MULTILATERAL_COMMITMENTS: tuple[_CommitmentTemplate, ...] = (
    _CommitmentTemplate(
        "cri-2021",
        f"{HOME} joins the CRI Joint Statement of Ministers and Representatives",
        _T.JOINT_STATEMENT,
        _CRI,
        date(2021, 10, 14),
        LegalStatus.POLITICAL,
        "MFA",
        ("POL", "NCSC"),
        ("NORM-D",),
        "NEGOTIATION",
        (("Report national counter-ransomware measures to CRI members", 365), ("Review before the summit", 1095)),
    ),
    _CommitmentTemplate(
        "cri-payments",
        f"{HOME} joins the CRI statement that government institutions should not pay ransomware demands",
        _T.NORM_PLEDGE,
        _CRI,
        date(2023, 11, 2),
        LegalStatus.POLITICAL,
        "MFA",
        ("POL", "FIN"),
        ("NORM-D",),
        "NEGOTIATION",
        (("Guidance to agencies on not paying ransom demands", 120), ("Annual check of agency compliance", 365)),
    ),
    _CommitmentTemplate(
        "cri-guidance",
        f"{HOME} endorses the CRI Guidance for Organisations During Ransomware Incidents",
        _T.GUIDANCE_ENDORSEMENT,
        _CRI,
        date(2024, 10, 3),
        LegalStatus.POLITICAL,
        "MFA",
        ("NCSC",),
        ("NORM-D", "NORM-H"),
        "COMMS_OUTREACH",
        (("Publish the guidance through the NCSC", 60), ("Promote the guidance to industry", 180)),
    ),
    _CommitmentTemplate(
        "cri-supply-chain",
        f"{HOME} endorses the CRI supply-chain resilience guidance",
        _T.GUIDANCE_ENDORSEMENT,
        _CRI,
        date(2025, 10, 24),
        LegalStatus.POLITICAL,
        "MFA",
        ("NCSC", "TRD"),
        ("NORM-I",),
        "COMMS_OUTREACH",
        (
            ("Interagency review of the draft guidance", -60),
            ("Endorse at the CRI summit", 0),
            ("Implementation note", 120),
        ),
    ),
    _CommitmentTemplate(
        "paris-call",
        f"{HOME} supports the Paris Call for Trust and Security in Cyberspace",
        _T.NORM_PLEDGE,
        "Paris Call",
        date(2018, 11, 12),
        LegalStatus.POLITICAL,
        "MFA",
        ("DIG",),
        ("PC-1", "PC-7", "PC-9"),
        "COMMS_OUTREACH",
        (("Report national activity to the Paris Call community", -120), ("Annual review of support", 240)),
        counterparties=(_IO_PPF,),
        current_cycle=True,
    ),
    _CommitmentTemplate(
        "osce-cbm8",
        "Implement OSCE CBM 8 — maintain national POC",
        _T.CBM_IMPLEMENTATION,
        "OSCE IWG",
        date(2013, 12, 3),
        LegalStatus.POLITICAL,
        "NCSC",
        ("MFA",),
        ("OSCE-8",),
        "INFO_GATHERING",
        (("Confirm POC details in the OSCE directory", -150), ("Annual review of POC arrangements", 200)),
        instrument_ref="PC.DEC/1106",
        counterparties=(_IO_OSCE,),
        current_cycle=True,
    ),
    _CommitmentTemplate(
        "budapest",
        "Accession to the Budapest Convention (ETS 185)",
        _T.TREATY_ACTION,
        "T-CY",
        date(2022, 11, 30),
        LegalStatus.TREATY,
        "MFA-LEG",
        ("JUS", "POL"),
        ("NORM-D",),
        "NEGOTIATION",
        (("Review of domestic cybercrime legislation", -200), ("Deposit instrument of accession", 0), ("Report", 365)),
        instrument_ref="ETS 185",
        counterparties=(_IO_COE,),
    ),
    _CommitmentTemplate(
        "cets224",
        "Signature of the Second Additional Protocol to the Budapest Convention (CETS 224)",
        _T.TREATY_ACTION,
        "T-CY",
        date(2024, 6, 20),
        LegalStatus.TREATY,
        "MFA-LEG",
        ("JUS",),
        ("NORM-D",),
        "NEGOTIATION",
        (("Interagency legal review", -150), ("Signature", 0), ("Ratification bill introduced", 420)),
        instrument_ref="CETS 224",
        counterparties=(_IO_COE,),
        after=CommitmentStatus.SIGNED,
        notes="Ratification pending.",
    ),
    _CommitmentTemplate(
        "uncc",
        "Signature (then ratification) of the UN Convention against Cybercrime",
        _T.TREATY_ACTION,
        "UNCC / COSP",
        date(2025, 10, 25),
        LegalStatus.TREATY,
        "MFA-LEG",
        ("JUS", "POL"),
        ("NORM-D",),
        "NEGOTIATION",
        (
            ("Interagency legal review of the convention text", -120),
            ("Cabinet approval to sign", -30),
            ("Sign at the Hanoi ceremony", 0),
            ("Ratification bill", 365),
        ),
        instrument_ref="A/RES/79/243",
        counterparties=(_IO_UNODC,),
        after=CommitmentStatus.SIGNED,
        notes="Ratification pending after signature.",
    ),
    _CommitmentTemplate(
        "pmp",
        f"{HOME} subscribes to the Pall Mall Process Code of Practice for States",
        _T.NORM_PLEDGE,
        "PMP",
        date(2025, 4, 4),
        LegalStatus.POLITICAL,
        "MFA",
        ("DEF", "TRD", "INTEL"),
        ("NORM-I", "PC-5"),
        "NEGOTIATION",
        (
            ("Interagency review of the Code of Practice", -45),
            ("Subscribe", 0),
            ("National implementation report", 300),
        ),
    ),
    _CommitmentTemplate(
        "ccall",
        f"{HOME} joins the Christchurch Call commitments",
        _T.JOINT_STATEMENT,
        "CCall",
        date(2023, 11, 10),
        LegalStatus.POLITICAL,
        "HRC",
        ("DIG", "INT"),
        ("NORM-E",),
        "COMMS_OUTREACH",
        (("Join at the Leaders' Summit", 0), ("Annual report to the Christchurch Call community", 365)),
        counterparties=(_IO_CCF,),
    ),
    _CommitmentTemplate(
        "gfce",
        "GFCE membership and endorsement of the Delhi Communiqué",
        _T.MEMBERSHIP,
        "GFCE",
        date(2017, 11, 24),
        LegalStatus.POLITICAL,
        "MFA",
        ("DEV",),
        ("BB-4", "REC-4"),
        "INFO_GATHERING",
        (("Contribution to the GFCE Annual Meeting", -100), ("Renew GFCE capacity-building pledge", 150)),
        counterparties=(_IO_GFCE,),
        current_cycle=True,
    ),
)

DELIVERABLES: tuple[_CommitmentTemplate, ...] = (
    _CommitmentTemplate(
        "il-position",
        "National position on the application of international law in cyberspace",
        _T.DELIVERABLE,
        _PENDING_UN,
        None,
        LegalStatus.POLITICAL,
        "MFA-LEG",
        ("DEF", "JUS"),
        ("REC-7", "NORM-C"),
        "COMMS_OUTREACH",
        (
            ("Interagency drafting group formed", -400),
            ("Draft circulated for interagency comment", -200),
            ("Ministerial clearance", 60),
            ("Publish and present at the UN process", 200),
        ),
    ),
    _CommitmentTemplate(
        "osce-report",
        "Annual report on implementation of OSCE cyber CBMs",
        _T.DELIVERABLE,
        "OSCE IWG",
        None,
        LegalStatus.POLITICAL,
        "NCSC",
        ("MFA",),
        ("OSCE-1", "OSCE-7"),
        "INFO_GATHERING",
        (("Collect agency inputs", -80), ("Submit report", 45)),
    ),
    _CommitmentTemplate(
        "cb-design",
        "Capacity-building program design for partner states",
        _T.DELIVERABLE,
        "GFCE",
        None,
        LegalStatus.POLITICAL,
        "DEV",
        ("MFA", "NCSC"),
        ("BB-4", "BB-5", "REC-3"),
        "NEGOTIATION",
        (("Needs assessment with partners", -250), ("Program design approved", -60), ("First agreements", 30)),
    ),
    _CommitmentTemplate(
        "training",
        "Cyber diplomacy training curriculum for diplomats",
        _T.DELIVERABLE,
        None,
        None,
        LegalStatus.POLITICAL,
        "MFA",
        (),
        ("REC-4", "BB-4"),
        "COMMS_OUTREACH",
        (("Curriculum outline agreed", -300), ("Pilot course delivered", -100), ("Course for new diplomats", 120)),
    ),
    _CommitmentTemplate(
        "comms",
        "Strategic communications plan for cyber diplomacy",
        _T.DELIVERABLE,
        None,
        None,
        LegalStatus.POLITICAL,
        "MFA",
        ("DIG",),
        ("BB-6",),
        "COMMS_OUTREACH",
        (("Plan drafted", -180), ("Plan approved", -90)),
    ),
)

# --- budget lines (domain-reference §6.2, §9.2 mix) --------------------------------------------------------------


@dataclass(frozen=True)
class _LineTemplate:
    category: str
    description: str
    share: float
    phasing: str
    forum: str | None = None
    administered: bool = False
    recipient: str = ""
    commitment: str | None = None
    # Share of the year's remaining spend already contracted (grant agreements, orders) in the open months.
    commit_share: float = 0.0


# TRAVEL (≈12%) and SECOND lines are derived from trips and secondments; these shares make up the rest.
# fmt: off
_L, _UNP = _LineTemplate, _PENDING_UN
LINE_TEMPLATES: tuple[_LineTemplate, ...] = (
    # category, description, share of the year's envelope, phasing, forum, administered, recipient, commitment,
    # share contracted
    _L("STAFF", "Office salaries and on-costs — Ambassador and Directors", 0.17, "EVEN"),
    _L("STAFF", "Office salaries and on-costs — policy officers", 0.19, "EVEN"),
    _L("STAFF", "Backfill for interagency rotations", 0.04, "EVEN"),
    _L("EVENTS", "Hosting the bilateral cyber dialogue — Partner State Alpha", 0.03, "EVENT", "Dialogue Alpha"),
    _L("EVENTS", "Side event at the {un}", 0.03, "EVENT", _UNP, commit_share=0.3),
    _L("CONTRIB", "Voluntary contribution — GFCE (fictional amount)", 0.035, "ONCE", "GFCE", True),
    _L("CONTRIB", "Voluntary contribution — OSCE cyber/ICT work (fictional amount)", 0.025, "ONCE", "OSCE IWG", True),
    _L("CONTRIB", "Sponsorship — FIRST annual conference (fictional amount)", 0.02, "EVENT", "FIRST", True),
    _L("GRANTS", "Regional CSIRT capacity program — Partner State Bravo", 0.06, "QUARTERLY", "FIRST", True,
       "Partner State Bravo", "cb-bravo", 0.8),
    _L("GRANTS", "Cybercrime legislation and evidence program — Partner State Charlie", 0.05, "QUARTERLY", "T-CY", True,
       "Partner State Charlie", "cb-charlie", 0.8),
    _L("GRANTS", "Cyber diplomacy training for partner officials — Partner State Delta", 0.045, "QUARTERLY", "GFCE",
       True, "Partner State Delta", None, 0.6),
    _L("GRANTS", "Critical infrastructure protection program — Partner State Echo", 0.04, "QUARTERLY", "GFCE", True,
       "Partner State Echo", None, 0.6),
    _L("GRANTS", "Cyber policy and strategy support — Partner State Foxtrot", 0.03, "QUARTERLY", None, True,
       "Partner State Foxtrot", None, 0.5),
    _L("GRANTS", "Research grants on responsible state behaviour", 0.025, "FEW", _UNP, True, commit_share=0.5),
    _L("CONSULT", "Legal opinion on international law in cyberspace", 0.02, "FEW", _UNP, commitment="il-position",
       commit_share=0.5),
    _L("CONSULT", "Evaluation of the capacity-building program", 0.02, "FEW", commitment="cb-design", commit_share=0.5),
    _L("COMMS", "Strategic communications — website and publications", 0.02, "EVEN", commitment="comms"),
    _L("TRAIN", "Diplomat cyber course", 0.02, "FEW", commitment="training", commit_share=0.3),
    _L("OTHER", "IT, subscriptions and security", 0.01, "EVEN"),
)
# fmt: on
TRAVEL_SHARE = 0.12
TRAVEL_LINES = 7

# --- secondments (domain-reference §7, §9.2: 3 industry loans, 2 fellows, 3 rotations, 2 outward) ------------


# Expertise areas of domain-reference §7.2, stored as the words a desk officer would type.
_EXPERTISE_WORDS = {
    "TECHNICAL": "Technical",
    "LEGAL": "Legal",
    "POLICY": "Policy",
    "ECONOMIC_TRADE": "Economic and trade",
    "LAW_ENFORCEMENT": "Law enforcement",
    "COMMS": "Communications",
}


def _expertise_text(codes: str) -> str:
    return ", ".join(_EXPERTISE_WORDS.get(code, code) for code in codes.split(","))


@dataclass(frozen=True)
class _SecondmentPlan:
    stype: SecondmentType
    status: SecondmentStatus
    home: str
    role: str
    expertise: str
    start_months: int
    months: int
    fte: int
    cost_sharing: CostSharing
    host_pct: int | None
    annual_cost: int | None
    clearance: ClearanceLevel
    clearance_status: ClearanceStatus
    coi: CoiStatus | None
    confidentiality: bool
    agreement: AgreementType
    forums: tuple[str, ...]
    host: str = "MFA"
    coi_mitigations: str = ""
    extension_months: int = 0

    @property
    def inward(self) -> bool:
        return self.host == "MFA"


_SL, _SS, _CS, _CL, _CLS = SecondmentType, SecondmentStatus, CostSharing, ClearanceLevel, ClearanceStatus
FIRMS = ("Northwind Security Ltd", "Harbourline Systems Ltd", "Greyfield Networks Ltd", "Tidewater Digital Ltd")
UNIVERSITIES = ("University of Meridia", "Meridia Institute of Technology")
# fmt: off
SECONDMENTS: tuple[_SecondmentPlan, ...] = (
    # type, status at the as-at date, home organisation, role, expertise, start (months from the as-at month),
    # months agreed, FTE, cost sharing, host %, annual cost to host, clearance, its status, CoI, confidentiality
    # undertaking, agreement, forums
    _SecondmentPlan(
        _SL.INDUSTRY_LOAN, _SS.COMPLETED, FIRMS[0], "Technical adviser (industry loan)", "TECHNICAL", -30, 12, 80,
        _CS.HOME_PAYS_ALL, None, None, _CL.BASELINE, _CLS.GRANTED, CoiStatus.DECLARED_MANAGED, True,
        AgreementType.TRIPARTITE_CONTRACT, ("FIRST", "OEWG 2021–25"),
        coi_mitigations="Excluded from procurement involving the home firm.",
    ),
    _SecondmentPlan(
        _SL.INDUSTRY_LOAN, _SS.ACTIVE, FIRMS[1], "Technical adviser — supply-chain security", "TECHNICAL,POLICY",
        -7, 12, 100, _CS.HOST_REIMBURSES_PCT, 30, 150_000, _CL.MID, _CLS.GRANTED,
        CoiStatus.DECLARED_RESTRICTED_DUTIES, True, AgreementType.TRIPARTITE_CONTRACT, ("PMP", "WA"),
        coi_mitigations="Excluded from procurement and policy advice involving the home firm.",
    ),
    _SecondmentPlan(
        _SL.INDUSTRY_LOAN, _SS.PROPOSED, FIRMS[2], "Cyber threat intelligence adviser", "TECHNICAL", 3, 12, 60,
        _CS.HOME_PAYS_ALL, None, None, _CL.BASELINE, _CLS.NOT_STARTED, None, False,
        AgreementType.TRIPARTITE_CONTRACT, ("CRI",),
    ),
    _SecondmentPlan(
        _SL.ACADEMIC_FELLOW, _SS.COMPLETED, UNIVERSITIES[0], "Academic fellow — international law", "LEGAL", -26, 12,
        50, _CS.HOST_REIMBURSES_FULL, None, 60_000, _CL.NONE, _CLS.NOT_STARTED, CoiStatus.NONE_DECLARED, True,
        AgreementType.MOU, ("OEWG 2021–25",),
    ),
    _SecondmentPlan(
        _SL.ACADEMIC_FELLOW, _SS.ACTIVE, UNIVERSITIES[1], "Academic fellow — emerging technologies",
        "TECHNICAL,ECONOMIC_TRADE", -5, 12, 50, _CS.HOST_REIMBURSES_PCT, 50, 70_000, _CL.NONE, _CLS.NOT_STARTED,
        CoiStatus.NONE_DECLARED, True, AgreementType.MOU, ("OECD SDE", "WTO JSI"),
    ),
    _SecondmentPlan(
        _SL.INTERAGENCY_ROTATION, _SS.COMPLETED, "NCSC", "Rotation from NCSC — CSIRT diplomacy", "TECHNICAL", -22, 12,
        100, _CS.HOME_PAYS_ALL, None, None, _CL.BASELINE, _CLS.TRANSFERRED, CoiStatus.NONE_DECLARED, True,
        AgreementType.EXCHANGE_OF_LETTERS, ("FIRST", "OSCE IWG"),
    ),
    _SecondmentPlan(
        _SL.INTERAGENCY_ROTATION, _SS.ACTIVE, "JUS", "Rotation from Justice — cybercrime treaties",
        "LEGAL,LAW_ENFORCEMENT", -4, 12, 100, _CS.HOST_REIMBURSES_FULL, None, 120_000, _CL.MID, _CLS.TRANSFERRED,
        CoiStatus.NONE_DECLARED, True, AgreementType.EXCHANGE_OF_LETTERS, ("UNCC / COSP", "T-CY"),
    ),
    _SecondmentPlan(
        _SL.INTERAGENCY_ROTATION, _SS.EXTENDED, "DEF", "Rotation from Defence — military CBMs", "POLICY", -16, 12,
        100, _CS.SPLIT, 50, 130_000, _CL.HIGH, _CLS.TRANSFERRED, CoiStatus.NONE_DECLARED, True,
        AgreementType.EXCHANGE_OF_LETTERS, ("NATO CCDCOE", "OSCE IWG"), extension_months=9,
    ),
    _SecondmentPlan(
        _SL.OUTWARD_TO_IO, _SS.ACTIVE, "MFA", "Seconded expert, OSCE Secretariat (cyber/ICT security)", "POLICY", -9,
        24, 100, _CS.HOME_PAYS_ALL, None, None, _CL.BASELINE, _CLS.GRANTED, CoiStatus.NONE_DECLARED, True,
        AgreementType.MOU, ("OSCE IWG",), host=_IO_OSCE,
    ),
    _SecondmentPlan(
        _SL.OUTWARD_TO_INDUSTRY, _SS.COMPLETED, "MFA", "Policy officer on outward placement (industry)", "POLICY",
        -20, 6, 100, _CS.HOME_PAYS_ALL, None, None, _CL.NONE, _CLS.NOT_STARTED, CoiStatus.DECLARED_MANAGED, True,
        AgreementType.TRIPARTITE_CONTRACT, (), host=FIRMS[3],
        coi_mitigations="Kept out of any procurement involving the host firm on return.",
    ),
)
# fmt: on

# --- people and meetings ---------------------------------------------------------------------------------------

OFFICE_ROLES = (
    ("Ambassador for Cyber Affairs", ()),
    ("Director, Policy and Negotiations", ()),
    ("Director, Capacity Building and Resources", ()),
    ("Secretariat Officer (engagement group)", ()),
    ("Budget and Resources Officer", ()),
    ("Policy Officer — UN processes", ("OEWG 2021–25", "Global Mechanism", "OEWG 2019–21")),
    ("Policy Officer — Cybercrime", ("T-CY", "UNCC / COSP", "AHC (UN cybercrime)", "CRI")),
    ("Policy Officer — Capacity building", ("GFCE", "FIRST")),
    ("Policy Officer — Internet governance", ("IGF", "ICANN GAC", "IETF", "ITU")),
    ("Policy Officer — Regional engagement", ("OSCE IWG", "ARF ISM on ICTs Security", "AMCC")),
    ("Policy Officer — Digital trade and technology", ("WTO JSI", "OECD SDE", "WA", "PMP")),
    ("Policy Officer — Human rights online", ("FOC", "CCall", "Paris Call")),
)
GUEST_ROLES = (
    "Industry adviser",
    "Academic adviser",
    "Civil society representative",
    "Industry adviser",
    "Academic adviser",
)
# Agencies whose liaison changed during the three years (§9.2: about 6 replaced), and those with a deputy.
TURNOVER = ("DEF", "JUS", "NCSC", "DIG", "TRD", "PMO")
DEPUTIES = ("MFA-LEG", "DEF", "INT", "JUS", "POL", "NCSC", "DIG", "TRD", "FIN")
OBSERVERS = ("INTEL",)
# (agency, fiscal years after the first in which it joins, fiscal month it joins)
LATE_JOINERS = {"DEV": (1, 1), "HRC": (2, 7)}
OWNER_WEIGHTS = {
    "MFA": 0.35,
    "NCSC": 0.12,
    "DEF": 0.10,
    "JUS": 0.06,
    "POL": 0.06,
    "DIG": 0.10,
    "TRD": 0.08,
    "MFA-LEG": 0.13 / 6,
    "INT": 0.13 / 6,
    "FIN": 0.13 / 6,
    "PMO": 0.13 / 6,
    "DEV": 0.13 / 6,
    "HRC": 0.13 / 6,
}
THEMES = (
    ("National position on international law in cyberspace", "MFA-LEG", "RSB"),
    ("Capacity-building priorities for the coming year", "DEV", "CB"),
    ("Secondments and expertise (building block 4)", "MFA", "CB"),
    ("Interagency process for diplomatic responses", "MFA", "DIPRESP"),
    ("Export controls on intrusion software: developments", "TRD", "TECH"),
    ("Digital trade: e-commerce negotiations update", "TRD", "TRADE"),
    ("Human rights online: national approach", "HRC", "HR"),
    ("Ransomware: national coordination with partners", "POL", "CRIME"),
    ("Critical infrastructure protection and norm G", "INT", "RSB"),
    ("Vulnerability disclosure policy and norm J", "NCSC", "RSB"),
)
ACTION_TEMPLATES = {
    "event": (
        "{agency} to prepare the briefing pack for {event}",
        "{agency} to circulate draft objectives for {event} for interagency comment",
        "{agency} to nominate delegation members for {event}",
        "{agency} to coordinate the national statement for {event}",
    ),
    "readout": (
        "{agency} to report back to members on the outcomes of {event}",
        "{agency} to circulate the read-out of {event} to all agencies",
    ),
    "theme": (
        "{agency} to circulate a short paper on: {topic}",
        "{agency} to consult industry and academia on: {topic}",
        "{agency} to provide costings for: {topic}",
    ),
    "matters": (
        "{agency} to update the forward calendar with confirmed {forum} dates",
        "{agency} to confirm points of contact for {forum}",
        "{agency} to report progress on open {forum} actions",
    ),
}
# Share of a meeting's actions still open at the as-at date, by how many held meetings ago it was raised.
OPEN_SHARE_BY_AGE = (0.70, 0.38, 0.18)
OPEN_SHARE_OLDER = 0.07
COMPLETE_EXTENDED_SHARE = 0.06


@dataclass(frozen=True)
class _Event:
    id: int
    acronym: str
    forum_id: int
    title: str
    start: date
    end: date
    precision: DatePrecision
    lead_agency_id: int
    priority: Priority
    travel: tuple[tuple[int, int, int | None], ...] = ()  # (person, estimated cents, actual cents)

    @property
    def label(self) -> str:
        return f"{self.title} ({_span_label(self.start, self.end, self.precision)})"

    @property
    def estimated(self) -> int:
        return sum(est for _, est, _ in self.travel)

    @property
    def actual(self) -> int | None:
        costs = [actual for _, _, actual in self.travel]
        return None if not costs or any(c is None for c in costs) else sum(c for c in costs if c is not None)


@dataclass(frozen=True)
class _Span:
    """An agency's membership row: its liaison from `start` to `end` (None = still)."""

    agency: str
    person: int
    start: date
    end: date | None
    role: MembershipRole

    def covers(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


@dataclass
class _MeetingPlan:
    id: int
    number: int
    when: date
    held: bool
    actions: int = 0


@dataclass(frozen=True)
class _ItemSpec:
    kind: str
    title: str
    purpose: AgendaPurpose
    lead: str
    event: _Event | None
    minutes: int


@dataclass(eq=False)
class _Item:
    id: int
    spec: _ItemSpec
    paper_ref: str = ""
    paper_id: int | None = None
    sensitive: bool = False
    decision_id: int | None = None


@dataclass(frozen=True)
class _ActionState:
    status: ActionStatus
    due: date
    extensions: int
    closed_on: date | None
    blocked: bool = False


@dataclass(frozen=True)
class _LinePlan:
    category: str
    description: str
    forum: str | None
    revised: int
    weights: list[float]
    template: _LineTemplate | None = None
    travel_actuals: list[int] | None = None
    centre: str = ""


# The forward look of an agenda and its calendar item: the next six months.
_HORIZON = timedelta(days=183)
_PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
_SUBSTANTIVE_KINDS = frozenset({"event", "readout", "theme"})
# Papers put to the group: for decision 30%, for discussion 30%, for noting 40% (§9.2), counting the minutes
# (for decision) and forward calendar (for noting) that every meeting has.
_SUBSTANTIVE_PURPOSES = (AgendaPurpose.DECISION, AgendaPurpose.DISCUSSION, AgendaPurpose.NOTING)
_SUBSTANTIVE_WEIGHTS = (0.2, 0.55, 0.25)
_OUTCOMES = {
    "welcome": "The chair welcomed members; apologies were noted.",
    "minutes": "The minutes of the previous meeting were confirmed.",
    "matters": "Members noted progress on the action log; open actions were carried forward.",
    "readout": "Members noted the read-out.",
    "aob": "No other business was raised.",
}
_OWNER_CODES = tuple(OWNER_WEIGHTS)
_OWNER_CUMULATIVE = tuple(sum(list(OWNER_WEIGHTS.values())[: i + 1]) for i in range(len(OWNER_WEIGHTS)))
_NOT_DONE = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
_PROGRESS = {
    ActionStatus.OPEN: "Not started; owner to report at the next meeting.",
    ActionStatus.IN_PROGRESS: "Work under way; update due at the next meeting.",
    ActionStatus.COMPLETE: "Completed.",
    ActionStatus.DEFERRED: "Deferred by agreement of members.",
    ActionStatus.CANCELLED: "Cancelled.",
}
THEME_COMMITMENTS = {
    "National position on international law in cyberspace": "il-position",
    "Capacity-building priorities for the coming year": "cb-design",
}


class _Names:
    """Unique fictional full names: first-last pairs in a seeded order, then with middle initials."""

    def __init__(self, rng: random.Random) -> None:
        self._pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(self._pairs)
        self._next = 0

    def take(self) -> str:
        round_, index = divmod(self._next, len(self._pairs))
        self._next += 1
        first, last = self._pairs[index]
        return f"{first} {chr(ord('A') + round_ - 1)}. {last}" if round_ else f"{first} {last}"


@dataclass
class _Context:
    writer: BulkWriter
    cal: FiscalCalendar
    as_at: date
    stamp: datetime
    ref: ReferenceIds
    batch_row_id: int
    names: _Names
    orgs: dict[str, int]

    @property
    def fy_current(self) -> int:
        return self.cal.fiscal_year_of(self.as_at)

    @property
    def fiscal_years(self) -> range:
        return range(self.fy_current - HISTORY_YEARS, self.fy_current + 1)

    @property
    def window_start(self) -> date:
        return self.cal.start_of(self.fy_current - HISTORY_YEARS)

    @property
    def window_end(self) -> date:
        return self.cal.end_of(self.fy_current)

    @property
    def official(self) -> int:
        return self.ref.markings["OFFICIAL"]

    @property
    def sensitive(self) -> int:
        return self.ref.markings["OFFICIAL: Sensitive"]

    def stamped(self, row: dict[str, Any]) -> dict[str, Any]:
        row["created_at"] = row["updated_at"] = self.stamp
        return row

    def insert(self, model: type[Base], **values: Any) -> int:
        """Queue one row of `model` with a fresh id (and the fixed timestamps if it has them)."""
        row_id = self.writer.new_id(model)
        row = {"id": row_id, **values}
        self.writer.add(model, self.stamped(row) if "created_at" in model.__table__.c else row)
        return row_id

    def link(self, table: sa.Table, **values: int) -> None:
        self.writer.add(table, dict(values))


class _Programme:
    """One engagement group with its forums, people, calendar, budget, secondments and commitments.

    Programme 1 is the demo office itself; programmes 2..K are synthetic copies over the same dates (scale)."""

    def __init__(self, ctx: _Context, number: int, rng: random.Random, forums: dict[str, int]) -> None:
        self.ctx = ctx
        self.number = number
        self.rng = rng
        self.suffix = _copy_suffix(number)
        self.forums = forums
        self.seeds = {seed.acronym: seed for seed in (*FORUMS, *DIALOGUE_FORUMS)}
        self.events: list[_Event] = []
        self.spans: list[_Span] = []
        self.office: list[int] = []
        self.deputies: dict[str, int] = {}
        self.guests: list[int] = []
        self.commitments: dict[str, int] = {}
        self.person_names: dict[int, str] = {}
        self.group_id = 0
        self.meetings: list[_MeetingPlan] = []
        self.lines_per_year: dict[int, int] = {}
        self.prepared: set[int] = set()

    def build(self) -> None:
        self.add_dialogue_forums()
        self.add_people()
        self.add_group()
        self.add_events()
        self.add_commitments()
        self.add_budget_and_secondments()
        self.add_staff_allocations()
        self.add_meetings()

    def bench_copy(self, number: int, rng: random.Random) -> _Programme:
        """Another engagement group of the same people, forums and calendar (benchmark volume only)."""
        copy = _Programme(self.ctx, number, rng, self.forums)
        copy.suffix = f" (bench copy {number})"
        copy.events, copy.spans, copy.office = self.events, self.spans, self.office
        copy.deputies, copy.guests, copy.commitments = self.deputies, self.guests, self.commitments
        return copy

    # -- people -------------------------------------------------------------------------------------------------

    def person(self, organisation_id: int, role: str, *, staff: bool = False, liaison: bool = False) -> int:
        full_name = self.ctx.names.take()
        person_id = self.ctx.insert(
            Person,
            full_name=full_name,
            name_key=name_key(full_name),
            organisation_id=organisation_id,
            role_title=role,
            is_office_staff=staff,
            is_liaison=liaison,
        )
        self.person_names[person_id] = full_name
        return person_id

    def add_people(self) -> None:
        """Office staff, each agency's liaisons over time (with turnover) and deputies, and external guests."""
        ctx, rng, agencies = self.ctx, self.rng, self.ctx.ref.agencies
        self.office = [self.person(agencies["MFA"], role, staff=True) for role, _ in OFFICE_ROLES]
        reps = {seed.code: seed.typical_rep for seed in AGENCIES}
        start = ctx.window_start
        late_start = ctx.as_at - timedelta(days=120)
        self.spans.append(_Span("MFA", self.office[1], start, None, MembershipRole.MEMBER))
        for seed in AGENCIES:
            if seed.code in ("MFA", "ADV"):
                continue
            joins = start
            if seed.code in LATE_JOINERS:
                years, month = LATE_JOINERS[seed.code]
                joins = ctx.cal.month_start(ctx.fy_current - HISTORY_YEARS + years, month)
            role = MembershipRole.OBSERVER if seed.code in OBSERVERS else MembershipRole.MEMBER
            org = agencies[seed.code]
            if seed.code in TURNOVER:
                handover = joins + timedelta(days=rng.randint(150, max(151, (late_start - joins).days)))
                former = self.person(org, f"{reps[seed.code]} (former liaison)")
                self.spans.append(_Span(seed.code, former, joins, handover - timedelta(days=1), role))
                joins = handover
            self.spans.append(_Span(seed.code, self.person(org, reps[seed.code], liaison=True), joins, None, role))
            if seed.code in DEPUTIES:
                self.deputies[seed.code] = self.person(org, f"Deputy — {reps[seed.code]}")
        self.guests = [self.person(agencies["ADV"], role) for role in GUEST_ROLES]

    def add_group(self) -> None:
        """The engagement group and its dated agency memberships, one row per liaison's term."""
        ctx, agencies = self.ctx, self.ctx.ref.agencies
        self.group_id = ctx.insert(
            EngagementGroup,
            name=GROUP_NAME + self.suffix,
            name_key=name_key(GROUP_NAME + self.suffix),
            short_name=GROUP_SHORT if self.number == 1 else f"{GROUP_SHORT}-{self.number}",
            chair_person_id=self.ambassador,
            chair_agency_id=agencies["MFA"],
            secretariat_agency_id=agencies["MFA"],
            secretariat_person_id=self.office[3],
            cadence_months=3,
            pack_lead_days=5,
            default_venue=VENUE,
            quorum=8,
            terms_of_reference="Quarterly whole-of-government coordination of international cyber engagement, "
            "chaired by the Ambassador for Cyber Affairs (fictional group, demo data).",
        )
        for span in self.spans:
            ctx.insert(
                GroupMembership,
                group_id=self.group_id,
                organisation_id=agencies[span.agency],
                role=span.role,
                start_date=span.start,
                end_date=span.end,
                liaison_person_id=span.person,
            )

    @property
    def ambassador(self) -> int:
        return self.office[0]

    def liaison(self, agency: str, on: date, *, members_only: bool = False) -> int | None:
        for span in self.spans:
            if span.agency == agency and span.covers(on):
                if members_only and span.role is not MembershipRole.MEMBER:
                    return None
                return span.person
        return None

    # -- forum calendar -----------------------------------------------------------------------------------------

    def add_dialogue_forums(self) -> None:
        self.forums.update(
            add_forums(self.ctx.writer, self.ctx.ref, DIALOGUE_FORUMS, at=self.ctx.stamp, suffix=self.suffix)
        )

    def _occurrences(self, cadence: _Cadence) -> list[_Fixed]:
        """A forum's events: the reference's real dates, and month-precision ones following its cadence elsewhere."""
        ctx, rng = self.ctx, self.rng
        found = list(cadence.fixed)
        fixed_starts = [fixed.start for fixed in cadence.fixed]
        for year in range(ctx.window_start.year, ctx.window_end.year + 1):
            slots = list(cadence.slots)
            if cadence.pick_one:
                if any(start.year == year for start in fixed_starts):
                    continue
                slots = [rng.choice(slots)]
            if cadence.per_year:
                step = 12 // cadence.per_year
                offset = rng.randrange(step)
                slots = [(offset + i * step + 1, "") for i in range(cadence.per_year)]
            for month, label in slots:
                start = date(year, month, 1)
                if any(abs(start - other) <= _REPLACES_WITHIN for other in fixed_starts):
                    continue
                if cadence.active_from and start < cadence.active_from:
                    continue
                if cadence.active_to and _month_end(start) > cadence.active_to:
                    continue
                title = f"{cadence.title} {label}" if label else cadence.title
                found.append(_Fixed(start, None, title, cadence.location, cadence.level))
        return found

    def add_events(self) -> None:
        ctx = self.ctx
        plans = [
            (occurrence, cadence)
            for cadence in (*CADENCES, *DIALOGUE_CADENCES)
            for occurrence in self._occurrences(cadence)
            if ctx.window_start <= occurrence.start <= ctx.window_end
        ]
        plans.sort(key=lambda plan: (plan[0].start, plan[1].acronym, plan[0].title))
        for occurrence, cadence in plans:
            self._add_event(cadence.acronym, occurrence, occurrence.level or cadence.level)

    def _add_event(self, acronym: str, occurrence: _Fixed, level: EventLevel) -> None:
        ctx, rng = self.ctx, self.rng
        seed = self.seeds[acronym]
        start, title = occurrence.start, occurrence.title
        precision = DatePrecision.MONTH if occurrence.end is None else DatePrecision.DAY
        end = _month_end(start) if occurrence.end is None else occurrence.end
        virtual = level is EventLevel.EXPERT and rng.random() < 0.15
        past = end < ctx.as_at
        if past:
            status = EventStatus.ATTENDED
        elif start <= ctx.as_at + timedelta(days=90):
            status = EventStatus.CONFIRMED
        else:
            status = EventStatus.TENTATIVE
        delegates = [] if virtual or rng.random() < 0.3 else self._delegation(seed, level, start)
        travel = tuple(
            (person, est, int(est * rng.uniform(0.85, 1.1)) if past else None)
            for person, est in ((p, rng.randrange(4_000, 14_000) * 100) for p in delegates)
        )
        lead = ctx.ref.agencies[seed.lead_agency]
        event_id = ctx.insert(
            ForumEvent,
            forum_id=self.forums[acronym],
            title=title,
            start_date=start,
            end_date=end,
            date_precision=precision,
            location=occurrence.location,
            event_format=EventFormat.VIRTUAL if virtual else EventFormat.IN_PERSON,
            level=level,
            lead_agency_id=lead,
            objectives=f"Advance {HOME}'s priorities at {seed.acronym}." if travel else "",
            briefing_due=add_working_days(start, -10) if travel else None,
            status=status,
            estimated_travel_cost=_money(sum(t[1] for t in travel)) if travel else None,
            actual_travel_cost=_money(sum(t[2] or 0 for t in travel)) if travel and past else None,
            marking_id=ctx.official,
        )
        for position, (person, est, actual) in enumerate(travel):
            ctx.insert(
                DelegationMember,
                forum_event_id=event_id,
                person_id=person,
                role="Head of delegation" if position == 0 else "Delegate",
                is_head=position == 0,
                estimated_cost=_money(est),
                actual_cost=None if actual is None else _money(actual),
            )
        self.events.append(
            _Event(event_id, acronym, self.forums[acronym], title, start, end, precision, lead, seed.priority, travel)
        )

    def _delegation(self, seed: ForumSeed, level: EventLevel, on: date) -> list[int]:
        senior = level is not EventLevel.EXPERT and seed.priority is Priority.HIGH
        people = [
            self.ambassador
            if senior or level is EventLevel.MINISTERIAL
            else self.rng.choice(self.office[1:3] + self.office[5:])
        ]
        if seed.lead_agency != "MFA":
            liaison = self.liaison(seed.lead_agency, on)
            if liaison is not None:
                people.append(liaison)
        if self.rng.random() < 0.4:
            people.append(self.rng.choice(self.office[5:]))
        return list(dict.fromkeys(people))

    def un_forum(self, start: date, end: date) -> str | None:
        """The UN First Committee process in session over the dates (the OEWG gave way to the Global Mechanism)."""
        for acronym in ("Global Mechanism", "OEWG 2021–25", "OEWG 2019–21"):
            if any(ev.acronym == acronym and start <= ev.start <= end for ev in self.events):
                return acronym
        return None

    # -- commitments --------------------------------------------------------------------------------------------

    def add_commitments(self) -> None:
        ctx = self.ctx
        un = self.un_forum(ctx.as_at - timedelta(days=365), ctx.window_end) or "OEWG 2021–25"
        templates = list(MULTILATERAL_COMMITMENTS) + self._bilateral_templates() + list(DELIVERABLES)
        for template in templates:
            forum = un if template.forum == _PENDING_UN else template.forum
            self._add_commitment(template, forum)

    def _bilateral_templates(self) -> list[_CommitmentTemplate]:
        rng, ctx = self.rng, self.ctx
        templates = []
        for index, partner in enumerate(PARTNERS):
            # One MOU still under negotiation and one signed before the window (renewal due), the rest signed in it.
            if index == 4:
                signed = ctx.as_at + timedelta(days=rng.randint(60, 150))
            elif index == 5:
                signed = ctx.window_start - timedelta(days=rng.randint(400, 700))
            else:
                signed = ctx.window_start + timedelta(days=rng.randint(30, (ctx.as_at - ctx.window_start).days - 30))
            templates.append(
                _CommitmentTemplate(
                    f"mou-{partner.lower()}",
                    f"Memorandum of Understanding on cyber cooperation with Partner State {partner}",
                    _T.MOU,
                    f"Dialogue {partner}" if partner in DIALOGUE_PARTNERS else None,
                    signed,
                    LegalStatus.NON_BINDING_MOU,
                    "MFA",
                    ("NCSC", "POL"),
                    ("NORM-A", "NORM-H") if index % 2 else ("NORM-A", "NORM-J", "OSCE-8"),
                    "NEGOTIATION",
                    (
                        ("Negotiating round", -90),
                        ("Signature", 0),
                        ("Joint review of the work plan", 365),
                        ("Renewal decision", 1735),
                    ),
                    counterparties=(f"Partner State {partner}",),
                    after=CommitmentStatus.IN_IMPLEMENTATION,
                )
            )
        for partner, topic, agency, tags in (
            ("Bravo", "regional CSIRT program", "NCSC", ("BB-4", "NORM-K")),
            ("Charlie", "cybercrime legislation", "JUS", ("NORM-D",)),
        ):
            templates.append(
                _CommitmentTemplate(
                    f"cb-{partner.lower()}",
                    f"Capacity-building partnership with Partner State {partner} — {topic}",
                    _T.CAPACITY_BUILDING_PLEDGE,
                    None,
                    ctx.window_start + timedelta(days=rng.randint(60, 300)),
                    LegalStatus.POLITICAL,
                    "DEV",
                    (agency, "MFA"),
                    tags,
                    "NEGOTIATION",
                    (("Grant agreement signed", 0), ("Mid-term review", 540), ("Final evaluation", 1100)),
                    counterparties=(f"Partner State {partner}",),
                )
            )
        return templates

    def _add_commitment(self, template: _CommitmentTemplate, forum: str | None) -> None:
        ctx, rng = self.ctx, self.rng
        anchor = template.anchor
        pivot = ctx.as_at if anchor is None or template.current_cycle else anchor
        milestones = []
        for title, offset in template.milestones:
            due = pivot + timedelta(days=offset)
            done: date | None = None
            # A few recent milestones slip; one left open for more than half a year would have been chased.
            slipped = rng.random() >= 0.92 and (ctx.as_at - due).days <= 180
            if due <= ctx.as_at and (offset == 0 or not slipped):
                done = due if offset == 0 else min(ctx.as_at, due + timedelta(days=rng.randint(-14, 7)))
            milestones.append((title, due, done))
        signed = anchor if anchor is not None and anchor <= ctx.as_at else None
        if anchor is None:
            status = (
                CommitmentStatus.COMPLETED
                if all(done for _, _, done in milestones)
                else CommitmentStatus.IN_IMPLEMENTATION
            )
        elif signed is None:
            status = (
                CommitmentStatus.UNDER_NEGOTIATION if (anchor - ctx.as_at).days <= 183 else CommitmentStatus.PROPOSED
            )
        elif (ctx.as_at - anchor).days < 90 and template.after is CommitmentStatus.IN_IMPLEMENTATION:
            status = CommitmentStatus.SIGNED
        else:
            status = template.after
        expiry = None
        if template.ctype is _T.MOU and signed is not None:
            expiry = _add_months(signed, 60)
        agencies = ctx.ref.agencies
        active = status not in (CommitmentStatus.COMPLETED, CommitmentStatus.LAPSED, CommitmentStatus.WITHDRAWN)
        commitment_id = ctx.insert(
            Commitment,
            title=template.title + self.suffix,
            title_key=name_key(template.title + self.suffix),
            commitment_type=template.ctype,
            forum_id=self.forums[forum] if forum else None,
            instrument_ref=template.instrument_ref,
            signed_date=signed,
            effective_date=signed if template.legal is not LegalStatus.TREATY else None,
            expiry_date=expiry,
            next_review_date=ctx.as_at + timedelta(days=rng.randint(30, 270)) if active else None,
            legal_status=template.legal,
            lead_agency_id=agencies[template.lead],
            status=status,
            function_id=ctx.ref.item(ReferenceKind.FUNCTION, template.function),
            is_public=template.ctype is not _T.MOU or signed is not None,
            marking_id=ctx.official if signed is not None or anchor is None else ctx.sensitive,
            notes=template.notes,
        )
        self.commitments[template.key] = commitment_id
        for title, due, done in milestones:
            ctx.insert(
                Milestone,
                commitment_id=commitment_id,
                title=title,
                due_date=due,
                done_date=done,
                owner_agency_id=agencies[template.lead],
                owner_person_id=self.liaison(template.lead, min(due, ctx.as_at)),
            )
        for code in template.tags:
            ctx.link(commitment_tag, commitment_id=commitment_id, reference_item_id=ctx.ref.item(_ref_kind(code), code))
        for agency in template.supporting:
            ctx.link(commitment_supporting_agency, commitment_id=commitment_id, agency_id=agencies[agency])
        for org in template.counterparties:
            ctx.link(commitment_counterparty, commitment_id=commitment_id, organisation_id=ctx.orgs[org])

    # -- secondments, budget and staff time ---------------------------------------------------------------------

    def secondment_dates(self, plan: _SecondmentPlan) -> tuple[date, date, date, date | None]:
        """(start, original end, planned end, actual end), placed relative to the as-at date."""
        start = _add_months(self.ctx.as_at.replace(day=1), plan.start_months)
        original_end = _add_months(start, plan.months) - timedelta(days=1)
        planned_end = _add_months(start, plan.months + plan.extension_months) - timedelta(days=1)
        actual_end = planned_end if plan.status is SecondmentStatus.COMPLETED else None
        return start, original_end, planned_end, actual_end

    def add_budget_and_secondments(self) -> None:
        lines_by_plan: dict[int, list[tuple[int, int]]] = {}
        for fy in self.ctx.fiscal_years:
            for plan_index, line_id in self._budget_year(fy):
                lines_by_plan.setdefault(plan_index, []).append((fy, line_id))
        for plan_index, plan in enumerate(SECONDMENTS):
            # The line of the current year if it has one, else the latest year's.
            lines = sorted(lines_by_plan.get(plan_index, []), key=lambda e: (e[0] == self.ctx.fy_current, e[0]))
            self._add_secondment(plan_index, plan, lines[-1][1] if lines else None)

    def _budget_year(self, fy: int) -> list[tuple[int, int]]:
        """Queue one fiscal year's lines; returns (secondment plan index, line id) for its secondment lines."""
        ctx, rng = self.ctx, self.rng
        fy_start, fy_end = ctx.cal.start_of(fy), ctx.cal.end_of(fy)
        fy_events = [ev for ev in self.events if fy_start <= ev.start <= fy_end]
        travel = self._travel_lines(fy_events)
        travel_total = sum(line.revised for line in travel)
        envelope = max(travel_total, 50_000_00) / TRAVEL_SHARE * rng.uniform(0.95, 1.05)
        un = self.un_forum(fy_start, fy_end)
        for template in LINE_TEMPLATES:
            self._add_template_line(fy, template, envelope, un, fy_events)
        for line in travel:
            self._add_line(fy, line)
        second = []
        for index, plan in enumerate(SECONDMENTS):
            start, _, planned_end, actual_end = self.secondment_dates(plan)
            end = actual_end or planned_end
            if not plan.inward or plan.cost_sharing is CostSharing.HOME_PAYS_ALL or plan.annual_cost is None:
                continue
            if plan.status is SecondmentStatus.PROPOSED or end < fy_start or start > fy_end:
                continue
            weights = [
                1.0 if ctx.cal.month_start(fy, m) <= end and ctx.cal.month_end(fy, m) >= start else 0.0
                for m in range(1, 13)
            ]
            host_share = (plan.host_pct or 100) / 100
            amount = _round_units(plan.annual_cost * 100 * host_share * sum(weights) / 12, 100)
            description = f"Secondment host costs — {plan.role} ({plan.home})"
            second.append((index, self._add_line(fy, _LinePlan("SECOND", description, None, amount, weights))))
        return second

    def _add_template_line(
        self,
        fy: int,
        template: _LineTemplate,
        envelope: float,
        un: str | None,
        fy_events: list[_Event],
        centre: str = "",
    ) -> int:
        forum = un if template.forum == _PENDING_UN else template.forum
        description = template.description.replace("{un}", forum or "UN First Committee processes")
        revised = _round_units(envelope * template.share * self.rng.uniform(0.85, 1.15), 1000)
        weights = self._phasing(template.phasing, forum, fy_events)
        plan = _LinePlan(template.category, description, forum, revised, weights, template=template, centre=centre)
        return self._add_line(fy, plan)

    def _phasing(self, kind: str, forum: str | None, fy_events: list[_Event]) -> list[float]:
        if kind == "EVEN":
            return [1.0] * 12
        if kind == "QUARTERLY":
            return [1.0 if m % 3 == 0 else 0.0 for m in range(1, 13)]
        weights = [0.0] * 12
        if kind == "FEW":
            for m in self.rng.sample(range(12), 3):
                weights[m] = self.rng.uniform(0.5, 1.5)
            return weights
        months = [self.ctx.cal.fiscal_month_of(ev.start) for ev in fy_events if ev.acronym == forum]
        weights[(months[0] if kind == "EVENT" and months else self.rng.randint(1, 12)) - 1] = 1.0
        return weights

    def _travel_lines(self, fy_events: list[_Event]) -> list[_LinePlan]:
        """A year's TRAVEL lines from its trips: the costliest forums get a line each, the rest share one."""
        cal, rng = self.ctx.cal, self.rng
        by_forum: dict[str, list[_Event]] = {}
        for ev in fy_events:
            if ev.travel:
                by_forum.setdefault(ev.acronym, []).append(ev)
        ranked = sorted(by_forum, key=lambda a: (-sum(ev.estimated for ev in by_forum[a]), a))
        groups: list[tuple[str, str | None, list[_Event]]] = [
            (f"Travel — {acronym} delegations", acronym, by_forum[acronym]) for acronym in ranked[: TRAVEL_LINES - 1]
        ]
        rest = [ev for acronym in ranked[TRAVEL_LINES - 1 :] for ev in by_forum[acronym]]
        groups.append(("Travel — other forums and dialogues", None, rest))
        lines = []
        for description, forum, events in groups:
            weights = [0.0] * 12
            actuals = [0] * 12
            for ev in events:
                month = cal.fiscal_month_of(ev.start) - 1
                weights[month] += ev.estimated
                actuals[month] += ev.estimated if ev.actual is None else ev.actual
            # Incidentals and exchange movements keep booked travel close to, not equal to, the trip costs.
            actuals = [int(a * rng.uniform(0.96, 1.04)) for a in actuals]
            revised = _round_units(max(sum(weights), 10_000_00) * rng.uniform(1.03, 1.12), 1000)
            lines.append(_LinePlan("TRAVEL", description, forum, revised, weights, travel_actuals=actuals))
        return lines

    def _line_months(self, fy: int, plan: _LinePlan, original: int) -> list[tuple[int, int, int, int, int]]:
        """(original, revised, committed, actual, forecast) cents per fiscal month.

        Months before the as-at month are closed (actuals, nothing committed or forecast); the rest of the
        current year carries what is contracted and the expected further spend."""
        ctx, rng = self.ctx, self.rng
        closed = 12 if fy < ctx.fy_current else max(0, ctx.cal.months_elapsed(fy, ctx.as_at) - 1)
        revised_months, original_months = _spread(plan.revised, plan.weights), _spread(original, plan.weights)
        level = rng.uniform(0.86, 1.04)
        template = plan.template
        months = []
        for m in range(12):
            revised = revised_months[m]
            if m < closed:
                if plan.travel_actuals is not None:
                    actual = plan.travel_actuals[m]
                else:
                    actual = int(revised * level * rng.uniform(0.97, 1.03))
                months.append((original_months[m], revised, 0, actual, 0))
                continue
            share = template.commit_share if template else (0.4 if m < closed + 2 else 0.0)
            committed = int(revised * share * rng.uniform(0.8, 1.0))
            forecast = max(0, int(revised * rng.uniform(0.92, 1.05)) - committed)
            months.append((original_months[m], revised, committed, 0, forecast))
        return months

    def _add_line(self, fy: int, plan: _LinePlan) -> int:
        ctx, rng = self.ctx, self.rng
        original = plan.revised
        closed_year = fy < ctx.fy_current
        if closed_year and rng.random() < 0.6:
            original = _round_units(plan.revised * rng.uniform(0.9, 1.1), 1000)
        months = self._line_months(fy, plan, original)
        total_actual = sum(month[3] for month in months)
        variance = ""
        if closed_year and abs(total_actual - plan.revised) > plan.revised // 10:
            kind = "Underspend" if total_actual < plan.revised else "Overspend"
            variance = f"{kind}: activity timing differed from the plan approved at the start of the year."
        template = plan.template
        administered = template is not None and template.administered
        commitment = self.commitments.get(template.commitment) if template and template.commitment else None
        centre = plan.centre or ("CYB-P" if administered else "CYB-D")
        self.lines_per_year[fy] = self.lines_per_year.get(fy, 0) + 1
        line_id = ctx.insert(
            BudgetLine,
            fiscal_year=fy,
            forum_id=self.forums[plan.forum] if plan.forum else None,
            category_id=ctx.ref.categories[plan.category],
            cost_centre=centre if self.number == 1 else f"{centre}-{self.number}",
            description=plan.description,
            funding_type=FundingType.ADMINISTERED if administered else FundingType.DEPARTMENTAL,
            oda_eligible=plan.category == "GRANTS",
            commitment_id=commitment,
            owner_person_id=self.office[2],
            owner_agency_id=ctx.ref.agencies["MFA"],
            grant_recipient=template.recipient if template else "",
            variance_reason=variance,
            marking_id=ctx.official,
            import_batch_id=ctx.batch_row_id,
        )
        for fiscal_month, (orig, revised, committed, actual, forecast) in enumerate(months, start=1):
            ctx.writer.add(
                BudgetMonth,
                {
                    "budget_line_id": line_id,
                    "fiscal_month": fiscal_month,
                    "original": _money(orig),
                    "revised": _money(revised),
                    "committed": _money(committed),
                    "actual": _money(actual),
                    "forecast": _money(forecast),
                },
            )
        if original != plan.revised:
            ctx.insert(
                BudgetRevision,
                budget_line_id=line_id,
                fiscal_month=None,
                measure=BudgetMeasure.REVISED,
                old_amount=_money(original),
                new_amount=_money(plan.revised),
                reason="Mid-year budget review: reallocation between lines.",
                changed_by=self.person_names[self.office[2]],
                changed_at=datetime.combine(ctx.cal.month_start(fy, 8), time(9, 0), tzinfo=UTC),
            )
        if commitment is not None:
            ctx.link(commitment_budget_line, commitment_id=commitment, budget_line_id=line_id)
        return line_id

    def add_bench_lines(self, fy: int, count: int) -> None:
        """Extra lines in one fiscal year, cycling through the templates under numbered cost centres."""
        fy_events = [ev for ev in self.events if self.ctx.cal.fiscal_year_of(ev.start) == fy]
        un = self.un_forum(self.ctx.cal.start_of(fy), self.ctx.cal.end_of(fy))
        for index in range(count):
            template = LINE_TEMPLATES[index % len(LINE_TEMPLATES)]
            self._add_template_line(fy, template, 4_000_000_00, un, fy_events, centre=f"BENCH-{index // 1000:04d}")
            if index % 1000 == 999:
                self.ctx.writer.flush_if_full()

    def _add_secondment(self, index: int, plan: _SecondmentPlan, line_id: int | None) -> None:
        ctx, agencies = self.ctx, self.ctx.ref.agencies
        start, original_end, planned_end, actual_end = self.secondment_dates(plan)
        home_id = agencies[plan.home] if plan.home in agencies else ctx.orgs[plan.home]
        host_id = agencies["MFA"] if plan.inward else ctx.orgs[plan.host]
        person = self.person(home_id, plan.role)
        active = plan.status in (SecondmentStatus.ACTIVE, SecondmentStatus.EXTENDED)
        declared = plan.coi is not None
        secondment_id = ctx.insert(
            Secondment,
            person_id=person,
            direction=Direction.INWARD if plan.inward else Direction.OUTWARD,
            secondment_type=plan.stype,
            home_organisation_id=home_id,
            host_organisation_id=host_id,
            host_unit="Office of the Ambassador for Cyber Affairs — Negotiations team" if plan.inward else "",
            role_title=plan.role,
            expertise=_expertise_text(plan.expertise),
            start_date=start,
            planned_end_date=planned_end,
            original_end_date=original_end,
            actual_end_date=actual_end,
            fte_hundredths=plan.fte,
            cost_sharing=plan.cost_sharing,
            host_cost_pct=plan.host_pct,
            annual_cost_to_host=None if plan.annual_cost is None else _money(plan.annual_cost * 100),
            budget_line_id=line_id,
            agreement_type=plan.agreement,
            agreement_ref=f"SEC-{start.year}-{index + 1:02d}",
            clearance_required=plan.clearance,
            clearance_status=plan.clearance_status,
            clearance_expiry=_add_months(start, 60) if plan.clearance_status is ClearanceStatus.GRANTED else None,
            coi_declaration_date=start - timedelta(days=14) if declared else None,
            coi_status=plan.coi,
            coi_mitigations=plan.coi_mitigations,
            confidentiality_signed=plan.confidentiality,
            line_manager_id=self.office[1],
            next_review_date=ctx.as_at + timedelta(days=self.rng.randint(30, 90)) if active else None,
            status=plan.status,
        )
        if plan.extension_months:
            ctx.insert(
                SecondmentExtension,
                secondment_id=secondment_id,
                granted_on=original_end - timedelta(days=30),
                previous_end_date=original_end,
                new_end_date=planned_end,
                reason="Extended to complete the current work program.",
            )
        for acronym in plan.forums:
            ctx.link(secondment_forum, secondment_id=secondment_id, forum_id=self.forums[acronym])
        self._add_checklist(secondment_id, plan, start, planned_end)
        if plan.inward and plan.status is not SecondmentStatus.PROPOSED and plan.forums:
            self._allocate(person, plan.forums, start, actual_end or planned_end, plan.fte // len(plan.forums))

    def _add_checklist(self, secondment_id: int, plan: _SecondmentPlan, start: date, planned_end: date) -> None:
        """The office's default items, as a new secondment gets them; what fell due before the demo's date is done
        (a few days early), except on a proposed secondment, whose on-boarding is still to do."""
        ctx = self.ctx
        direction = Direction.INWARD if plan.inward else Direction.OUTWARD
        for index, seed in default_templates_for(direction, plan.stype):
            due = due_date_of(seed.phase, seed.days_from_anchor, start, planned_end)
            done = due is not None and due < ctx.as_at and plan.status is not SecondmentStatus.PROPOSED
            ctx.insert(
                ChecklistItem,
                secondment_id=secondment_id,
                template_id=ctx.ref.checklist_templates[index],
                phase=seed.phase,
                title=seed.title,
                days_from_anchor=seed.days_from_anchor,
                due_date=due,
                # No draw from the generator: the rest of the demo stays as it was before checklists existed.
                done_on=due - timedelta(days=3) if done and due else None,
                done_by=self.person_names[self.office[1]] if done else "",
                sort_order=index + 1,
            )

    def _allocate(self, person: int, forums: Sequence[str | None], start: date, end: date, fte_each: int) -> None:
        for acronym in forums:
            self.ctx.insert(
                StaffAllocation,
                person_id=person,
                forum_id=self.forums[acronym] if acronym else None,
                start_date=start,
                end_date=end,
                fte_hundredths=fte_each,
            )

    def add_staff_allocations(self) -> None:
        """Each office member's FTE by forum for every fiscal year: areas for officers, priorities for leaders."""
        ctx, rng = self.ctx, self.rng
        for fy in ctx.fiscal_years:
            start, end = ctx.cal.start_of(fy), ctx.cal.end_of(fy)
            active = sorted({ev.acronym for ev in self.events if start <= ev.start <= end})
            high = [a for a in active if self.seeds[a].priority is Priority.HIGH]
            for index, (person, (_role, areas)) in enumerate(zip(self.office, OFFICE_ROLES, strict=True)):
                if index in (3, 4):  # the secretariat and budget officers serve the office, not a forum
                    self._allocate(person, [None], start, end, 60)
                    continue
                candidates = [a for a in areas if a in active] if areas else high
                picks: list[str | None] = list(rng.sample(candidates, min(len(candidates), 3 if index == 0 else 2)))
                self._allocate(person, picks or [None], start, end, 15 if index == 0 else 35)

    # -- engagement group meetings ------------------------------------------------------------------------------

    def add_meetings(self, *, actions_only: bool = False, max_actions: int | None = None) -> int:
        """Queue the group's meetings with agendas, papers, attendance, decisions and actions; returns actions added.

        Meetings fall on the third Thursday of Feb, May, Aug and Nov; those on or before the as-at date were
        held, and the next one is scheduled with its agenda only."""
        ctx = self.ctx
        dates = sorted(
            _third_thursday(year, month)
            for year in range(ctx.window_start.year, ctx.window_end.year + 2)
            for month in _MEETING_MONTHS
        )
        held = [d for d in dates if ctx.window_start <= d <= ctx.as_at]
        upcoming = next(d for d in dates if d > ctx.as_at)
        self.meetings = [
            _MeetingPlan(ctx.writer.new_id(Meeting), number, when, when <= ctx.as_at)
            for number, when in enumerate([*held, upcoming], start=1)
        ]
        rows = []
        added = 0
        for plan in self.meetings:
            items = [] if actions_only else self._agenda(plan)
            outcome = (0, 0, 0)
            if plan.held and not actions_only:
                outcome = (*self._attendance(plan, items), self._decisions(plan, items))
            elif not actions_only:
                self._draft_attendance(plan)
            if plan.held:
                added += self._actions(plan, items, None if max_actions is None else max_actions - added)
            rows.append(self._meeting_row(plan, outcome))
        # Minutes are confirmed at the following meeting, whose row must exist first.
        for row in reversed(rows):
            ctx.writer.add(Meeting, ctx.stamped(row))
        return added

    def _meeting_row(self, plan: _MeetingPlan, outcome: tuple[int, int, int]) -> dict[str, Any]:
        cal = self.ctx.cal
        following = self.meetings[plan.number] if plan.number < len(self.meetings) else None
        confirmed = plan.held and following is not None and following.held
        title = meeting_title(plan.number, cal, plan.when)
        minutes = ""
        if plan.held:
            present, apologies, decisions = outcome
            minutes = (
                f"{title}\n\nMeeting {plan.number} of the {GROUP_NAME}{self.suffix} was held on "
                f"{_day_label(plan.when)} at {VENUE}, chaired by the Ambassador for Cyber Affairs. {present} "
                f"members attended and {apologies} sent apologies. The group recorded {decisions} decisions and "
                f"raised {plan.actions} actions, listed in the action log; open actions were carried forward."
            )
        if not plan.held:
            minutes_status = MinutesStatus.DRAFT
        else:
            minutes_status = MinutesStatus.CONFIRMED if confirmed else MinutesStatus.CIRCULATED
        return {
            "id": plan.id,
            "group_id": self.group_id,
            "number": plan.number,
            "meeting_date": plan.when,
            "start_time": time(10, 0),
            "end_time": time(12, 0),
            "fiscal_year": cal.fiscal_year_of(plan.when),
            "fiscal_quarter": cal.quarter_of(plan.when),
            "venue": VENUE,
            "status": MeetingStatus.HELD if plan.held else MeetingStatus.SCHEDULED,
            "minutes_status": minutes_status,
            "minutes": minutes,
            "minutes_confirmed_at_meeting_id": following.id if confirmed and following else None,
            "pack_status": PackStatus.FINAL if plan.held else PackStatus.DRAFT,
            "pack_version": 2 if plan.held else 1,
            "marking_id": self.ctx.official,
        }

    def _substantive(self, when: date) -> list[_ItemSpec]:
        """2–3 items: the forum events of the next six months first (this feeds the forward calendar),
        sometimes a read-out of the last quarter's main event, then standing themes."""
        rng = self.rng
        wanted = rng.choice((2, 3))
        upcoming = sorted(
            (ev for ev in self.events if when < ev.start <= when + _HORIZON),
            key=lambda ev: (_PRIORITY_RANK[ev.priority], ev.start),
        )
        specs: list[_ItemSpec] = []
        forums: set[str] = set()
        events_wanted = rng.choice((1, 2))
        for ev in upcoming:
            if len(specs) >= events_wanted:
                break
            # An event prepared at the last meeting comes back only through its actions.
            if ev.acronym not in forums and ev.id not in self.prepared:
                forums.add(ev.acronym)
                self.prepared.add(ev.id)
                title = f"{ev.label}: preparation and objectives"
                specs.append(_ItemSpec("event", title, self._purpose(), self.seeds[ev.acronym].lead_agency, ev, 15))
        recent = [ev for ev in self.events if when - timedelta(days=92) <= ev.start < when and ev.end < when]
        if recent and len(specs) < wanted and rng.random() < 0.4:
            ev = min(recent, key=lambda e: (_PRIORITY_RANK[e.priority], e.start))
            lead = self.seeds[ev.acronym].lead_agency
            specs.append(_ItemSpec("readout", f"Read-out: {ev.label}", AgendaPurpose.NOTING, lead, ev, 10))
        for title, agency, _issue in rng.sample(THEMES, wanted - len(specs)) if len(specs) < wanted else []:
            specs.append(_ItemSpec("theme", title, self._purpose(), agency, None, 15))
        return specs

    def _purpose(self) -> AgendaPurpose:
        return self.rng.choices(_SUBSTANTIVE_PURPOSES, _SUBSTANTIVE_WEIGHTS)[0]

    def _agenda(self, plan: _MeetingPlan) -> list[_Item]:
        ctx, rng, cal = self.ctx, self.rng, self.ctx.cal
        when, number = plan.when, plan.number
        horizon = when + _HORIZON
        specs = [_ItemSpec("welcome", "Welcome and apologies", AgendaPurpose.INFORMATION, "MFA", None, 5)]
        if number > 1:
            previous = meeting_title(number - 1, cal, self.meetings[number - 2].when)
            specs.append(_ItemSpec("minutes", f"Minutes of {previous}", AgendaPurpose.DECISION, "MFA", None, 5))
        specs.append(_ItemSpec("matters", "Matters arising / action log", AgendaPurpose.NOTING, "MFA", None, 15))
        specs.extend(self._substantive(when))
        specs += [
            _ItemSpec("calendar", "Forward calendar of international meetings", AgendaPurpose.NOTING, "MFA", None, 10),
            _ItemSpec("aob", "Any other business", AgendaPurpose.INFORMATION, "MFA", None, 5),
            _ItemSpec("next", "Date of next meeting", AgendaPurpose.INFORMATION, "MFA", None, 5),
        ]
        short = GROUP_SHORT if self.number == 1 else f"{GROUP_SHORT}-{self.number}"
        items: list[_Item] = []
        papers = 0
        for position, spec in enumerate(specs, start=1):
            item = _Item(ctx.writer.new_id(AgendaItem), spec)
            substantive = spec.kind in _SUBSTANTIVE_KINDS
            if spec.kind in ("minutes", "calendar") or (substantive and (papers < 2 or rng.random() < 0.75)):
                papers += 1
                item.paper_ref = f"{short}/M{number:02d}/P{papers}"
                item.sensitive = substantive and rng.random() < 0.4
            items.append(item)
            lead_id = ctx.ref.agencies[spec.lead]
            marking = ctx.sensitive if item.sensitive else ctx.official
            if item.paper_ref:
                paper_title = spec.title
                if spec.kind == "calendar":
                    paper_title = f"Forward calendar, {_day_label(when)} to {_day_label(horizon)}"
                item.paper_id = ctx.insert(
                    Paper,
                    meeting_id=plan.id,
                    agenda_item_id=item.id,
                    ref=item.paper_ref,
                    title=paper_title,
                    owning_agency_id=lead_id,
                    purpose=spec.purpose,
                    location=f"Records system: {short} meeting {number} papers",
                    marking_id=marking,
                )
            ctx.writer.add(
                AgendaItem,
                {
                    "id": item.id,
                    "meeting_id": plan.id,
                    "position": position,
                    "title": spec.title,
                    "purpose": spec.purpose,
                    "lead_agency_id": lead_id,
                    "presenter_person_id": self._presenter(spec, when),
                    "paper_ref": item.paper_ref,
                    "minutes_allotted": spec.minutes,
                    "is_standing": spec.kind not in _SUBSTANTIVE_KINDS,
                    "forum_id": spec.event.forum_id if spec.event else None,
                    "forum_event_id": spec.event.id if spec.event else None,
                    "outcome": self._outcome(spec, plan, horizon) if plan.held else "",
                    "marking_id": marking,
                },
            )
        return items

    def _presenter(self, spec: _ItemSpec, when: date) -> int | None:
        if spec.kind == "welcome":
            return self.ambassador
        if spec.lead == "MFA":
            return self.office[3] if spec.kind not in _SUBSTANTIVE_KINDS else self.office[1]
        return self.liaison(spec.lead, when)

    def _outcome(self, spec: _ItemSpec, plan: _MeetingPlan, horizon: date) -> str:
        if spec.kind == "calendar":
            coming = [ev.label for ev in self.events if plan.when < ev.start <= horizon][:6]
            return "Members noted the forward calendar: " + ("; ".join(coming) or "no events") + "."
        if spec.kind == "next":
            following = self.meetings[plan.number] if plan.number < len(self.meetings) else None
            return f"The next meeting will be held on {_day_label(following.when)}." if following else ""
        return _OUTCOMES.get(spec.kind, "Members discussed the item; follow-up is recorded in the action log.")

    def _attendance(self, plan: _MeetingPlan, items: list[_Item]) -> tuple[int, int]:
        """The chair and secretariat, each member agency's liaison (or an apology, or an alternate), and now
        and then an external guest for one substantive item; returns (present, apologies)."""
        ctx, rng, when = self.ctx, self.rng, plan.when
        agencies = ctx.ref.agencies
        mfa = agencies["MFA"]
        # (organisation, person, role, status, alternate for, agenda item)
        records: list[tuple[int, int, str, AttendanceStatus, int | None, int | None]] = [
            (mfa, self.ambassador, "Chair", AttendanceStatus.PRESENT, None, None)
        ]
        records.append((mfa, self.office[3], "Secretariat", AttendanceStatus.PRESENT, None, None))
        spans = [span for span in self.spans if span.covers(when)]
        others = [span for span in spans if span.agency != "MFA"]
        apologising = {span.agency for span in rng.sample(others, min(len(others), rng.randint(1, 4)))}
        for span in spans:
            role = "Member" if span.role is MembershipRole.MEMBER else "Observer"
            org = agencies[span.agency]
            deputy = self.deputies.get(span.agency)
            if span.agency in apologising:
                records.append((org, span.person, role, AttendanceStatus.APOLOGY, None, None))
            elif deputy is not None and rng.random() < 0.2:
                records.append(
                    (org, deputy, f"Alternate ({role.lower()})", AttendanceStatus.ALTERNATE, span.person, None)
                )
            else:
                records.append((org, span.person, role, AttendanceStatus.PRESENT, None, None))
        substantive = [item for item in items if item.spec.kind in _SUBSTANTIVE_KINDS]
        if substantive and rng.random() < 0.5:
            item = rng.choice(substantive)
            guest = rng.choice(self.guests)
            records.append((agencies["ADV"], guest, "Guest", AttendanceStatus.IN_ATTENDANCE, None, item.id))
        for org, person, role, status, alternate_for, item_id in records:
            ctx.insert(
                Attendance,
                meeting_id=plan.id,
                organisation_id=org,
                person_id=person,
                role=role,
                status=status,
                alternate_for_person_id=alternate_for,
                agenda_item_id=item_id,
            )
        present = sum(1 for r in records if r[3] in (AttendanceStatus.PRESENT, AttendanceStatus.ALTERNATE))
        return present, len(apologising)

    def _draft_attendance(self, plan: _MeetingPlan) -> None:
        """The list the secretariat drafts for the coming meeting, as prepare_next_meeting does: the chair, the
        secretariat and every member agency's liaison, expected. No random draws, so the rest of the demo stays
        the same for a seed."""
        agencies = self.ctx.ref.agencies
        mfa = agencies["MFA"]
        records = [(mfa, self.ambassador, "Chair"), (mfa, self.office[3], "Secretariat")]
        for span in self.spans:
            if span.covers(plan.when):
                role = "Member" if span.role is MembershipRole.MEMBER else "Observer"
                records.append((agencies[span.agency], span.person, role))
        for org, person, role in records:
            self.ctx.insert(
                Attendance,
                meeting_id=plan.id,
                organisation_id=org,
                person_id=person,
                role=role,
                status=AttendanceStatus.PRESENT,
            )

    def _decisions(self, plan: _MeetingPlan, items: list[_Item]) -> int:
        """A decision per paper put for decision, topped up to two from the items discussed (at most three)."""
        ctx = self.ctx
        chosen = [item for item in items if item.spec.purpose is AgendaPurpose.DECISION and item.paper_id]
        wanted = self.rng.choice((2, 3))
        for item in items:
            if len(chosen) >= wanted:
                break
            if item.spec.kind in _SUBSTANTIVE_KINDS and item not in chosen and item.spec.kind != "readout":
                chosen.append(item)
        for index, item in enumerate(chosen[:3], start=1):
            spec = item.spec
            item.decision_id = ctx.insert(
                Decision,
                meeting_id=plan.id,
                agenda_item_id=item.id,
                paper_id=item.paper_id,
                ref=f"D{plan.number:02d}.{index}",
                text=self._decision_text(item, plan),
                concurring="All members present",
                forum_id=spec.event.forum_id if spec.event else None,
                commitment_id=self._theme_commitment(spec),
                forum_event_id=spec.event.id if spec.event else None,
                marking_id=ctx.sensitive if item.sensitive else ctx.official,
            )
        return len(chosen[:3])

    def _decision_text(self, item: _Item, plan: _MeetingPlan) -> str:
        spec = item.spec
        if spec.kind == "minutes":
            previous = self.meetings[plan.number - 2]
            return f"The group confirmed the minutes of Meeting {previous.number} as a true record."
        if spec.event is not None:
            return f"The group agreed the objectives and delegation for {spec.event.label}."
        if spec.purpose is AgendaPurpose.DECISION and item.paper_ref:
            return f"The group endorsed the approach in paper {item.paper_ref}: {spec.title}."
        return f"The group agreed that {spec.lead} would coordinate follow-up on: {spec.title}."

    def _theme_commitment(self, spec: _ItemSpec) -> int | None:
        key = THEME_COMMITMENTS.get(spec.title)
        return self.commitments.get(key) if key else None

    def _owner(self, when: date) -> tuple[str, int]:
        """An owner agency drawn with the §9.2 weights among the group's members that day, and its liaison."""
        for _ in range(50):
            code = self.rng.choices(_OWNER_CODES, cum_weights=_OWNER_CUMULATIVE)[0]
            person = self.liaison(code, when, members_only=True)
            if person is not None:
                return code, person
        person = self.liaison("MFA", when, members_only=True)
        assert person is not None
        return "MFA", person

    def _actions(self, plan: _MeetingPlan, items: list[_Item], budget: int | None) -> int:
        ctx, rng = self.ctx, self.rng
        count = min(18, max(8, _poisson(rng, 12.0)))
        if budget is not None:
            count = max(0, min(count, budget))
        held = [p for p in self.meetings if p.held]
        age = len(held) - plan.number
        substantive = [item for item in items if item.spec.kind in _SUBSTANTIVE_KINDS]
        matters = [item for item in items if item.spec.kind == "matters"]
        coming = sorted({ev.acronym for ev in self.events if plan.when < ev.start <= plan.when + _HORIZON})
        for index in range(1, count + 1):
            code, person = self._owner(plan.when)
            item = rng.choice(substantive if substantive and rng.random() < 0.75 else matters or [None])
            spec = item.spec if item else None
            event = spec.event if spec else None
            forum = event.acronym if event else rng.choice(coming or sorted(self.forums))
            template = rng.choice(ACTION_TEMPLATES[spec.kind if spec else "matters"])
            original_due = plan.when + timedelta(weeks=rng.randint(2, 12))
            state = self._action_state(plan.when, original_due, age)
            # The dates are drawn as for any action, then brought within the event's time (after the draws, so
            # that the rest of the office comes out as it always has for this seed).
            window_end = _event_window_end(spec)
            if window_end is not None:
                if window_end < plan.when + timedelta(weeks=2) or (state.closed_on is None and window_end < ctx.as_at):
                    # The event is nearer than the shortest due date, or its time has passed with this still open:
                    # the action is a forum one instead, with no dates in its words to contradict.
                    forum_templates = ACTION_TEMPLATES["matters"]
                    template = forum_templates[index % len(forum_templates)]
                else:
                    original_due = min(original_due, window_end)
                    state = _done_by(state, original_due, window_end)
            description = template.format(
                agency=code, event=event.label if event else forum, forum=forum, topic=spec.title if spec else ""
            )
            closed_at = None
            if state.closed_on is not None:
                closed_on = state.closed_on
                closed_at = next(p.id for p in self.meetings if p.when >= closed_on)
            ctx.insert(
                Action,
                group_id=self.group_id,
                ref=f"A{plan.number:02d}.{index:02d}",
                raised_at_meeting_id=plan.id,
                agenda_item_id=item.id if item else None,
                description=description,
                owner_agency_id=ctx.ref.agencies[code],
                owner_person_id=person,
                raised_on=plan.when,
                original_due_date=original_due,
                due_date=state.due,
                status=state.status,
                blocked=state.blocked,
                extension_count=state.extensions,
                progress_update=_PROGRESS[state.status],
                closed_on=state.closed_on,
                closed_at_meeting_id=closed_at,
                forum_id=event.forum_id if event else None,
                commitment_id=self._theme_commitment(spec) if spec else None,
                forum_event_id=event.id if event else None,
                decision_id=item.decision_id if item and rng.random() < 0.4 else None,
                marking_id=ctx.sensitive if item and item.sensitive else ctx.official,
                import_batch_id=ctx.batch_row_id,
                last_update_at=None if state.closed_on is None else datetime.combine(state.closed_on, time(9), UTC),
            )
        plan.actions = count
        return count

    def _action_state(self, raised: date, original_due: date, age: int) -> _ActionState:
        """Where an action stands at the as-at date: older ones are mostly complete (§9.2: about 80% complete,
        10% in progress, 5% due soon, 3% overdue, 2% deferred; about 15% extended once)."""
        rng, as_at = self.rng, self.ctx.as_at
        open_share = OPEN_SHARE_BY_AGE[age] if age < len(OPEN_SHARE_BY_AGE) else OPEN_SHARE_OLDER
        if rng.random() >= open_share:
            due = original_due
            if rng.random() < COMPLETE_EXTENDED_SHARE:
                due = original_due + timedelta(weeks=rng.randint(1, 4))
            latest = max(raised, min(due + timedelta(days=10), as_at))
            span = (latest - raised).days
            closed = raised + timedelta(days=rng.randint(min(3, span), span))
            return _ActionState(ActionStatus.COMPLETE, due, int(due > original_due), closed)
        bucket = rng.choices(("extended", "due_soon", "overdue", "deferred"), (0.52, 0.15, 0.18, 0.15))[0]
        if bucket == "overdue" and original_due < as_at:
            status = rng.choice((ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
            return _ActionState(status, original_due, 0, None, blocked=rng.random() < 0.3)
        if bucket == "deferred":
            due = max(original_due, as_at) + timedelta(days=rng.randint(60, 150))
            return _ActionState(ActionStatus.DEFERRED, due, 0, None)
        delta = rng.randint(15, 70) if bucket == "extended" else rng.randint(0, 14)
        due = max(original_due, as_at + timedelta(days=delta))
        status = ActionStatus.IN_PROGRESS if bucket == "extended" else rng.choice(_NOT_DONE)
        return _ActionState(status, due, int(due > original_due), None)


def _event_window_end(spec: _ItemSpec | None) -> date | None:
    """The last day an action whose words name a dated event can be due or done: preparation by the eve of the
    event, a read-out within six months of its end (a read-out of an event long past is news to nobody)."""
    if spec is None or spec.event is None:
        return None
    if spec.kind == "event":
        return spec.event.start - timedelta(days=1)
    if spec.kind == "readout":
        return spec.event.end + _HORIZON
    return None


def _done_by(state: _ActionState, original_due: date, window_end: date) -> _ActionState:
    """`state` of work that must be finished by `window_end`: never due or closed later."""
    closed = min(state.closed_on, window_end) if state.closed_on is not None else None
    due = min(state.due, window_end)
    return _ActionState(state.status, due, int(due > original_due), closed, blocked=state.blocked)


# --- building --------------------------------------------------------------------------------------------------


def _prepare(conn: sa.Connection, *, replace: bool) -> None:
    """Refuse a database holding data unless replacing; then empty every table, children first."""
    tables = list(reversed(Base.metadata.sorted_tables))
    if not any(conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() for t in tables):
        return
    if not replace:
        raise DemoRefused(
            "This database already holds data; build the demo into a new file, or replace its contents "
            "(back it up first)."
        )
    for table in tables:
        conn.execute(table.delete())


def _add_organisations(ctx_writer: BulkWriter, stamp: datetime) -> dict[str, int]:
    """Fictional partner states, firms and universities, and real international organisations by name."""
    orgs: dict[str, tuple[OrgType, str]] = {
        f"Partner State {partner}": (OrgType.FOREIGN_GOVERNMENT, "Fictional partner state (demo data).")
        for partner in PARTNERS
    }
    orgs.update({name: (org_type, "") for name, org_type in INTERNATIONAL_ORGS})
    orgs.update(dict.fromkeys(FIRMS, (OrgType.FIRM, "Fictional ICT firm (demo data).")))
    orgs.update(dict.fromkeys(UNIVERSITIES, (OrgType.UNIVERSITY, "Fictional university (demo data).")))
    ids = {}
    for name, (org_type, notes) in orgs.items():
        ids[name] = ctx_writer.new_id(Organisation)
        row = organisation_row(ids[name], name, org_type, notes=notes)
        row["created_at"] = row["updated_at"] = stamp
        ctx_writer.add(Organisation, row)
    return ids


Extra = Callable[[_Context, _Programme], None]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The build queues hundreds of thousands of small dicts that live until flushed, and the cyclic garbage
    collector would rescan them again and again (about a sixth of the time at scale 100); the build makes no
    cycles that need collecting meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    db: Database,
    *,
    seed: int,
    as_at: date,
    scale: int,
    progress: Progress | None,
    replace: bool,
    kind: str = "demo",
    extra: Extra | None = None,
) -> DemoSummary:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a whole number of 1 or more")
    started = time_module.perf_counter()
    report = progress or (lambda _message: None)
    rng = random.Random(seed)
    batch_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cyberdesk:{kind}:{seed}:{as_at.isoformat()}:{scale}"))
    # Rows carry a timestamp derived from the as-at date, so two builds give identical rows.
    stamp = datetime.combine(as_at, time(9, 0), tzinfo=UTC)
    actor = current_actor()
    with _collector_paused(), db.raw_write() as conn:
        _prepare(conn, replace=replace)
        writer = BulkWriter(conn)
        batch_row_id = writer.new_id(ImportBatch)
        writer.add(
            ImportBatch,
            {
                "id": batch_row_id,
                "batch_uuid": batch_id,
                "kind": "demo",
                "source_name": f"{kind}: seed {seed}, as at {as_at.isoformat()}, scale {scale}",
                "actor": actor,
                "created_at": stamp,
                "row_count": 0,
            },
        )
        report("Reference data")
        ref = add_reference_data(writer, at=stamp)
        add_office(
            writer,
            ref.markings,
            name=OFFICE_NAME,
            currency=CURRENCY,
            fy_start_month=FY_START_MONTH,
            home_state=HOME_STATE,
            is_demo=True,
            demo_seed=seed,
            demo_as_at=as_at,
            at=stamp,
            staff_day_rate=STAFF_DAY_RATE,
        )
        ctx = _Context(
            writer=writer,
            cal=FiscalCalendar(FY_START_MONTH),
            as_at=as_at,
            stamp=stamp,
            ref=ref,
            batch_row_id=batch_row_id,
            names=_Names(rng),
            orgs=_add_organisations(writer, stamp),
        )
        programme_seeds = [rng.getrandbits(64) for _ in range(scale)]
        first: _Programme | None = None
        for number, programme_seed in enumerate(programme_seeds, start=1):
            report(f"Programme {number} of {scale}")
            suffix = _copy_suffix(number)
            forums = dict(ref.forums) if number == 1 else add_forums(writer, ref, FORUMS, at=stamp, suffix=suffix)
            programme = _Programme(ctx, number, random.Random(programme_seed), forums)
            programme.build()
            first = first or programme
            writer.flush_if_full()
        assert first is not None
        if extra is not None:
            extra(ctx, first)
        report("Writing the audit trail")
        writer.flush()
        total = sum(writer.counts().values())
        batch_table = ImportBatch.__table__
        assert isinstance(batch_table, sa.Table)
        conn.execute(sa.update(batch_table).where(batch_table.c.id == batch_row_id).values(row_count=total))
        counts = writer.write_audit(
            batch_id=batch_id,
            actor=actor,
            summary={"source": kind, "seed": seed, "as_at": as_at, "scale": scale},
        )
    return DemoSummary(counts, time_module.perf_counter() - started, seed, as_at, scale, batch_id)


def _copy_suffix(number: int) -> str:
    return "" if number == 1 else f" (scale copy {number})"


def build_demo(
    db: Database,
    *,
    seed: int = DEFAULT_SEED,
    as_at: date,
    scale: int = 1,
    progress: Progress | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Build the demo office in one transaction: reference data, the office, and `scale` programmes.

    Refuses (DemoRefused) a database that already holds data unless `replace`, which empties it first;
    the caller takes the backup. The same seed and as-at date always give the same rows."""
    return _build(db, seed=seed, as_at=as_at, scale=scale, progress=progress, replace=replace)


def build_action_bench(
    db: Database,
    *,
    actions: int = 200_000,
    seed: int = DEFAULT_SEED,
    as_at: date = date(2025, 8, 15),
    progress: Progress | None = None,
    replace: bool = False,
) -> DemoSummary:
    """The demo office plus synthetic engagement groups (same people and dates) until `actions` actions exist."""

    def add_groups(ctx: _Context, first: _Programme) -> None:
        remaining = actions - ctx.writer.stats["action"].rows
        number = 1
        while remaining > 0:
            number += 1
            group = first.bench_copy(number, random.Random(seed * 1_000_003 + number))
            group.add_group()
            remaining -= group.add_meetings(actions_only=True, max_actions=remaining)
            ctx.writer.flush_if_full()
            if number % 200 == 0 and progress:
                progress(f"{actions - remaining} actions")

    return _build(
        db, seed=seed, as_at=as_at, scale=1, progress=progress, replace=replace, kind="bench-actions", extra=add_groups
    )


def build_budget_bench(
    db: Database,
    *,
    lines: int = 100_000,
    seed: int = DEFAULT_SEED,
    as_at: date = date(2025, 8, 15),
    progress: Progress | None = None,
    replace: bool = False,
) -> DemoSummary:
    """The demo office plus budget lines in the current fiscal year until it holds `lines` lines."""

    def add_lines(ctx: _Context, first: _Programme) -> None:
        first.add_bench_lines(ctx.fy_current, max(0, lines - first.lines_per_year.get(ctx.fy_current, 0)))

    return _build(
        db, seed=seed, as_at=as_at, scale=1, progress=progress, replace=replace, kind="bench-budget", extra=add_lines
    )
