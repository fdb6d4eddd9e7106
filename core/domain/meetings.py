"""The interagency engagement group: membership, meetings, agenda, papers, attendance, decisions and actions."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import (
    POSTGRESQL_WHERE,
    Archivable,
    Base,
    LabelledEnum,
    Timestamped,
    UTCDateTime,
    Versioned,
    enum_type,
    fk,
)
from core.domain.tags import tag_table


class EngagementGroup(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "engagement_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(60), default="")
    chair_person_id: Mapped[int | None] = fk("person.id")
    chair_agency_id: Mapped[int | None] = fk("organisation.id")
    secretariat_agency_id: Mapped[int | None] = fk("organisation.id")
    secretariat_person_id: Mapped[int | None] = fk("person.id")
    cadence_months: Mapped[int] = mapped_column(default=3)
    # Working days before a meeting by which its pack must circulate.
    pack_lead_days: Mapped[int] = mapped_column(default=5)
    default_venue: Mapped[str] = mapped_column(sa.String(200), default="")
    quorum: Mapped[int | None] = mapped_column()
    terms_of_reference: Mapped[str] = mapped_column(sa.String(4000), default="")


class MembershipRole(LabelledEnum):
    MEMBER = "MEMBER"
    OBSERVER = "OBSERVER"


class GroupMembership(Versioned, Base):
    """An agency's membership of a group over dates; an open end date means still a member."""

    __tablename__ = "group_membership"
    __table_args__ = (sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = fk("engagement_group.id", nullable=False, ondelete="CASCADE")
    organisation_id: Mapped[int] = fk("organisation.id", nullable=False)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole), default=MembershipRole.MEMBER)
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    liaison_person_id: Mapped[int | None] = fk("person.id")


