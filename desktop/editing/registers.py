"""The editor of every register as data: which model, which fields a desk officer edits, and new-record defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from PySide6.QtCore import QT_TRANSLATE_NOOP

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
    AgreementType,
    ChecklistPhase,
    ChecklistTemplate,
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

_NOTES = _memo("notes", QT_TRANSLATE_NOOP("FieldSpec", "Notes"))
# What a decision or action concerns; those records' editors list the outcomes that point at them.
_OUTCOME_LINKS = (
    _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum"),
    _fk("commitment_id", QT_TRANSLATE_NOOP("FieldSpec", "Commitment"), "commitment"),
    _fk("forum_event_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum event"), "forum_event"),
    _fk("budget_line_id", QT_TRANSLATE_NOOP("FieldSpec", "Budget line"), "budget_line"),
)

EDITORS: dict[str, EditorSpec] = {
    "organisations": EditorSpec(
        Organisation,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Organisation"),
        (
            _f("name", QT_TRANSLATE_NOOP("FieldSpec", "Name"), required=True),
            _f("short_name", QT_TRANSLATE_NOOP("FieldSpec", "Short name")),
            _f(
                "code",
                QT_TRANSLATE_NOOP("FieldSpec", "Code"),
                help=QT_TRANSLATE_NOOP(
                    "FieldSpec", "The short code of an agency (MFA, NCSC), used in packs and on the command line."
                ),
            ),
            _enum("org_type", QT_TRANSLATE_NOOP("FieldSpec", "Type"), OrgType),
            _f("agency_type", QT_TRANSLATE_NOOP("FieldSpec", "Agency type")),
            _fk("parent_id", QT_TRANSLATE_NOOP("FieldSpec", "Part of"), "organisation"),
            _f("is_core_member", QT_TRANSLATE_NOOP("FieldSpec", "Core member"), "bool"),
            _f("country", QT_TRANSLATE_NOOP("FieldSpec", "Country")),
            _NOTES,
        ),
        {"org_type": OrgType.AGENCY},
        title_key="name",
    ),
    "people": EditorSpec(
        Person,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Person"),
        (
            _f("full_name", QT_TRANSLATE_NOOP("FieldSpec", "Name"), required=True),
            _fk("organisation_id", QT_TRANSLATE_NOOP("FieldSpec", "Organisation"), "organisation", required=True),
            _f("role_title", QT_TRANSLATE_NOOP("FieldSpec", "Role")),
            _f("email", QT_TRANSLATE_NOOP("FieldSpec", "Email")),
            _f("phone", QT_TRANSLATE_NOOP("FieldSpec", "Phone")),
            _f("is_office_staff", QT_TRANSLATE_NOOP("FieldSpec", "Office staff"), "bool"),
            _f("is_liaison", QT_TRANSLATE_NOOP("FieldSpec", "Liaison officer"), "bool"),
            _NOTES,
        ),
        title_key="full_name",
    ),
    "forums": EditorSpec(
        Forum,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Forum"),
        (
            _f("full_name", QT_TRANSLATE_NOOP("FieldSpec", "Name"), required=True),
            _f("acronym", QT_TRANSLATE_NOOP("FieldSpec", "Acronym")),
            _enum("forum_type", QT_TRANSLATE_NOOP("FieldSpec", "Type"), ForumType),
            _enum("forum_subtype", QT_TRANSLATE_NOOP("FieldSpec", "Subtype"), ForumSubtype, required=False),
            _enum("priority", QT_TRANSLATE_NOOP("FieldSpec", "Priority"), Priority),
            _enum("participation_mode", QT_TRANSLATE_NOOP("FieldSpec", "Participation"), ParticipationMode),
            _fk("lead_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Lead agency"), "organisation"),
            _f("host_org", QT_TRANSLATE_NOOP("FieldSpec", "Host")),
            _f("secretariat_city", QT_TRANSLATE_NOOP("FieldSpec", "Secretariat")),
            _f("membership", QT_TRANSLATE_NOOP("FieldSpec", "Membership")),
            _f("cadence", QT_TRANSLATE_NOOP("FieldSpec", "Cadence")),
            _f("usual_months", QT_TRANSLATE_NOOP("FieldSpec", "Usual months")),
            _f("usual_locations", QT_TRANSLATE_NOOP("FieldSpec", "Usual locations")),
            _f("mandate_end", QT_TRANSLATE_NOOP("FieldSpec", "Mandate ends"), "optional_date"),
            _fk("successor_forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Succeeded by"), "forum"),
            _f("url", QT_TRANSLATE_NOOP("FieldSpec", "Website")),
            _NOTES,
        ),
        {"forum_type": ForumType.MULTILATERAL},
        title_key="full_name",
    ),
    "meetings": EditorSpec(
        Meeting,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Meeting"),
        (
            _fk("group_id", QT_TRANSLATE_NOOP("FieldSpec", "Group"), "engagement_group", required=True),
            _f("number", QT_TRANSLATE_NOOP("FieldSpec", "Number"), "int", required=True),
            _f("meeting_date", QT_TRANSLATE_NOOP("FieldSpec", "Date"), "date", required=True),
            _f(
                "start_time",
                QT_TRANSLATE_NOOP("FieldSpec", "Starts at"),
                "time",
                help=QT_TRANSLATE_NOOP("FieldSpec", "The agenda's running times count from here."),
            ),
            _f(
                "end_time",
                QT_TRANSLATE_NOOP("FieldSpec", "Ends at"),
                "time",
                help=QT_TRANSLATE_NOOP("FieldSpec", "Agenda items running past it are flagged over time."),
            ),
            _f("venue", QT_TRANSLATE_NOOP("FieldSpec", "Venue")),
            _enum("status", QT_TRANSLATE_NOOP("FieldSpec", "Status"), MeetingStatus),
            # The minutes' status moves only through the meeting workspace (circulate, confirm, reopen with a reason).
            _enum("pack_status", QT_TRANSLATE_NOOP("FieldSpec", "Pack"), PackStatus),
            _NOTES,
        ),
        _meeting_defaults,
        title_key="number",
    ),
    "actions": EditorSpec(
        Action,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Action"),
        (
            _f("ref", QT_TRANSLATE_NOOP("FieldSpec", "Ref"), required=True),
            _memo("description", QT_TRANSLATE_NOOP("FieldSpec", "Action")),
            _fk("group_id", QT_TRANSLATE_NOOP("FieldSpec", "Group"), "engagement_group", required=True),
            _fk("raised_at_meeting_id", QT_TRANSLATE_NOOP("FieldSpec", "Raised at meeting"), "meeting", required=True),
            _fk("owner_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner agency"), "organisation", required=True),
            _fk("owner_person_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner"), "person"),
            _f("raised_on", QT_TRANSLATE_NOOP("FieldSpec", "Raised on"), "date", required=True),
            _f("due_date", QT_TRANSLATE_NOOP("FieldSpec", "Due"), "date", required=True),
            _enum("status", QT_TRANSLATE_NOOP("FieldSpec", "Status"), ActionStatus),
            _f("blocked", QT_TRANSLATE_NOOP("FieldSpec", "Blocked"), "bool"),
            _memo("progress_update", QT_TRANSLATE_NOOP("FieldSpec", "Latest update")),
            _f("closed_on", QT_TRANSLATE_NOOP("FieldSpec", "Closed on"), "optional_date"),
            _enum("rag_override", QT_TRANSLATE_NOOP("FieldSpec", "RAG override"), RagOverride, required=False),
            _f("rag_override_reason", QT_TRANSLATE_NOOP("FieldSpec", "Reason for override")),
            *_OUTCOME_LINKS,
        ),
        _action_defaults,
        title_key="ref",
    ),
    "agenda_items": EditorSpec(
        AgendaItem,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Agenda item"),
        (
            _f("title", QT_TRANSLATE_NOOP("FieldSpec", "Item"), required=True),
            _enum("purpose", QT_TRANSLATE_NOOP("FieldSpec", "Purpose"), AgendaPurpose),
            _fk("lead_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Lead agency"), "organisation"),
            _fk("presenter_person_id", QT_TRANSLATE_NOOP("FieldSpec", "Presenter"), "person"),
            _f("paper_ref", QT_TRANSLATE_NOOP("FieldSpec", "Paper ref")),
            _f("minutes_allotted", QT_TRANSLATE_NOOP("FieldSpec", "Minutes allotted"), "int", required=True),
            _f(
                "is_standing",
                QT_TRANSLATE_NOOP("FieldSpec", "Standing item"),
                "bool",
                help=QT_TRANSLATE_NOOP("FieldSpec", "Standing items are copied to the next meeting."),
            ),
            _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum"),
            _fk("forum_event_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum event"), "forum_event"),
            _memo("outcome", QT_TRANSLATE_NOOP("FieldSpec", "Outcome")),
        ),
        {"purpose": AgendaPurpose.DISCUSSION, "minutes_allotted": 10},
        title_key="title",
    ),
    "papers": EditorSpec(
        Paper,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Paper"),
        (
            _f("ref", QT_TRANSLATE_NOOP("FieldSpec", "Paper ref"), required=True),
            _f("title", QT_TRANSLATE_NOOP("FieldSpec", "Title"), required=True),
            _fk("meeting_id", QT_TRANSLATE_NOOP("FieldSpec", "Meeting"), "meeting", required=True),
            _fk("owning_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Paper by"), "organisation"),
            _enum("purpose", QT_TRANSLATE_NOOP("FieldSpec", "Purpose"), AgendaPurpose),
            _f(
                "location",
                QT_TRANSLATE_NOOP("FieldSpec", "Where it is kept"),
                help=QT_TRANSLATE_NOOP("FieldSpec", "The records system or folder holding it: the app keeps no copy."),
            ),
        ),
        {"purpose": AgendaPurpose.NOTING},
        title_key="ref",
    ),
    "decisions": EditorSpec(
        Decision,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Decision"),
        (
            _f("ref", QT_TRANSLATE_NOOP("FieldSpec", "Ref"), required=True),
            _memo("text", QT_TRANSLATE_NOOP("FieldSpec", "Decision")),
            _fk("meeting_id", QT_TRANSLATE_NOOP("FieldSpec", "Meeting"), "meeting", required=True),
            _f("concurring", QT_TRANSLATE_NOOP("FieldSpec", "Concurring")),
            _f("dissenting", QT_TRANSLATE_NOOP("FieldSpec", "Dissenting")),
            *_OUTCOME_LINKS,
        ),
        title_key="ref",
    ),
    "events": EditorSpec(
        ForumEvent,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Forum event"),
        (
            _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum", required=True),
            _f("title", QT_TRANSLATE_NOOP("FieldSpec", "Event"), required=True),
            _f("start_date", QT_TRANSLATE_NOOP("FieldSpec", "Starts"), "date", required=True),
            _f("end_date", QT_TRANSLATE_NOOP("FieldSpec", "Ends"), "date", required=True),
            _enum("date_precision", QT_TRANSLATE_NOOP("FieldSpec", "Date known to"), DatePrecision),
            _f("location", QT_TRANSLATE_NOOP("FieldSpec", "Location")),
            _enum("event_format", QT_TRANSLATE_NOOP("FieldSpec", "Format"), EventFormat),
            _enum("level", QT_TRANSLATE_NOOP("FieldSpec", "Level"), EventLevel),
            _fk("lead_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Lead agency"), "organisation"),
            _enum("status", QT_TRANSLATE_NOOP("FieldSpec", "Status"), EventStatus),
            _f("briefing_due", QT_TRANSLATE_NOOP("FieldSpec", "Briefing due"), "optional_date"),
            _f("estimated_travel_cost", QT_TRANSLATE_NOOP("FieldSpec", "Estimated travel cost"), "money"),
            _f("actual_travel_cost", QT_TRANSLATE_NOOP("FieldSpec", "Actual travel cost"), "money"),
            _memo("objectives", QT_TRANSLATE_NOOP("FieldSpec", "Objectives")),
            _NOTES,
        ),
        _event_defaults,
        title_key="title",
    ),
    "budget": EditorSpec(
        BudgetLine,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Budget line"),
        (
            _f(
                "fiscal_year",
                QT_TRANSLATE_NOOP("FieldSpec", "Fiscal year"),
                "int",
                required=True,
                help=QT_TRANSLATE_NOOP("FieldSpec", "The year the fiscal year ends: 2025 for 2024–25."),
            ),
            _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum"),
            _fk("category_id", QT_TRANSLATE_NOOP("FieldSpec", "Category"), "cost_category", required=True),
            _f("cost_centre", QT_TRANSLATE_NOOP("FieldSpec", "Cost centre")),
            _memo("description", QT_TRANSLATE_NOOP("FieldSpec", "Description")),
            _enum("funding_type", QT_TRANSLATE_NOOP("FieldSpec", "Funding"), FundingType),
            _f("oda_eligible", QT_TRANSLATE_NOOP("FieldSpec", "ODA eligible"), "bool"),
            _fk("owner_person_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner"), "person"),
            _fk("owner_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Owner agency"), "organisation"),
            _NOTES,
        ),
        _budget_defaults,
        title_key="description",
    ),
    "allocations": EditorSpec(
        StaffAllocation,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Staff allocation"),
        (
            _fk("person_id", QT_TRANSLATE_NOOP("FieldSpec", "Person"), "person", required=True),
            _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum"),
            _f("start_date", QT_TRANSLATE_NOOP("FieldSpec", "From"), "date", required=True),
            _f("end_date", QT_TRANSLATE_NOOP("FieldSpec", "To"), "date", required=True),
            _f("fte_hundredths", QT_TRANSLATE_NOOP("FieldSpec", "FTE"), "fte", required=True),
            _NOTES,
        ),
        _allocation_defaults,
    ),
    "secondments": EditorSpec(
        Secondment,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Secondment"),
        (
            _fk("person_id", QT_TRANSLATE_NOOP("FieldSpec", "Person"), "person", required=True),
            _enum("direction", QT_TRANSLATE_NOOP("FieldSpec", "Direction"), Direction),
            _enum("secondment_type", QT_TRANSLATE_NOOP("FieldSpec", "Type"), SecondmentType),
            _fk(
                "home_organisation_id",
                QT_TRANSLATE_NOOP("FieldSpec", "Home organisation"),
                "organisation",
                required=True,
            ),
            _fk("host_organisation_id", QT_TRANSLATE_NOOP("FieldSpec", "Host organisation"), "organisation"),
            _f("host_unit", QT_TRANSLATE_NOOP("FieldSpec", "Host unit")),
            _f("role_title", QT_TRANSLATE_NOOP("FieldSpec", "Role")),
            _f(
                "expertise",
                QT_TRANSLATE_NOOP("FieldSpec", "Expertise"),
                help=QT_TRANSLATE_NOOP("FieldSpec", "Technical, legal, policy, economic and trade, law enforcement…"),
            ),
            _f("start_date", QT_TRANSLATE_NOOP("FieldSpec", "Starts"), "date", required=True),
            _f("planned_end_date", QT_TRANSLATE_NOOP("FieldSpec", "Ends (planned)"), "date", required=True),
            _f("actual_end_date", QT_TRANSLATE_NOOP("FieldSpec", "Ended"), "optional_date"),
            _f("fte_hundredths", QT_TRANSLATE_NOOP("FieldSpec", "FTE"), "fte", required=True),
            _enum("cost_sharing", QT_TRANSLATE_NOOP("FieldSpec", "Cost sharing"), CostSharing),
            _f("host_cost_pct", QT_TRANSLATE_NOOP("FieldSpec", "Host pays %"), "int"),
            _f("annual_cost_to_host", QT_TRANSLATE_NOOP("FieldSpec", "Annual cost to host"), "money"),
            _fk("budget_line_id", QT_TRANSLATE_NOOP("FieldSpec", "Budget line"), "budget_line"),
            _enum("agreement_type", QT_TRANSLATE_NOOP("FieldSpec", "Agreement"), AgreementType, required=False),
            _f("agreement_ref", QT_TRANSLATE_NOOP("FieldSpec", "Agreement ref")),
            _enum("clearance_required", QT_TRANSLATE_NOOP("FieldSpec", "Clearance required"), ClearanceLevel),
            _enum("clearance_status", QT_TRANSLATE_NOOP("FieldSpec", "Clearance status"), ClearanceStatus),
            _f("clearance_expiry", QT_TRANSLATE_NOOP("FieldSpec", "Clearance expires"), "optional_date"),
            _f(
                "coi_declaration_date", QT_TRANSLATE_NOOP("FieldSpec", "Conflict of interest declared"), "optional_date"
            ),
            _enum("coi_status", QT_TRANSLATE_NOOP("FieldSpec", "Conflict of interest"), CoiStatus, required=False),
            _memo("coi_mitigations", QT_TRANSLATE_NOOP("FieldSpec", "Mitigations")),
            _f("confidentiality_signed", QT_TRANSLATE_NOOP("FieldSpec", "Confidentiality undertaking signed"), "bool"),
            _fk("line_manager_id", QT_TRANSLATE_NOOP("FieldSpec", "Line manager"), "person"),
            _f("next_review_date", QT_TRANSLATE_NOOP("FieldSpec", "Next review"), "optional_date"),
            _enum("status", QT_TRANSLATE_NOOP("FieldSpec", "Status"), SecondmentStatus),
            _NOTES,
        ),
        _secondment_defaults,
        title_key="role_title",
    ),
    "commitments": EditorSpec(
        Commitment,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Commitment"),
        (
            _f("title", QT_TRANSLATE_NOOP("FieldSpec", "Commitment"), required=True),
            _enum("commitment_type", QT_TRANSLATE_NOOP("FieldSpec", "Type"), CommitmentType),
            _fk("forum_id", QT_TRANSLATE_NOOP("FieldSpec", "Forum"), "forum"),
            _f("instrument_ref", QT_TRANSLATE_NOOP("FieldSpec", "Instrument")),
            _f("signed_date", QT_TRANSLATE_NOOP("FieldSpec", "Signed"), "optional_date"),
            _f("effective_date", QT_TRANSLATE_NOOP("FieldSpec", "Effective"), "optional_date"),
            _f("expiry_date", QT_TRANSLATE_NOOP("FieldSpec", "Expires"), "optional_date"),
            _f("next_review_date", QT_TRANSLATE_NOOP("FieldSpec", "Next review"), "optional_date"),
            _enum("legal_status", QT_TRANSLATE_NOOP("FieldSpec", "Legal status"), LegalStatus),
            _fk("lead_agency_id", QT_TRANSLATE_NOOP("FieldSpec", "Lead agency"), "organisation"),
            _enum("status", QT_TRANSLATE_NOOP("FieldSpec", "Status"), CommitmentStatus),
            _fk(
                "function_id",
                QT_TRANSLATE_NOOP("FieldSpec", "Function"),
                "reference_item",
                kind=ReferenceKind.FUNCTION.value,
            ),
            _f("is_public", QT_TRANSLATE_NOOP("FieldSpec", "Public"), "bool"),
            _f("source_url", QT_TRANSLATE_NOOP("FieldSpec", "Source")),
            _NOTES,
        ),
        {"commitment_type": CommitmentType.MOU, "is_public": True},
        title_key="title",
    ),
    "reference": EditorSpec(
        ReferenceItem,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Reference item"),
        (
            _enum("kind", QT_TRANSLATE_NOOP("FieldSpec", "List"), ReferenceKind),
            _f("code", QT_TRANSLATE_NOOP("FieldSpec", "Code"), required=True),
            _f("label", QT_TRANSLATE_NOOP("FieldSpec", "Label"), required=True),
            _memo("description", QT_TRANSLATE_NOOP("FieldSpec", "Description")),
            _f("source", QT_TRANSLATE_NOOP("FieldSpec", "Source")),
            _f("sort_order", QT_TRANSLATE_NOOP("FieldSpec", "Sort order"), "int"),
        ),
        {"kind": ReferenceKind.TAG, "sort_order": 0},
        title_key="label",
    ),
    "checklist_templates": EditorSpec(
        ChecklistTemplate,
        QT_TRANSLATE_NOOP("RecordEditorDialog", "Checklist item"),
        (
            _enum("phase", QT_TRANSLATE_NOOP("FieldSpec", "Stage"), ChecklistPhase),
            _enum("direction", QT_TRANSLATE_NOOP("FieldSpec", "Direction (blank: all)"), Direction, required=False),
            _enum(
                "secondment_type", QT_TRANSLATE_NOOP("FieldSpec", "Type (blank: all)"), SecondmentType, required=False
            ),
            _f("title", QT_TRANSLATE_NOOP("FieldSpec", "Item"), required=True),
            _f(
                "days_from_anchor",
                QT_TRANSLATE_NOOP("FieldSpec", "Due (days from start or end)"),
                "int",
                help=QT_TRANSLATE_NOOP(
                    "FieldSpec",
                    "Days after the start (on-boarding) or the planned end (off-boarding); negative: before",
                ),
            ),
            _f("source", QT_TRANSLATE_NOOP("FieldSpec", "Source")),
            _f("sort_order", QT_TRANSLATE_NOOP("FieldSpec", "Sort order"), "int"),
        ),
        {"phase": ChecklistPhase.ONBOARDING, "days_from_anchor": 0, "sort_order": 0},
        title_key="title",
    ),
}


# Registers whose editor adds tabs and actions of its own (imported when first opened): entity -> "module:class".
EDITOR_CLASSES = {
    "secondments": "desktop.secondments.editor:SecondmentEditorDialog",
    "commitments": "desktop.commitments.editor:CommitmentEditorDialog",
    "events": "desktop.calendar.editor:EventEditorDialog",
    "budget": "desktop.resources.editors:BudgetLineEditorDialog",
    "allocations": "desktop.resources.editors:StaffAllocationEditorDialog",
}


def open_editor(parent: QWidget | None, db: Database, entity: str, row_id: int | None) -> RecordEditorDialog:
    """The editor for one row of a register (row_id None: a new row); the caller shows it."""
    import importlib

    from desktop.editing.dialog import RecordEditorDialog

    try:
        spec = EDITORS[entity]
    except KeyError:
        raise KeyError(f"No editor for {entity!r}; editors exist for: {', '.join(EDITORS)}.") from None
    dialog_class: type[RecordEditorDialog] = RecordEditorDialog
    if entity in EDITOR_CLASSES:
        module, name = EDITOR_CLASSES[entity].split(":")
        dialog_class = getattr(importlib.import_module(module), name)
    return dialog_class(db, spec, row_id=row_id, parent=parent)
