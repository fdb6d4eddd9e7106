"""Reference data every office starts with (markings, reference lists, cost categories, agencies, forums)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.domain.forums import ForumSubtype, ForumType, ParticipationMode, Priority
from core.domain.reference import ReferenceKind

# Facts and wording come from the project's domain reference (§1.2, §2, §3, §4, §5.3, §6.2); certainty tags
# are kept on forums so a user can see which facts were checked and which are general knowledge.


@dataclass(frozen=True)
class MarkingSeed:
    label: str
    rank: int
    description: str


@dataclass(frozen=True)
class ReferenceSeed:
    kind: ReferenceKind
    code: str
    label: str
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class CategorySeed:
    code: str
    label: str
    description: str


@dataclass(frozen=True)
class AgencySeed:
    code: str
    name: str
    agency_type: str
    role: str
    typical_rep: str
    is_core_member: bool = True
    parent_code: str | None = None


@dataclass(frozen=True)
class ForumSeed:
    number: int
    full_name: str
    acronym: str
    forum_type: ForumType
    subtype: ForumSubtype | None
    host_org: str
    cadence: str
    issue_codes: tuple[str, ...]
    priority: Priority
    lead_agency: str
    certainty: str
    notes: str
    secretariat_city: str = ""
    usual_months: str = ""
    usual_locations: str = ""
    established: str = ""
    mandate_end: date | None = None
    successor: str | None = None
    participation_mode: ParticipationMode = ParticipationMode.MEMBER
    membership: str = ""


MARKINGS: tuple[MarkingSeed, ...] = (
    MarkingSeed("OFFICIAL", 10, "Routine government business; the default for every record."),
    MarkingSeed(
        "OFFICIAL: Sensitive",
        20,
        "OFFICIAL information needing extra care in handling; the highest marking this application may hold.",
    ),
)
DEFAULT_MARKING = "OFFICIAL"
MAX_MARKING = "OFFICIAL: Sensitive"

_SEED = "Tech Accord, Towards Effective Cyber Diplomacy"


def _items(kind: ReferenceKind, source: str, rows: tuple[tuple[str, str, str], ...]) -> tuple[ReferenceSeed, ...]:
    return tuple(ReferenceSeed(kind, code, label, description, source) for code, label, description in rows)


ISSUE_AREAS = _items(
    ReferenceKind.ISSUE_AREA,
    _SEED,
    (
        ("RSB", "Responsible state behaviour", "Norms and international law."),
        ("CONF", "Cyberconflict / CBMs", "Constraining offensive operations; confidence-building measures."),
        ("IG", "Internet governance", "IETF standards, the ICANN multistakeholder model."),
        ("CRIME", "Cybercrime management", "Law, evidence, extradition, law-enforcement cooperation."),
        ("CB", "Capacity building", "Seed building blocks 4 and 5, recommendation 4; GFCE."),
        ("TRADE", "Digital trade / digital economy", "Focal-point mandates covering digital trade or regulation."),
        ("TECH", "Critical and emerging technologies", "AI, 5G, quantum, export controls."),
        ("HR", "Human rights online / internet freedom", "Human rights law; Freedom Online Coalition."),
        ("DIPRESP", "Diplomatic responses", "Attribution and sanctions (seed function 4, building block 7)."),
    ),
)

FUNCTIONS = _items(
    ReferenceKind.FUNCTION,
    _SEED,
    (
        (
            "INFO_GATHERING",
            "Information gathering and reporting",
            "Reporting on the issue and on other states' and stakeholders' interests and activities.",
        ),
        (
            "COMMS_OUTREACH",
            "Communications and public outreach",
            "Communicating foreign-policy interests on a cyber issue.",
        ),
        ("NEGOTIATION", "Negotiation", "Negotiating foreign-policy interests on a cyber issue."),
        (
            "DIPLOMATIC_RESPONSE",
            "Diplomatic response",
            "Responding to unwanted cyber activity: attribution, or imposing costs by diplomatic means.",
        ),
    ),
)

GGE_NORMS = _items(
    ReferenceKind.GGE_NORM,
    "UN GGE report A/70/174 (2015), para 13 (a)-(k); endorsed by A/RES/70/237",
    (
        (
            "NORM-A",
            "Interstate cooperation on security",
            "Cooperate to increase stability and security and to prevent harmful ICT practices.",
        ),
        (
            "NORM-B",
            "Consider all relevant information",
            "In incidents weigh context, attribution challenges, and the nature and extent of consequences.",
        ),
        (
            "NORM-C",
            "Prevent misuse of ICTs in your territory",
            "Do not knowingly allow territory to be used for internationally wrongful acts using ICTs.",
        ),
        (
            "NORM-D",
            "Cooperate to stop crime and terrorism",
            "Exchange information, assist, prosecute terrorist and criminal use of ICTs.",
        ),
        (
            "NORM-E",
            "Respect human rights and privacy",
            "Respect HRC 20/8, 26/13 and UNGA 68/167, 69/166; freedom of expression.",
        ),
        (
            "NORM-F",
            "Do not damage critical infrastructure",
            "No ICT activity that intentionally damages or impairs critical infrastructure.",
        ),
        (
            "NORM-G",
            "Protect critical infrastructure",
            "Take appropriate measures to protect CI from ICT threats.",
        ),
        (
            "NORM-H",
            "Respond to requests for assistance",
            "Respond to appropriate requests when CI is attacked, including attacks coming from own territory.",
        ),
        (
            "NORM-I",
            "Ensure supply chain integrity",
            "Supply-chain integrity; prevent proliferation of malicious tools and hidden functions.",
        ),
        (
            "NORM-J",
            "Report ICT vulnerabilities",
            "Encourage responsible vulnerability reporting and share remedies.",
        ),
        (
            "NORM-K",
            "Do no harm to emergency response teams",
            "Do not harm another state's CERTs/CSIRTs; do not use CERTs for malicious activity.",
        ),
    ),
)

PARIS_CALL = _items(
    ReferenceKind.PARIS_CALL,
    "Paris Call for Trust and Security in Cyberspace (12 Nov 2018)",
    (
        ("PC-1", "Protect individuals and infrastructure", ""),
        ("PC-2", "Protect the Internet", "The public core of the Internet."),
        ("PC-3", "Defend electoral processes", ""),
        ("PC-4", "Defend intellectual property", ""),
        ("PC-5", "Non-proliferation", "Of malicious software and practices."),
        ("PC-6", "Lifecycle security", "Of digital products and services."),
        ("PC-7", "Cyber hygiene", ""),
        ("PC-8", "No private hack back", ""),
        ("PC-9", "International norms", "And confidence-building measures."),
    ),
)

_OSCE_NAMES = (
    "Share national views on ICT threats",
    "Facilitate cooperation between competent national bodies and exchange information",
    "Consultations to reduce risk of misperception / escalation",
    "Share measures taken to keep an open, interoperable, secure, reliable Internet",
    "Use the OSCE as a platform for dialogue and best practice",
    "Modern national legislation for information sharing (crime/terror)",
    "Share information on national organisation, strategies and policies",
    "Nominate a contact point (POC)",
    "Provide national terminology",
    "Use OSCE communications mechanisms and networks",
    "Expert meetings at least 3 times a year (IWG)",
    "Workshops, seminars and roundtables, including sub-regional ones",
    "Authorised, protected communication channels for crisis",
    "Public–private partnerships",
    "Regional cooperation on critical-infrastructure protection",
    "Responsible vulnerability reporting",
)

OSCE_CBMS = tuple(
    ReferenceSeed(
        ReferenceKind.OSCE_CBM,
        f"OSCE-{n}",
        name,
        "Short name paraphrased from the decision text.",
        "PC.DEC/1106 (3 Dec 2013)" if n <= 11 else "PC.DEC/1202 (10 Mar 2016)",
    )
    for n, name in enumerate(_OSCE_NAMES, start=1)
)

OAS_CBMS = _items(
    ReferenceKind.OAS_CBM,
    "OAS CICTE regional cyber CBMs (CICTE/RES.1/17, RES.1/18, 2019 additions)",
    (
        ("OAS-1", "Provide national cybersecurity policy information", ""),
        ("OAS-2", "Political-level national POC", ""),
        ("OAS-3", "MFA POCs for cyber", ""),
        ("OAS-4", "Capacity building in cyber diplomacy", ""),
        ("OAS-5", "Cyber in diplomat training curricula", ""),
        ("OAS-6", "Cooperation and best-practice exchange", "Working groups, agreements."),
    ),
)

BUILDING_BLOCKS = _items(
    ReferenceKind.BUILDING_BLOCK,
    _SEED,
    (
        ("BB-1", "Establish a national cyber strategy", ""),
        ("BB-2", "Identify a focal point for cyber diplomacy", ""),
        ("BB-3", "Stand up a government-wide policy process", ""),
        (
            "BB-4",
            "Develop technical and legal expertise",
            "Hiring, rotations, retraining, secondments from ICT firms and academia.",
        ),
        ("BB-5", "Dedicate the required resources", "Inside government and abroad."),
        ("BB-6", "Incorporate a strategic communication strategy", ""),
        ("BB-7", "Develop a diplomatic toolkit for responding to unwanted cyber behaviour", ""),
    ),
)

RECOMMENDATIONS = _items(
    ReferenceKind.RECOMMENDATION,
    _SEED,
    (
        ("REC-1", "Understand the need", ""),
        ("REC-2", "Create a government-wide focal point", ""),
        ("REC-3", "Prioritize resources", "For example regional bodies first."),
        ("REC-4", "Invest in training and education", ""),
        ("REC-5", "Create mechanisms for multistakeholder collaboration", ""),
        ("REC-6", "Seek opportunities for sustained dialogue", ""),
        (
            "REC-7",
            "Demonstrate commitment to international peace and stability",
            "International law, IHL, human rights law, agreed norms.",
        ),
    ),
)

RESPONSE_TOOLS = _items(
    ReferenceKind.RESPONSE_TOOL,
    _SEED + " (building block 7)",
    (
        ("ATTRIBUTION_STATEMENT", "Attribution statement", "Out-of-domain response."),
        ("JOINT_ATTRIBUTION", "Joint attribution", "Coordinated attribution with partners."),
        ("DEMARCHE", "Demarche", ""),
        ("SANCTIONS", "Sanctions", "Out-of-domain response."),
        ("TAKEDOWN_SUPPORT", "Takedown support", "In-domain: botnet takedowns, taking websites offline."),
        ("EXPULSION", "Expulsion", ""),
        ("OTHER", "Other", ""),
    ),
)

REFERENCE_ITEMS: tuple[ReferenceSeed, ...] = (
    ISSUE_AREAS
    + FUNCTIONS
    + GGE_NORMS
    + PARIS_CALL
    + OSCE_CBMS
    + OAS_CBMS
    + BUILDING_BLOCKS
    + RECOMMENDATIONS
    + RESPONSE_TOOLS
)

COST_CATEGORIES: tuple[CategorySeed, ...] = (
    CategorySeed("STAFF", "Staff / FTE", "Salaries and on-costs of office staff; FTE count; backfill for rotations."),
    CategorySeed(
        "SECOND",
        "Secondment costs",
        "Host-paid allowances or reimbursement to the home organisation.",
    ),
    CategorySeed(
        "TRAVEL",
        "Travel",
        "Airfares, accommodation and per diem for delegations.",
    ),
    CategorySeed(
        "EVENTS",
        "Events / hosting / hospitality",
        "Hosting a bilateral dialogue, a side event or a regional workshop.",
    ),
    CategorySeed(
        "CONTRIB",
        "Contributions and membership fees",
        "Assessed and voluntary contributions to IOs or trust funds, membership or partner fees, sponsorship.",
    ),
    CategorySeed(
        "GRANTS",
        "Capacity-building grants / programs",
        "Grants to partner countries, NGOs and universities.",
    ),
    CategorySeed("CONSULT", "Consultancy and contractors", "Research, legal opinions, evaluation, translation."),
    CategorySeed("COMMS", "Strategic communications", "Website, publications, campaigns (building block 6)."),
    CategorySeed("TRAIN", "Training and education", "Diplomat cyber courses (recommendation 4)."),
    CategorySeed("OTHER", "Other operating costs", "IT, subscriptions, security."),
)

AGENCIES: tuple[AgencySeed, ...] = (
    AgencySeed(
        "MFA",
        "Ministry of Foreign Affairs — Office of the Ambassador for Cyber Affairs",
        "foreign affairs (chair)",
        "Focal point; UN/regional negotiations; bilateral dialogues; demarches; attribution statements.",
        "Ambassador (chair), Director, desk officers",
    ),
    AgencySeed(
        "MFA-LEG",
        "MFA International Law Division",
        "foreign affairs (legal)",
        "National position on international law in cyberspace; treaty actions (Budapest, UN convention).",
        "Legal adviser",
        parent_code="MFA",
    ),
    AgencySeed(
        "DEF",
        "Ministry of Defence — Cyber Policy",
        "defence",
        "Military CBMs, NATO/CCDCOE, mil-to-mil MOUs.",
        "Assistant Secretary",
    ),
    AgencySeed(
        "INT",
        "Ministry of Interior / Home Affairs — Cyber & Critical Infrastructure",
        "home affairs / interior",
        "National strategy owner (in many states), CI policy, online harms.",
        "Branch head",
    ),
    AgencySeed(
        "JUS",
        "Ministry of Justice / Attorney-General's Dept — International Crime Cooperation",
        "justice",
        "MLA, extradition, Budapest/T-CY, UN cybercrime convention.",
        "Senior legal officer",
    ),
    AgencySeed(
        "POL",
        "National Police — Cybercrime Command",
        "law enforcement",
        "CRI/ICRTF operations, 24/7 POC networks, liaison officers abroad.",
        "Commander / liaison",
    ),
    AgencySeed(
        "NCSC",
        "National Cyber Security Centre (national CSIRT / cyber agency)",
        "technical agency",
        "CSIRT diplomacy (FIRST), incident assistance (norm H), vulnerability disclosure (norm J).",
        "Deputy Director, international lead",
    ),
    AgencySeed(
        "DIG",
        "Ministry of Communications / Digital Affairs",
        "communications / digital",
        "ITU, IGF, ICANN GAC, IETF liaison, telecom regulation.",
        "International director",
    ),
    AgencySeed(
        "TRD",
        "Ministry of Trade / Economy",
        "trade",
        "WTO JSI e-commerce, FTA digital chapters, export controls (Wassenaar), OECD.",
        "Trade negotiator",
    ),
    AgencySeed(
        "FIN",
        "Ministry of Finance / Treasury (+ central bank, financial regulator)",
        "finance",
        "Budget approvals; financial-sector cyber MOUs; G7 CEG; sanctions implementation.",
        "Finance liaison",
    ),
    AgencySeed(
        "INTEL",
        "National Intelligence Coordination Office",
        "intelligence liaison",
        "Threat assessments behind attribution decisions (briefs at higher marking, not stored in the app).",
        "Liaison officer",
    ),
    AgencySeed(
        "PMO",
        "Prime Minister's / President's Office — National Security Adviser's staff",
        "centre of government",
        "Policy coordination, cabinet submissions, national-strategy ownership in some models.",
        "Adviser",
    ),
    AgencySeed(
        "DEV",
        "Development Agency / ODA programme",
        "development",
        "Capacity-building funding (ODA eligibility).",
        "Program manager",
    ),
    AgencySeed(
        "HRC",
        "Human Rights / Democracy unit (often in MFA)",
        "human rights",
        "FOC, Christchurch Call, human-rights-respecting cyber policy.",
        "Policy officer",
    ),
    AgencySeed(
        "ADV",
        "External advisers (industry, academia, civil society) — observers only",
        "multistakeholder",
        "Invited for specific agenda items (seed recommendation 5).",
        "Guest",
        is_core_member=False,
    ),
)

# §1.2 issue columns also use "CBM" and "IL", which are not §2.1 issue-area codes: CBMs belong to CONF
# ("Cyberconflict / CBMs") and international law to RSB ("norms, international law").
ISSUE_CODE_ALIASES = {"CBM": "CONF", "IL": "RSB"}

_MT = ForumType.MULTILATERAL
_RG = ForumType.REGIONAL
_MS = ForumType.MULTISTAKEHOLDER
_UN = ForumSubtype.UN_BODY
_TB = ForumSubtype.TREATY_BODY
_PC = ForumSubtype.PLURILATERAL_COALITION
_HI, _MED, _LO = Priority.HIGH, Priority.MEDIUM, Priority.LOW

FORUMS: tuple[ForumSeed, ...] = (
    ForumSeed(
        1,
        "Open-ended Working Group on security of and in the use of ICTs 2021–2025",
        "OEWG 2021–25",
        _MT,
        _UN,
        "UN General Assembly (First Committee); UNODA supports",
        "11 substantive sessions of about 5 days each in New York, usually in Mar, Jul and Dec; intersessionals",
        ("RSB", "CBM", "CB"),
        _HI,
        "MFA",
        "[V]",
        "Established by A/RES/75/240 (31 Dec 2020); chaired by Burhan Gafoor (Singapore); final report adopted "
        "11 Jul 2025; outputs include the Global POC Directory. Succeeded by the Global Mechanism.",
        secretariat_city="New York",
        usual_months="Mar, Jul, Dec",
        usual_locations="New York",
        established="A/RES/75/240 (31 Dec 2020)",
        mandate_end=date(2025, 7, 11),
        successor="Global Mechanism",
        membership="open",
    ),
    ForumSeed(
        2,
        "Global Mechanism on developments in the field of ICTs in the context of international security and "
        "advancing responsible State behaviour in the use of ICTs",
        "Global Mechanism",
        _MT,
        _UN,
        "UNGA subsidiary body reporting to the First Committee; UNODA",
        "Organizational session 30–31 Mar 2026; 1st substantive plenary 20–24 Jul 2026; dedicated thematic groups "
        "7–11 Dec 2026. One plenary a year in each biennial cycle, two DTGs (one general, one on capacity "
        "building), a review conference every 5 years",
        ("RSB", "CBM", "CB"),
        _HI,
        "MFA",
        "[V]",
        "Endorsed by A/RES/80/16 via A/80/257; ECOSOC-accredited NGOs may attend, others are accredited on a "
        "non-objection basis.",
        usual_months="Jul, Dec",
        established="A/RES/80/16",
        membership="open",
    ),
    ForumSeed(
        3,
        "Open-ended Working Group on developments in the field of ICTs in the context of international security "
        "(2019–2021)",
        "OEWG 2019–21",
        _MT,
        _UN,
        "UNGA First Committee",
        "New York, 2019–2021",
        ("RSB", "CBM"),
        _LO,
        "MFA",
        "[S][V]",
        "Established by A/RES/73/27; consensus report Mar 2021 (A/75/816).",
        usual_locations="New York",
        established="A/RES/73/27",
        membership="open",
    ),
    ForumSeed(
        4,
        "Group of Governmental Experts on advancing responsible State behaviour in cyberspace",
        "UN GGE",
        _MT,
        _UN,
        "UN Secretary-General / UNODA",
        "Six groups (2004–05, 2009–10, 2012–13, 2014–15, 2016–17, 2019–21); closed membership of 15–25 states",
        ("RSB", "CBM", "IL"),
        _LO,
        "MFA",
        "[S][K][V]",
        "Consensus reports A/65/201 (2010), A/68/98 (2013), A/70/174 (2015), A/76/135 (2021); the 2016–17 group "
        "failed to agree a report.",
        participation_mode=ParticipationMode.OBSERVER,
        membership="closed",
    ),
    ForumSeed(
        5,
        "Ad Hoc Committee to Elaborate a Comprehensive International Convention on Countering the Use of ICTs for "
        "Criminal Purposes",
        "AHC (UN cybercrime)",
        _MT,
        _UN,
        "UNODC secretariat",
        "Sessions alternating New York and Vienna, 2021–2024",
        ("CRIME",),
        _MED,
        "JUS",
        "[V]",
        "Established by A/RES/74/247; the convention was adopted by the UNGA on 24 Dec 2024 (A/RES/79/243).",
        usual_locations="New York, Vienna",
        established="A/RES/74/247",
        membership="open",
    ),
    ForumSeed(
        6,
        'United Nations Convention against Cybercrime ("Hanoi Convention") — signatories / Conference of States '
        "Parties",
        "UNCC / COSP",
        _MT,
        _TB,
        "UNODC (with UN Office of Legal Affairs)",
        "Signing ceremony Hanoi, 25–26 Oct 2025; session to draft COSP rules, Vienna, 26–30 Jan 2026",
        ("CRIME",),
        _HI,
        "JUS",
        "[V][?]",
        "Enters into force 90 days after the 40th ratification; reported signatory counts vary.",
        usual_locations="Vienna",
        established="A/RES/79/243 (24 Dec 2024)",
        membership="accession",
    ),
    ForumSeed(
        7,
        "International Telecommunication Union",
        "ITU",
        _MT,
        _UN,
        "ITU, Geneva",
        "Plenipotentiary every 4 years (PP-22 Bucharest, 26 Sep–14 Oct 2022; PP-26 Doha 2026); Council yearly; "
        "ITU-T Study Group 17 (security)",
        ("IG", "CB"),
        _MED,
        "DIG",
        "[V][K]",
        "Resolution 130 (confidence and security in the use of ICTs); Global Cybersecurity Agenda (2007) and Index.",
        secretariat_city="Geneva",
        usual_locations="Geneva",
        membership="open",
    ),
    ForumSeed(
        8,
        "Internet Governance Forum",
        "IGF",
        _MS,
        ForumSubtype.CONFERENCE,
        "UN DESA",
        "Annual, host country rotates: Kyoto Oct 2023, Riyadh Dec 2024, Lillestrøm (Norway) 23–27 Jun 2025",
        ("IG", "HR"),
        _MED,
        "DIG",
        "[V][K][?]",
        "Mandate reviewed in the WSIS+20 process at the UNGA in Dec 2025; the outcome (renewal or permanence) is "
        "uncertain.",
        membership="open",
        participation_mode=ParticipationMode.PARTICIPANT,
    ),
    ForumSeed(
        9,
        "ICANN Governmental Advisory Committee",
        "ICANN GAC",
        _MS,
        None,
        "ICANN (a California non-profit)",
        "3 public meetings a year: Community Forum (~Mar), Policy Forum (~Jun), AGM (~Oct/Nov), e.g. ICANN78 "
        "Hamburg 21–26 Oct 2023. The GAC issues a communiqué at each meeting",
        ("IG",),
        _MED,
        "DIG",
        "[V]",
        "Cities rotate by region.",
        usual_months="Mar, Jun, Oct",
        membership="open",
    ),
    ForumSeed(
        10,
        "Internet Engineering Task Force",
        "IETF",
        ForumType.TECHNICAL,
        ForumSubtype.STANDARDS_BODY,
        "IETF Administration LLC",
        "3 week-long meetings a year (Mar / Jul / Nov), e.g. IETF 122 Bangkok, Mar 2025",
        ("IG",),
        _LO,
        "DIG",
        "[V][K]",
        "Governments attend as individual participants.",
        usual_months="Mar, Jul, Nov",
        participation_mode=ParticipationMode.PARTICIPANT,
        membership="open",
    ),
    ForumSeed(
        11,
        "Inter-American Committee against Terrorism — Working Group on Cooperation and Confidence-Building "
        "Measures in Cyberspace",
        "OAS CICTE",
        _RG,
        None,
        "Organization of American States, Washington DC",
        "CICTE regular session yearly; working-group meetings",
        ("CBM", "CB", "RSB"),
        _LO,
        "MFA",
        "[K][V]",
        "Working group created by CICTE/RES.1/17 (2017); 6 regional cyber CBMs agreed; CICTE is the GFCE hub for "
        "the Americas.",
        secretariat_city="Washington DC",
        established="CICTE/RES.1/17 (2017)",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        12,
        "OSCE Informal Working Group on cyber/ICT security (PC Decision 1039)",
        "OSCE IWG",
        _RG,
        None,
        "OSCE Secretariat, Vienna",
        "Expert meetings at least 3 times a year (this is itself CBM 11)",
        ("CBM",),
        _MED,
        "MFA",
        "[V]",
        "16 CBMs: 11 from PC.DEC/1106 (3 Dec 2013) and 5 from PC.DEC/1202 (10 Mar 2016).",
        secretariat_city="Vienna",
        usual_locations="Vienna",
        established="PC Decision 1039",
    ),
    ForumSeed(
        13,
        "ASEAN Regional Forum Inter-Sessional Meeting on Security of and in the Use of ICTs",
        "ARF ISM on ICTs Security",
        _RG,
        None,
        "ARF (ASEAN Secretariat with co-chairs)",
        "Yearly ISM plus an Open-Ended Study Group (OESG) on CBMs; co-chairs rotate",
        ("CBM",),
        _MED,
        "MFA",
        "[V][K]",
        "ARF statement on cyber security (2012) and Work Plan (6 Aug 2015); ARF POC directory; ARF has 27 "
        "participants.",
    ),
    ForumSeed(
        14,
        "ASEAN Ministerial Conference on Cybersecurity",
        "AMCC",
        _RG,
        None,
        "Singapore (CSA) with ASEAN",
        "Yearly in October, held during Singapore International Cyber Week since 2016",
        ("RSB", "CB"),
        _MED,
        "MFA",
        "[V][K][?]",
        "ASEAN said in principle it would follow the 11 norms (2018).",
        usual_months="Oct",
        usual_locations="Singapore",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        15,
        'EU Framework for a Joint EU Diplomatic Response to Malicious Cyber Activities ("Cyber Diplomacy Toolbox")',
        "EU CDT",
        _RG,
        None,
        "Council of the EU / EEAS; Horizontal Working Party on Cyber Issues (HWPCI)",
        "HWPCI meets in Brussels frequently; decisions taken at Council",
        ("DIPRESP",),
        _LO,
        "MFA",
        "[V][K]",
        "Council conclusions 19 Jun 2017; implementing guidelines 11 Oct 2017; sanctions framework Decision (CFSP) "
        "2019/797 and Reg. 2019/796 of 17 May 2019; first listings 30 Jul 2020 (6 persons, 3 entities).",
        secretariat_city="Brussels",
        established="Council conclusions 19 Jun 2017",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        16,
        "Convention on Cybercrime (Budapest Convention, ETS 185) — Cybercrime Convention Committee",
        "T-CY",
        _RG,
        _TB,
        "Council of Europe, Strasbourg; capacity-building office C-PROC in Romania",
        "Plenaries about twice a year (e.g. 25th 15 Nov 2021, 27th 30 Nov 2022, 30th 20 Jun 2024); Octopus "
        "Conference every 12–18 months",
        ("CRIME",),
        _HI,
        "JUS",
        "[V]",
        "Opened 23 Nov 2001; 75 Parties at Jun 2024; First Protocol ETS 189 (2003); Second Additional Protocol "
        "CETS 224 opened 12 May 2022. Open to non-members of the Council of Europe.",
        secretariat_city="Strasbourg",
        usual_months="Jun, Nov",
        usual_locations="Strasbourg",
        established="ETS 185 opened 23 Nov 2001",
        membership="accession",
    ),
    ForumSeed(
        17,
        "African Union Convention on Cyber Security and Personal Data Protection",
        "Malabo Convention",
        _RG,
        _TB,
        "African Union Commission, Addis Ababa",
        "AU meetings",
        ("CRIME", "IG"),
        _LO,
        "JUS",
        "[K][?]",
        "Adopted 2014; in force 2023 (to be checked).",
        secretariat_city="Addis Ababa",
        established="2014",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        18,
        "NATO Cooperative Cyber Defence Centre of Excellence",
        "NATO CCDCOE",
        _RG,
        ForumSubtype.CENTRE_OF_EXCELLENCE,
        "Tallinn, Estonia",
        "CyCon yearly in spring (late May); Locked Shields exercise yearly (April)",
        ("CONF", "IL"),
        _MED,
        "DEF",
        "[V]",
        "Founded 2008; Tallinn Manual 2.0 (2017); about 39 member nations (2024).",
        secretariat_city="Tallinn",
        usual_months="Apr, May",
        usual_locations="Tallinn",
        established="2008",
        participation_mode=ParticipationMode.PARTICIPANT,
    ),
    ForumSeed(
        19,
        "Paris Call for Trust and Security in Cyberspace",
        "Paris Call",
        _MS,
        None,
        "France (MEAE) / Paris Peace Forum",
        "Yearly around the Paris Peace Forum (November); working groups",
        ("RSB", "IG"),
        _MED,
        "MFA",
        "[V][K][S]",
        "Launched 12 Nov 2018 at IGF/UNESCO Paris; 9 principles; 1,200+ supporters including 80 states.",
        secretariat_city="Paris",
        usual_months="Nov",
        usual_locations="Paris",
        established="12 Nov 2018",
        participation_mode=ParticipationMode.SUPPORTER,
    ),
    ForumSeed(
        20,
        "Global Forum on Cyber Expertise",
        "GFCE",
        _MS,
        None,
        "GFCE Secretariat (foundation), The Hague",
        "Annual Meeting (e.g. 2016 Washington, 2018 Singapore at SICW, 2019 Addis Ababa) plus regional meetings",
        ("CB",),
        _HI,
        "MFA",
        "[V]",
        "Launched 16 Apr 2015 at GCCS The Hague; Delhi Communiqué 24 Nov 2017 with 5 themes; regional hubs.",
        secretariat_city="The Hague",
        established="16 Apr 2015",
    ),
    ForumSeed(
        21,
        "Forum of Incident Response and Security Teams",
        "FIRST",
        ForumType.TECHNICAL,
        None,
        "FIRST.org (US non-profit)",
        "Annual 5-day conference, usually June; regional symposia",
        ("CB", "CONF"),
        _MED,
        "NCSC",
        "[V][K][?]",
        "Founded 1990; maintains CVSS and TLP; hundreds of member teams (500–800+ reported) in 100+ countries.",
        usual_months="Jun",
        established="1990",
    ),
    ForumSeed(
        22,
        "International Counter Ransomware Initiative",
        "CRI",
        _MT,
        _PC,
        "Started by the US White House (NSC); co-chairs include Singapore, Australia, Germany, UK, US (2025)",
        "Yearly summit: 13–14 Oct 2021 (virtual); 2022 Washington; 31 Oct–1 Nov 2023 Washington; 30 Sep–3 Oct 2024 "
        "Washington; 24 Oct 2025 Singapore at SICW",
        ("CRIME", "CB"),
        _HI,
        "MFA",
        "[V]",
        "50 members (2023), 68 (2024), 74 (2025); pillars: Diplomacy & Capacity Building, Policy, ICRTF "
        "(operations), Private sector (2025).",
        usual_months="Oct",
        established="2021",
    ),
    ForumSeed(
        23,
        "Freedom Online Coalition",
        "FOC",
        _MT,
        _PC,
        "Chair rotates yearly (US 2023); support unit Global Partners Digital",
        "Yearly Freedom Online Conference",
        ("HR", "IG"),
        _MED,
        "HRC",
        "[V][?]",
        "Founded 8–9 Dec 2011 in The Hague; about 40 member governments; multistakeholder Advisory Network.",
        established="8–9 Dec 2011",
    ),
    ForumSeed(
        24,
        "Cybersecurity Tech Accord",
        "Tech Accord",
        ForumType.INDUSTRY,
        None,
        "Coalition of companies",
        "Working groups, webinars",
        ("RSB", "CB"),
        _LO,
        "MFA",
        "[S]",
        "Founded 2018 with 34 firms, now 150+; 4 principles; chaired Paris Call WG3 (2021).",
        established="2018",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        25,
        "Charter of Trust",
        "CoT",
        ForumType.INDUSTRY,
        None,
        "Started by Siemens; secretariat associated with Siemens",
        "Yearly meeting around the Munich Security Conference (February)",
        ("RSB", "TECH"),
        _LO,
        "MFA",
        "[K][V]",
        "Signed Feb 2018 at MSC by 9 organisations; 16 members by 2019; 10 principles; government bodies such as "
        "Germany's BSI joined as associate members.",
        usual_months="Feb",
        usual_locations="Munich",
        established="Feb 2018",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        26,
        "OECD Digital Policy Committee — Working Party on Security in the Digital Economy",
        "OECD SDE",
        _MT,
        None,
        "OECD, Paris",
        "Working party meets about twice a year",
        ("TRADE", "TECH"),
        _MED,
        "TRD",
        "[V][K][?]",
        "Digital security risk Recommendation 2015; critical activities 2019; Policy Framework on Digital Security "
        "Dec 2022. The parent committee was formerly CDEP.",
        secretariat_city="Paris",
        usual_locations="Paris",
    ),
    ForumSeed(
        27,
        "WTO Joint Statement Initiative on E-commerce",
        "WTO JSI",
        _MT,
        _PC,
        "WTO, Geneva; co-convenors Australia, Japan, Singapore",
        "Negotiating rounds in Geneva",
        ("TRADE",),
        _MED,
        "TRD",
        "[V]",
        "Joint statement at MC11 Buenos Aires Dec 2017 (71 members); negotiations from Jan 2019 (76); stabilised "
        "text of the Agreement on E-Commerce (38 articles) 26 Jul 2024.",
        secretariat_city="Geneva",
        usual_locations="Geneva",
        established="MC11, Dec 2017",
    ),
    ForumSeed(
        28,
        "Wassenaar Arrangement on Export Controls for Conventional Arms and Dual-Use Goods and Technologies",
        "WA",
        _MT,
        _PC,
        "WA Secretariat, Vienna",
        "Plenary yearly, usually early December, in Vienna; chair rotates",
        ("TECH", "CONF"),
        _MED,
        "TRD",
        "[V]",
        "Established 1995–96; 42 participating states; Dec 2013 plenary added controls on intrusion software and "
        "IP network surveillance.",
        secretariat_city="Vienna",
        usual_months="Dec",
        usual_locations="Vienna",
        established="1995–96",
    ),
    ForumSeed(
        29,
        "Group of Seven (cyber tracks)",
        "G7",
        _MT,
        _PC,
        "Presidency rotates yearly",
        "G7 Cyber Expert Group (finance) meets 4 times a year, co-chaired by US Treasury and Bank of England; "
        "digital/tech ministers' meetings; Roma-Lyon Group 24/7 cybercrime network",
        ("RSB", "CRIME", "TRADE"),
        _LO,
        "FIN",
        "[V][K]",
        "CEG founded Nov 2015; Fundamental Elements for financial sector (Oct 2016).",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        30,
        "Group of Twenty — Digital Economy Working Group",
        "G20 DEWG",
        _MT,
        _PC,
        "Presidency rotates yearly",
        "Several DEWG meetings a year plus a digital ministerial",
        ("TRADE", "TECH"),
        _LO,
        "TRD",
        "[K][?]",
        "Often taken by the trade or digital ministry.",
        participation_mode=ParticipationMode.OBSERVER,
    ),
    ForumSeed(
        31,
        "Christchurch Call",
        "CCall",
        _MS,
        None,
        "Christchurch Call Foundation, Wellington (since 2024)",
        "Leaders' Summits (New York Sep 2022; Paris 10 Nov 2023)",
        ("HR", "IG"),
        _MED,
        "HRC",
        "[V]",
        "Launched 15 May 2019 in Paris by New Zealand and France; moved to a foundation in May–Jul 2024.",
        secretariat_city="Wellington",
        established="15 May 2019",
        participation_mode=ParticipationMode.SUPPORTER,
    ),
    ForumSeed(
        32,
        "Pall Mall Process (commercial cyber intrusion capabilities)",
        "PMP",
        _MS,
        None,
        "UK and France (FCDO / MEAE)",
        "Conferences: London, Lancaster House, 6 Feb 2024; Paris, 3–4 Apr 2025",
        ("TECH", "HR"),
        _MED,
        "MFA",
        "[V]",
        "Code of Practice for States, Apr 2025 (21 initial supporters, later ~25–27).",
        usual_locations="London, Paris",
        established="6 Feb 2024",
        participation_mode=ParticipationMode.SUPPORTER,
    ),
)


def issue_area_codes(forum: ForumSeed) -> tuple[str, ...]:
    """The forum's §2.1 issue-area codes, with the §1.2 shorthand mapped and duplicates dropped in order."""
    codes = (ISSUE_CODE_ALIASES.get(code, code) for code in forum.issue_codes)
    return tuple(dict.fromkeys(codes))