class MeetingStatus(LabelledEnum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


class MinutesStatus(LabelledEnum):
    DRAFT = "DRAFT"
    CIRCULATED = "CIRCULATED"
    CONFIRMED = "CONFIRMED"


class PackStatus(LabelledEnum):
    DRAFT = "DRAFT"
    FINAL = "FINAL"


class Meeting(Versioned, Archivable, Timestamped, Base):
    """One meeting of a group; a group never has two meetings in one fiscal quarter."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "number"),
        sa.UniqueConstraint("group_id", "fiscal_year", "fiscal_quarter"),
        sa.CheckConstraint("fiscal_quarter BETWEEN 1 AND 4", name="quarter"),
        # A group's meetings between two dates, as "open for N meetings" counts them for every action.
        sa.Index("ix_meeting_group_date", "group_id", "meeting_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = fk("engagement_group.id", nullable=False)
    number: Mapped[int] = mapped_column()
    meeting_date: Mapped[date] = mapped_column(index=True)
    start_time: Mapped[time | None] = mapped_column()
    end_time: Mapped[time | None] = mapped_column()
    fiscal_year: Mapped[int] = mapped_column()
    fiscal_quarter: Mapped[int] = mapped_column()
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_type(MeetingStatus), default=MeetingStatus.SCHEDULED)
    minutes_status: Mapped[MinutesStatus] = mapped_column(enum_type(MinutesStatus), default=MinutesStatus.DRAFT)
    minutes: Mapped[str] = mapped_column(sa.Text(), default="")
    minutes_confirmed_at_meeting_id: Mapped[int | None] = fk("meeting.id")
    pack_status: Mapped[PackStatus] = mapped_column(enum_type(PackStatus), default=PackStatus.DRAFT)
    pack_version: Mapped[int] = mapped_column(default=1)
    marking_id: Mapped[int | None] = fk("marking.id")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


class AgendaPurpose(LabelledEnum):
    DECISION = "DECISION"
    DISCUSSION = "DISCUSSION"
    NOTING = "NOTING"
    INFORMATION = "INFORMATION"

    @property
    def label(self) -> str:
        return {"DECISION": "For decision", "DISCUSSION": "For discussion", "NOTING": "For noting"}.get(
            self.value, "For information"
        )


class AgendaItem(Versioned, Base):
    __tablename__ = "agenda_item"
    __table_args__ = (sa.CheckConstraint("minutes_allotted >= 0", name="minutes_allotted"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = fk("meeting.id", nullable=False, ondelete="CASCADE")
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(300))
    purpose: Mapped[AgendaPurpose] = mapped_column(enum_type(AgendaPurpose), default=AgendaPurpose.DISCUSSION)
    lead_agency_id: Mapped[int | None] = fk("organisation.id")
    presenter_person_id: Mapped[int | None] = fk("person.id")
    paper_ref: Mapped[str] = mapped_column(sa.String(60), default="")
    minutes_allotted: Mapped[int] = mapped_column(default=10)
    is_standing: Mapped[bool] = mapped_column(default=False)
    forum_id: Mapped[int | None] = fk("forum.id")
    forum_event_id: Mapped[int | None] = fk("forum_event.id")
    outcome: Mapped[str] = mapped_column(sa.String(4000), default="")
    marking_id: Mapped[int | None] = fk("marking.id")


class Paper(Versioned, Base):
    __tablename__ = "paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = fk("meeting.id", nullable=False, ondelete="CASCADE")
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id")
    ref: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(300))
    owning_agency_id: Mapped[int | None] = fk("organisation.id")
    purpose: Mapped[AgendaPurpose] = mapped_column(enum_type(AgendaPurpose), default=AgendaPurpose.NOTING)
    location: Mapped[str] = mapped_column(sa.String(400), default="")
    marking_id: Mapped[int | None] = fk("marking.id")


class AttendanceStatus(LabelledEnum):
    PRESENT = "PRESENT"
    APOLOGY = "APOLOGY"
    ALTERNATE = "ALTERNATE"
    IN_ATTENDANCE = "IN_ATTENDANCE"


class Attendance(Versioned, Base):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = fk("meeting.id", nullable=False, ondelete="CASCADE")
    organisation_id: Mapped[int] = fk("organisation.id", nullable=False)
    person_id: Mapped[int] = fk("person.id", nullable=False)
    role: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus))
    # An alternate attends "for" the member they replace.
    alternate_for_person_id: Mapped[int | None] = fk("person.id")
    # "In attendance" guests come for one item.
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id")


class Decision(Versioned, Timestamped, Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = fk("meeting.id", nullable=False)
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id")
    paper_id: Mapped[int | None] = fk("paper.id")
    ref: Mapped[str] = mapped_column(sa.String(60))
    text: Mapped[str] = mapped_column(sa.String(4000))
    concurring: Mapped[str] = mapped_column(sa.String(400), default="")
    dissenting: Mapped[str] = mapped_column(sa.String(400), default="")
    forum_id: Mapped[int | None] = fk("forum.id")
    commitment_id: Mapped[int | None] = fk("commitment.id")
    forum_event_id: Mapped[int | None] = fk("forum_event.id")
    budget_line_id: Mapped[int | None] = fk("budget_line.id")
    marking_id: Mapped[int | None] = fk("marking.id")


class ActionStatus(LabelledEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    DEFERRED = "DEFERRED"
    CANCELLED = "CANCELLED"

    @property
    def label(self) -> str:
        return "In progress" if self is ActionStatus.IN_PROGRESS else self.value.capitalize()

    @property
    def carries_forward(self) -> bool:
        return self in CARRIED_FORWARD


CARRIED_FORWARD = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DEFERRED})


def open_action_condition() -> sa.ColumnElement[bool]:
    """Open actions (carried forward, not archived) as the partial index ix_action_open states them: unqualified
    columns and, once compiled with literal values, the text a query must repeat for SQLite to use that index."""
    codes = sorted(status.value for status in CARRIED_FORWARD)
    return sa.and_(sa.column("status").in_(codes), sa.column("archived") == sa.false())


class RagOverride(LabelledEnum):
    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"


class Action(Versioned, Archivable, Timestamped, Base):
    """One action across meetings: it stays a single record while it carries forward."""

    __tablename__ = "action"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "ref"),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= raised_on", name="closed_after_raised"),
        sa.CheckConstraint("extension_count >= 0", name="extension_count"),
        sa.CheckConstraint("rag_override IS NULL OR length(rag_override_reason) > 0", name="override_needs_reason"),
        sa.Index("ix_action_status_due", "status", "due_date"),
        sa.Index("ix_action_owner_status", "owner_agency_id", "status"),
        # The dashboard's open-action counts, ageing and overdue owners from the index alone (migration 0007). Partial,
        # so that it holds only the open actions and no list query (which binds its statuses as parameters) can
        # choose it: a wider (status, due_date) index made SQLite sort the actions list 3-7 times slower.
        sa.Index(
            "ix_action_open",
            "status",
            "due_date",
            "archived",
            "raised_on",
            "owner_agency_id",
            sqlite_where=open_action_condition(),
            info={POSTGRESQL_WHERE: open_action_condition()},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = fk("engagement_group.id", nullable=False)
    ref: Mapped[str] = mapped_column(sa.String(30))
    raised_at_meeting_id: Mapped[int] = fk("meeting.id", nullable=False)
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id")
    description: Mapped[str] = mapped_column(sa.String(4000))
    owner_agency_id: Mapped[int] = fk("organisation.id", nullable=False)
    owner_person_id: Mapped[int | None] = fk("person.id")
    raised_on: Mapped[date] = mapped_column()
    original_due_date: Mapped[date] = mapped_column()
    due_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.OPEN)
    blocked: Mapped[bool] = mapped_column(default=False)
    extension_count: Mapped[int] = mapped_column(default=0)
    progress_update: Mapped[str] = mapped_column(sa.String(4000), default="")
    closed_on: Mapped[date | None] = mapped_column()
    closed_at_meeting_id: Mapped[int | None] = fk("meeting.id")
    rag_override: Mapped[RagOverride | None] = mapped_column(enum_type(RagOverride))
    rag_override_reason: Mapped[str] = mapped_column(sa.String(400), default="")
    forum_id: Mapped[int | None] = fk("forum.id")
    commitment_id: Mapped[int | None] = fk("commitment.id")
    forum_event_id: Mapped[int | None] = fk("forum_event.id")
    budget_line_id: Mapped[int | None] = fk("budget_line.id")
    decision_id: Mapped[int | None] = fk("decision.id")
    marking_id: Mapped[int | None] = fk("marking.id")
    import_batch_id: Mapped[int | None] = fk("import_batch.id")
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


action_tag = tag_table("action")
