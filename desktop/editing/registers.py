"""The editor of every register as data: which model, which fields a desk officer edits, and new-record defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.base import Base, LabelledEnum
from core.domain.commitments import Commitment, CommitmentStatus, CommitmentType, LegalStatus
from core.domain.forums import (
    DatePrecision,
    EventFormat,
    EventLevel,
    EventStatus,
    Forum,
    ForumEvent,
    ForumSubtype,
    ForumType,
    ParticipationMode,
    Priority,
)
from core.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaPurpose,
    Decision,
    Meeting,
    MeetingStatus,
    PackStatus,
    Paper,
    RagOverride,
)
from core.domain.organisations import Organisation, OrgType, Person
from core.domain.reference import ReferenceItem, ReferenceKind
from core.domain.resources import BudgetLine, FundingType, StaffAllocation
from core.domain.secondments import (
    ClearanceLevel,
    ClearanceStatus,
    CoiStatus,
    CostSharing,
    Direction,
    Secondment,
    SecondmentStatus,
    SecondmentType,
)
from core.reports.records import choices
from core.services.office import load_settings
from desktop.editing.fields import FieldKind, FieldSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.db.engine import Database
    from desktop.editing.dialog import RecordEditorDialog

Defaults = Mapping[str, Any] | Callable[[Session], Mapping[str, Any]]
# Columns the form does not show but a save must fill, computed from the form's values (is_new: a create).


@dataclass(frozen=True)
class EditorSpec:
    model: type[Base]
    title: str  # the singular noun, capitalised: "Forum event"
    fields: tuple[FieldSpec, ...]
    new_defaults: Defaults = field(default_factory=dict)
    title_key: str | None = None  # the field whose value names the record in the window title

    @property
    def table(self) -> str:
        table = self.model.__table__
        assert isinstance(table, sa.Table)
        return table.name

    def defaults(self, session: Session) -> dict[str, Any]:
        found = self.new_defaults(session) if callable(self.new_defaults) else self.new_defaults
        return dict(found)


# --- field shorthands: the registers below stay one line per field ---------------------------------------


def _f(key: str, label: str, kind: FieldKind = "text", *, required: bool = False, help: str | None = None) -> FieldSpec:
    return FieldSpec(key, label, kind, required=required, help=help)


def _memo(key: str, label: str, help: str | None = None) -> FieldSpec:
    return FieldSpec(key, label, "text", multiline=True, help=help)


def _enum(key: str, label: str, enum: type[LabelledEnum], *, required: bool = True) -> FieldSpec:
    return FieldSpec(key, label, "enum", required=required, enum=enum)


def _fk(key: str, label: str, target: str, *, required: bool = False, kind: str | None = None) -> FieldSpec:
    return FieldSpec(key, label, "fk", required=required, choices_from=target, choices_kind=kind)


# --- defaults -------------------------------------------------------------------------


def _first(session: Session, target: str) -> int | None:
    """The first option a picker would offer (the only engagement group; the latest meeting)."""
    found = choices(session, target)
    return found[0].id if found else None


def _meeting_defaults(session: Session) -> dict[str, Any]:
    return {"group_id": _first(session, "engagement_group"), "meeting_date": date.today()}


def _action_defaults(session: Session) -> dict[str, Any]:
    today = date.today()
    return {
        "group_id": _first(session, "engagement_group"),
        "raised_at_meeting_id": _first(session, "meeting"),
        "raised_on": today,
        "due_date": today + timedelta(days=28),
        "status": ActionStatus.OPEN,
    }


def _budget_defaults(session: Session) -> dict[str, Any]:
    return {
        "fiscal_year": load_settings(session).calendar.fiscal_year_of(date.today()),
        "funding_type": FundingType.DEPARTMENTAL,
    }


def _allocation_defaults(session: Session) -> dict[str, Any]:
    calendar = load_settings(session).calendar
    today = date.today()
    return {"start_date": today, "end_date": calendar.end_of(calendar.fiscal_year_of(today)), "fte_hundredths": 20}


def _event_defaults(_session: Session) -> dict[str, Any]:
    today = date.today()
    return {"start_date": today, "end_date": today, "status": EventStatus.TENTATIVE}


def _secondment_defaults(_session: Session) -> dict[str, Any]:
    today = date.today()
    return {
        "direction": Direction.INWARD,
        "secondment_type": SecondmentType.INDUSTRY_LOAN,
        "start_date": today,
        "planned_end_date": today + timedelta(days=364),
        "fte_hundredths": 100,
        "status": SecondmentStatus.PROPOSED,
    }


# --- the registers ----------------------------------------------------------------------------------------

_NOTES = _memo("notes", "Notes")
# What a decision or action concerns; those records' editors list the outcomes that point at them.
_OUTCOME_LINKS = (
    _fk("forum_id", "Forum", "forum"),
    _fk("commitment_id", "Commitment", "commitment"),
    _fk("forum_event_id", "Forum event", "forum_event"),
    _fk("budget_line_id", "Budget line", "budget_line"),
)

EDITORS: dict[str, EditorSpec] = {
    "organisations": EditorSpec(
        Organisation,
        "Organisation",
        (
            _f("name", "Name", required=True),
            _f("short_name", "Short name"),
            _f("code", "Code", help="The short code of an agency (MFA, NCSC), used in packs and on the command line."),
            _enum("org_type", "Type", OrgType),
            _f("agency_type", "Agency type"),
            _fk("parent_id", "Part of", "organisation"),
            _f("is_core_member", "Core member", "bool"),
            _f("country", "Country"),
            _NOTES,
        ),
        {"org_type": OrgType.AGENCY},
        title_key="name",
    ),
    "people": EditorSpec(
        Person,
        "Person",
        (
            _f("full_name", "Name", required=True),
            _fk("organisation_id", "Organisation", "organisation", required=True),
            _f("role_title", "Role"),
            _f("email", "Email"),
            _f("phone", "Phone"),
            _f("is_office_staff", "Office staff", "bool"),
            _f("is_liaison", "Liaison officer", "bool"),
            _NOTES,
        ),
        title_key="full_name",
    ),
    "forums": EditorSpec(
        Forum,
        "Forum",
        (
            _f("full_name", "Name", required=True),
            _f("acronym", "Acronym"),
            _enum("forum_type", "Type", ForumType),
            _enum("forum_subtype", "Subtype", ForumSubtype, required=False),
            _enum("priority", "Priority", Priority),
            _enum("participation_mode", "Participation", ParticipationMode),
            _fk("lead_agency_id", "Lead agency", "organisation"),
            _f("host_org", "Host"),
            _f("secretariat_city", "Secretariat"),
            _f("membership", "Membership"),
            _f("cadence", "Cadence"),
            _f("usual_months", "Usual months"),
            _f("usual_locations", "Usual locations"),
            _f("mandate_end", "Mandate ends", "optional_date"),
            _fk("successor_forum_id", "Succeeded by", "forum"),
            _f("url", "Website"),
            _NOTES,
        ),
        {"forum_type": ForumType.MULTILATERAL},
        title_key="full_name",
    ),
    "meetings": EditorSpec(
        Meeting,
        "Meeting",
        (
            _fk("group_id", "Group", "engagement_group", required=True),
            _f("number", "Number", "int", required=True),
            _f("meeting_date", "Date", "date", required=True),
            _f("start_time", "Starts at", "time", help="The agenda's running times count from here."),
            _f("end_time", "Ends at", "time", help="Agenda items running past it are flagged over time."),
            _f("venue", "Venue"),
            _enum("status", "Status", MeetingStatus),
            # The minutes' status moves only through the meeting workspace (circulate, confirm, reopen with a reason).
            _enum("pack_status", "Pack", PackStatus),
            _NOTES,
        ),
        _meeting_defaults,
        title_key="number",
    ),
    "actions": EditorSpec(
        Action,
        "Action",
        (
            _f("ref", "Ref", required=True),
            _memo("description", "Action"),
            _fk("group_id", "Group", "engagement_group", required=True),
            _fk("raised_at_meeting_id", "Raised at meeting", "meeting", required=True),
            _fk("owner_agency_id", "Owner agency", "organisation", required=True),
            _fk("owner_person_id", "Owner", "person"),
            _f("raised_on", "Raised on", "date", required=True),
            _f("due_date", "Due", "date", required=True),
            _enum("status", "Status", ActionStatus),
            _f("blocked", "Blocked", "bool"),
            _memo("progress_update", "Latest update"),
            _f("closed_on", "Closed on", "optional_date"),
            _enum("rag_override", "RAG override", RagOverride, required=False),
            _f("rag_override_reason", "Reason for override"),
            *_OUTCOME_LINKS,
        ),
        _action_defaults,
        title_key="ref",
    ),
    "agenda_items": EditorSpec(
        AgendaItem,
        "Agenda item",
        (
            _f("title", "Item", required=True),
            _enum("purpose", "Purpose", AgendaPurpose),
            _fk("lead_agency_id", "Lead agency", "organisation"),
            _fk("presenter_person_id", "Presenter", "person"),
            _f("paper_ref", "Paper ref"),
            _f("minutes_allotted", "Minutes allotted", "int", required=True),
            _f("is_standing", "Standing item", "bool", help="Standing items are copied to the next meeting."),
            _fk("forum_id", "Forum", "forum"),
            _fk("forum_event_id", "Forum event", "forum_event"),
            _memo("outcome", "Outcome"),
        ),
        {"purpose": AgendaPurpose.DISCUSSION, "minutes_allotted": 10},
        title_key="title",
    ),
    "papers": EditorSpec(
        Paper,
        "Paper",
        (
            _f("ref", "Paper ref", required=True),
            _f("title", "Title", required=True),
            _fk("meeting_id", "Meeting", "meeting", required=True),
            _fk("owning_agency_id", "Paper by", "organisation"),
            _enum("purpose", "Purpose", AgendaPurpose),
            _f("location", "Where it is kept", help="The records system or folder holding it: the app keeps no copy."),
        ),
        {"purpose": AgendaPurpose.NOTING},
        title_key="ref",
    ),
    "decisions": EditorSpec(
        Decision,
        "Decision",
        (
            _f("ref", "Ref", required=True),
            _memo("text", "Decision"),
            _fk("meeting_id", "Meeting", "meeting", required=True),
            _f("concurring", "Concurring"),
            _f("dissenting", "Dissenting"),
            *_OUTCOME_LINKS,
        ),
        title_key="ref",
    ),
    "events": EditorSpec(
        ForumEvent,
        "Forum event",
        (
            _fk("forum_id", "Forum", "forum", required=True),
            _f("title", "Event", required=True),
            _f("start_date", "Starts", "date", required=True),
            _f("end_date", "Ends", "date", required=True),
            _enum("date_precision", "Date known to", DatePrecision),
            _f("location", "Location"),
            _enum("event_format", "Format", EventFormat),
            _enum("level", "Level", EventLevel),
            _fk("lead_agency_id", "Lead agency", "organisation"),
            _enum("status", "Status", EventStatus),
            _f("briefing_due", "Briefing due", "optional_date"),
            _f("estimated_travel_cost", "Estimated travel cost", "money"),
            _f("actual_travel_cost", "Actual travel cost", "money"),
            _memo("objectives", "Objectives"),
            _NOTES,
        ),
        _event_defaults,
        title_key="title",
    ),
    "budget": EditorSpec(
        BudgetLine,
        "Budget line",
        (
            _f(
                "fiscal_year",
                "Fiscal year",
                "int",
                required=True,
                help="The year the fiscal year ends: 2025 for 2024–25.",
            ),
            _fk("forum_id", "Forum", "forum"),
            _fk("category_id", "Category", "cost_category", required=True),
            _f("cost_centre", "Cost centre"),
            _memo("description", "Description"),
            _enum("funding_type", "Funding", FundingType),
            _f("oda_eligible", "ODA eligible", "bool"),
            _fk("owner_person_id", "Owner", "person"),
            _fk("owner_agency_id", "Owner agency", "organisation"),
            _NOTES,
        ),
        _budget_defaults,
        title_key="description",
    ),
    "allocations": EditorSpec(
        StaffAllocation,
        "Staff allocation",
        (
            _fk("person_id", "Person", "person", required=True),
            _fk("forum_id", "Forum", "forum"),
            _f("start_date", "From", "date", required=True),
            _f("end_date", "To", "date", required=True),
            _f("fte_hundredths", "FTE", "fte", required=True),
            _NOTES,
        ),
        _allocation_defaults,
    ),
    "secondments": EditorSpec(
        Secondment,
        "Secondment",
        (
            _fk("person_id", "Person", "person", required=True),
            _enum("direction", "Direction", Direction),
            _enum("secondment_type", "Type", SecondmentType),
            _fk("home_organisation_id", "Home organisation", "organisation", required=True),
            _fk("host_organisation_id", "Host organisation", "organisation"),
            _f("host_unit", "Host unit"),
            _f("role_title", "Role"),
            _f("start_date", "Starts", "date", required=True),
            _f("planned_end_date", "Ends (planned)", "date", required=True),
            _f("actual_end_date", "Ended", "optional_date"),
            _f("fte_hundredths", "FTE", "fte", required=True),
            _enum("cost_sharing", "Cost sharing", CostSharing),
            _enum("clearance_required", "Clearance required", ClearanceLevel),
            _enum("clearance_status", "Clearance status", ClearanceStatus),
            _f("clearance_expiry", "Clearance expires", "optional_date"),
            _f("coi_declaration_date", "Conflict of interest declared", "optional_date"),
            _enum("coi_status", "Conflict of interest", CoiStatus, required=False),
            _memo("coi_mitigations", "Mitigations"),
            _f("confidentiality_signed", "Confidentiality undertaking signed", "bool"),
            _fk("line_manager_id", "Line manager", "person"),
            _f("next_review_date", "Next review", "optional_date"),
            _enum("status", "Status", SecondmentStatus),
            _NOTES,
        ),
        _secondment_defaults,
        title_key="role_title",
    ),
    "commitments": EditorSpec(
        Commitment,
        "Commitment",
        (
            _f("title", "Commitment", required=True),
            _enum("commitment_type", "Type", CommitmentType),
            _fk("forum_id", "Forum", "forum"),
            _f("instrument_ref", "Instrument"),
            _f("signed_date", "Signed", "optional_date"),
            _f("effective_date", "Effective", "optional_date"),
            _f("expiry_date", "Expires", "optional_date"),
            _f("next_review_date", "Next review", "optional_date"),
            _enum("legal_status", "Legal status", LegalStatus),
            _fk("lead_agency_id", "Lead agency", "organisation"),
            _enum("status", "Status", CommitmentStatus),
            _fk("function_id", "Function", "reference_item", kind=ReferenceKind.FUNCTION.value),
            _f("is_public", "Public", "bool"),
            _f("source_url", "Source"),
            _NOTES,
        ),
        {"commitment_type": CommitmentType.MOU, "is_public": True},
        title_key="title",
    ),
    "reference": EditorSpec(
        ReferenceItem,
        "Reference item",
        (
            _enum("kind", "List", ReferenceKind),
            _f("code", "Code", required=True),
            _f("label", "Label", required=True),
            _memo("description", "Description"),
            _f("source", "Source"),
            _f("sort_order", "Sort order", "int"),
        ),
        {"kind": ReferenceKind.TAG, "sort_order": 0},
        title_key="label",
    ),
}


def open_editor(parent: QWidget | None, db: Database, entity: str, row_id: int | None) -> RecordEditorDialog:
    """The editor for one row of a register (row_id None: a new row); the caller shows it."""
    from desktop.editing.dialog import RecordEditorDialog

    try:
        spec = EDITORS[entity]
    except KeyError:
        raise KeyError(f"No editor for {entity!r}; editors exist for: {', '.join(EDITORS)}.") from None
    return RecordEditorDialog(db, spec, row_id=row_id, parent=parent)