# --- the commitments reference library (domain-reference §8.2): real public examples to copy from -------------


@dataclass(frozen=True)
class CommitmentExample:
    """A public commitment another state or body made, offered as a template for the office's own."""

    number: int
    title: str
    commitment_type: str  # a CommitmentType code
    parties: str
    forum_acronym: str | None  # a seeded forum's acronym; None for bilateral instruments
    when: str  # as published: a day, a month or a range
    legal_status: str  # a LegalStatus code
    instrument_ref: str = ""
    # §8.2: rows 1–3, 16–17 and 20 are other states' own instruments and are never presented as the home state's.
    home_state_may_join: bool = True


COMMITMENT_EXAMPLES: tuple[CommitmentExample, ...] = (
    CommitmentExample(
        1,
        "CISA–CSA MOU on cybersecurity cooperation (replaces the 2016 MOU)",
        "MOU",
        "US CISA – Cyber Security Agency of Singapore",
        None,
        "23 Aug 2021",
        "NON_BINDING_MOU",
        home_state_may_join=False,
    ),
    CommitmentExample(
        2,
        "US Treasury–MAS MOU on cybersecurity cooperation (financial sector information sharing, exercises)",
        "MOU",
        "US Treasury – Monetary Authority of Singapore",
        None,
        "Aug 2021",
        "NON_BINDING_MOU",
        home_state_may_join=False,
    ),
    CommitmentExample(
        3,
        "US DoD–Singapore MINDEF MOU on defence cyber cooperation",
        "MOU",
        "US DoD – MINDEF",
        None,
        "Aug 2021",
        "NON_BINDING_MOU",
        home_state_may_join=False,
    ),
    CommitmentExample(
        4,
        "CRI Joint Statement of Ministers and Representatives",
        "JOINT_STATEMENT",
        "CRI (31 states + EU)",
        "CRI",
        "13–14 Oct 2021",
        "POLITICAL",
    ),
    CommitmentExample(
        5,
        "CRI statement: government institutions should not pay ransomware demands",
        "NORM_PLEDGE",
        "CRI (most of its 50 members; EU and INTERPOL included)",
        "CRI",
        "2 Nov 2023",
        "POLITICAL",
    ),
    CommitmentExample(
        6,
        "CRI Guidance for Organisations During Ransomware Incidents (led by UK and Singapore)",
        "GUIDANCE_ENDORSEMENT",
        "CRI, 4th summit",
        "CRI",
        "Oct 2024",
        "POLITICAL",
    ),
    CommitmentExample(
        7,
        "CRI supply-chain resilience guidance",
        "GUIDANCE_ENDORSEMENT",
        "CRI, 5th summit (Singapore)",
        "CRI",
        "Oct 2025",
        "POLITICAL",
    ),
    CommitmentExample(
        8,
        "Support for the Paris Call (9 principles)",
        "NORM_PLEDGE",
        "Paris Call",
        "Paris Call",
        "from 12 Nov 2018",
        "POLITICAL",
    ),
    CommitmentExample(
        9,
        "OSCE cyber CBMs (11 + 5): implement and report (e.g. CBM 8 POC nomination)",
        "CBM_IMPLEMENTATION",
        "OSCE IWG",
        "OSCE IWG",
        "3 Dec 2013 / 10 Mar 2016",
        "POLITICAL",
        "PC.DEC/1106, PC.DEC/1202",
    ),
    CommitmentExample(
        10,
        "Accession to the Budapest Convention",
        "TREATY_ACTION",
        "Council of Europe / T-CY",
        "T-CY",
        "e.g. Brazil 30 Nov 2022; Benin, Fiji, Kiribati 20 Jun 2024",
        "TREATY",
        "ETS 185",
    ),
    CommitmentExample(
        11,
        "Signature of the Second Additional Protocol to the Budapest Convention",
        "TREATY_ACTION",
        "Council of Europe",
        "T-CY",
        "opened 12 May 2022",
        "TREATY",
        "CETS 224",
    ),
    CommitmentExample(
        12,
        "Signature (then ratification) of the UN Convention against Cybercrime",
        "TREATY_ACTION",
        "UN / UNODC",
        "UNCC / COSP",
        "Hanoi, 25 Oct 2025",
        "TREATY",
    ),
    CommitmentExample(
        13,
        "Pall Mall Process Code of Practice for States",
        "NORM_PLEDGE",
        "PMP (UK and France)",
        "PMP",
        "Apr 2025",
        "POLITICAL",
    ),
    CommitmentExample(
        14, "Christchurch Call commitments", "JOINT_STATEMENT", "Christchurch Call", "CCall", "15 May 2019", "POLITICAL"
    ),
    CommitmentExample(
        15,
        "OAS regional cyber CBMs",
        "CBM_IMPLEMENTATION",
        "OAS CICTE",
        "OAS CICTE",
        "2017–2019",
        "POLITICAL",
        "CICTE/RES.1/17, CICTE/RES.1/18",
    ),
    CommitmentExample(
        16,
        "Expanded Australia–Indonesia cyber MoU (DFAT Ambassador – BSSN)",
        "MOU",
        "bilateral",
        None,
        "8 Sep 2021",
        "NON_BINDING_MOU",
        home_state_may_join=False,
    ),
    CommitmentExample(
        17,
        "Australia–India Cyber and Critical Technology Partnership grants (round two)",
        "CAPACITY_BUILDING_PLEDGE",
        "bilateral",
        None,
        "Sep 2021",
        "POLITICAL",
        home_state_may_join=False,
    ),
    CommitmentExample(
        18,
        "Co-sponsor the UN Programme of Action proposal",
        "DELIVERABLE",
        "UN First Committee",
        None,
        "Apr 2021",
        "POLITICAL",
    ),
    CommitmentExample(
        19,
        "Joining the WTO JSI Agreement on E-Commerce (stabilised text)",
        "TREATY_ACTION",
        "WTO JSI",
        "WTO JSI",
        "26 Jul 2024 text",
        "TREATY",
    ),
    CommitmentExample(
        20,
        "EU cyber sanctions, first listings",
        "DIPLOMATIC_RESPONSE",
        "EU CDT",
        "EU CDT",
        "30 Jul 2020",
        "POLITICAL",
        home_state_may_join=False,
    ),
    CommitmentExample(
        21,
        "G7 Fundamental Elements of Cybersecurity for the Financial Sector",
        "GUIDANCE_ENDORSEMENT",
        "G7 CEG",
        "G7",
        "Oct 2016",
        "POLITICAL",
    ),
    CommitmentExample(
        22,
        "Endorse the GFCE Delhi Communiqué / GFCE membership",
        "MEMBERSHIP",
        "GFCE",
        "GFCE",
        "24 Nov 2017",
        "POLITICAL",
    ),
)
