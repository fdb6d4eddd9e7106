"""Commitments the state has made (MOUs, joint statements, norm pledges, treaty actions) and their milestones."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import Archivable, Base, LabelledEnum, Timestamped, Versioned, enum_type, fk
from core.domain.tags import link_table, tag_table


class CommitmentType(LabelledEnum):
    MOU = "MOU"
    JOINT_STATEMENT = "JOINT_STATEMENT"
    NORM_PLEDGE = "NORM_PLEDGE"
    CBM_IMPLEMENTATION = "CBM_IMPLEMENTATION"
    CAPACITY_BUILDING_PLEDGE = "CAPACITY_BUILDING_PLEDGE"
    TREATY_ACTION = "TREATY_ACTION"
    GUIDANCE_ENDORSEMENT = "GUIDANCE_ENDORSEMENT"
    MEMBERSHIP = "MEMBERSHIP"
    DELIVERABLE = "DELIVERABLE"
    DIPLOMATIC_RESPONSE = "DIPLOMATIC_RESPONSE"


class LegalStatus(LabelledEnum):
    POLITICAL = "POLITICAL"
    NON_BINDING_MOU = "NON_BINDING_MOU"
    TREATY = "TREATY"


class CommitmentStatus(LabelledEnum):
    PROPOSED = "PROPOSED"
    UNDER_NEGOTIATION = "UNDER_NEGOTIATION"
    SIGNED = "SIGNED"
    IN_IMPLEMENTATION = "IN_IMPLEMENTATION"
    COMPLETED = "COMPLETED"
    LAPSED = "LAPSED"
    WITHDRAWN = "WITHDRAWN"

    @property
    def label(self) -> str:
        return "Signed / endorsed" if self is CommitmentStatus.SIGNED else super().label


class Commitment(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "commitment"
    __table_args__ = (
        sa.CheckConstraint(
            "effective_date IS NULL OR signed_date IS NULL OR effective_date >= signed_date",
            name="effective_order",
        ),
        sa.CheckConstraint(
            "expiry_date IS NULL OR effective_date IS NULL OR expiry_date >= effective_date",
            name="expiry_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    title_key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    commitment_type: Mapped[CommitmentType] = mapped_column(enum_type(CommitmentType), index=True)
    forum_id: Mapped[int | None] = fk("forum.id")
    instrument_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    signed_date: Mapped[date | None] = mapped_column()
    effective_date: Mapped[date | None] = mapped_column()
    expiry_date: Mapped[date | None] = mapped_column()
    next_review_date: Mapped[date | None] = mapped_column()
    legal_status: Mapped[LegalStatus] = mapped_column(enum_type(LegalStatus), default=LegalStatus.POLITICAL)
    lead_agency_id: Mapped[int | None] = fk("organisation.id")
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_type(CommitmentStatus), default=CommitmentStatus.PROPOSED, index=True
    )
    function_id: Mapped[int | None] = fk("reference_item.id")
    is_public: Mapped[bool] = mapped_column(default=True)
    source_url: Mapped[str] = mapped_column(sa.String(400), default="")
    rag_override: Mapped[str | None] = mapped_column(sa.String(10))
    rag_override_reason: Mapped[str] = mapped_column(sa.String(400), default="")
    marking_id: Mapped[int | None] = fk("marking.id")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


commitment_tag = tag_table("commitment")
commitment_counterparty = link_table("commitment_counterparty", "commitment", "organisation")
commitment_supporting_agency = sa.Table(
    "commitment_supporting_agency",
    Base.metadata,
    sa.Column("commitment_id", sa.ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
commitment_budget_line = link_table("commitment_budget_line", "commitment", "budget_line")


class Milestone(Versioned, Base):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = fk("commitment.id", nullable=False, ondelete="CASCADE")
    title: Mapped[str] = mapped_column(sa.String(300))
    due_date: Mapped[date] = mapped_column(index=True)
    done_date: Mapped[date | None] = mapped_column()
    owner_agency_id: Mapped[int | None] = fk("organisation.id")
    owner_person_id: Mapped[int | None] = fk("person.id")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")
