"""Forums of cyber diplomacy and their events (the forward calendar), with delegations."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import Archivable, Base, LabelledEnum, Money, Timestamped, Versioned, enum_type, fk
from core.domain.tags import tag_table


class ForumType(LabelledEnum):
    BILATERAL = "BILATERAL"
    REGIONAL = "REGIONAL"
    MULTILATERAL = "MULTILATERAL"
    MULTISTAKEHOLDER = "MULTISTAKEHOLDER"
    TECHNICAL = "TECHNICAL"
    INDUSTRY = "INDUSTRY"

    @property
    def label(self) -> str:
        return FORUM_TYPE_LABELS[self]


FORUM_TYPE_LABELS = {
    ForumType.BILATERAL: "Bilateral dialogue",
    ForumType.REGIONAL: "Regional forum",
    ForumType.MULTILATERAL: "Multilateral forum",
    ForumType.MULTISTAKEHOLDER: "Multistakeholder effort",
    ForumType.TECHNICAL: "Technical network",
    ForumType.INDUSTRY: "Industry network",
}


class ForumSubtype(LabelledEnum):
    UN_BODY = "UN_BODY"
    TREATY_BODY = "TREATY_BODY"
    PLURILATERAL_COALITION = "PLURILATERAL_COALITION"
    CONFERENCE = "CONFERENCE"
    STANDARDS_BODY = "STANDARDS_BODY"
    CENTRE_OF_EXCELLENCE = "CENTRE_OF_EXCELLENCE"
    DIALOGUE_SERIES = "DIALOGUE_SERIES"


class Priority(LabelledEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class ParticipationMode(LabelledEnum):
    MEMBER = "MEMBER"
    OBSERVER = "OBSERVER"
    SUPPORTER = "SUPPORTER"
    PARTICIPANT = "PARTICIPANT"


class Forum(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "forum"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    name_key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    acronym: Mapped[str] = mapped_column(sa.String(60), default="")
    forum_type: Mapped[ForumType] = mapped_column(enum_type(ForumType), index=True)
    forum_subtype: Mapped[ForumSubtype | None] = mapped_column(enum_type(ForumSubtype))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.MEDIUM)
    lead_agency_id: Mapped[int | None] = fk("organisation.id")
    participation_mode: Mapped[ParticipationMode] = mapped_column(
        enum_type(ParticipationMode), default=ParticipationMode.MEMBER
    )
    host_org: Mapped[str] = mapped_column(sa.String(300), default="")
    secretariat_city: Mapped[str] = mapped_column(sa.String(100), default="")
    membership: Mapped[str] = mapped_column(sa.String(100), default="")
    established: Mapped[str] = mapped_column(sa.String(60), default="")
    mandate_end: Mapped[date | None] = mapped_column()
    successor_forum_id: Mapped[int | None] = fk("forum.id")
    cadence: Mapped[str] = mapped_column(sa.String(400), default="")
    usual_months: Mapped[str] = mapped_column(sa.String(60), default="")
    usual_locations: Mapped[str] = mapped_column(sa.String(300), default="")
    accreditation_notes: Mapped[str] = mapped_column(sa.String(4000), default="")
    url: Mapped[str] = mapped_column(sa.String(400), default="")
    certainty: Mapped[str] = mapped_column(sa.String(20), default="")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


forum_tag = tag_table("forum")


class DatePrecision(LabelledEnum):
    DAY = "DAY"
    MONTH = "MONTH"


class EventStatus(LabelledEnum):
    TENTATIVE = "TENTATIVE"
    CONFIRMED = "CONFIRMED"
    ATTENDED = "ATTENDED"
    CANCELLED = "CANCELLED"


class EventFormat(LabelledEnum):
    IN_PERSON = "IN_PERSON"
    VIRTUAL = "VIRTUAL"
    HYBRID = "HYBRID"


class EventLevel(LabelledEnum):
    MINISTERIAL = "MINISTERIAL"
    SENIOR_OFFICIALS = "SENIOR_OFFICIALS"
    EXPERT = "EXPERT"


class ForumEvent(Versioned, Archivable, Timestamped, Base):
    """An international meeting of a forum; month-precision events keep the 1st of the month as start."""

    __tablename__ = "forum_event"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = fk("forum.id", nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300))
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date] = mapped_column()
    date_precision: Mapped[DatePrecision] = mapped_column(enum_type(DatePrecision), default=DatePrecision.DAY)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    event_format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat), default=EventFormat.IN_PERSON)
    level: Mapped[EventLevel] = mapped_column(enum_type(EventLevel), default=EventLevel.EXPERT)
    lead_agency_id: Mapped[int | None] = fk("organisation.id")
    objectives: Mapped[str] = mapped_column(sa.String(4000), default="")
    briefing_due: Mapped[date | None] = mapped_column()
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.TENTATIVE)
    estimated_travel_cost: Mapped[Decimal | None] = mapped_column(Money())
    actual_travel_cost: Mapped[Decimal | None] = mapped_column(Money())
    marking_id: Mapped[int | None] = fk("marking.id")
    external_ref: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


class DelegationMember(Versioned, Base):
    __tablename__ = "delegation_member"
    __table_args__ = (sa.UniqueConstraint("forum_event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_event_id: Mapped[int] = fk("forum_event.id", nullable=False, ondelete="CASCADE")
    person_id: Mapped[int] = fk("person.id", nullable=False)
    role: Mapped[str] = mapped_column(sa.String(100), default="")
    is_head: Mapped[bool] = mapped_column(default=False)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Money())
    actual_cost: Mapped[Decimal | None] = mapped_column(Money())
