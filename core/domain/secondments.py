"""Secondments in and out of the office (industry loans, fellows, rotations) and their extensions."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import Archivable, Base, LabelledEnum, Money, Timestamped, Versioned, enum_type, fk
from core.domain.tags import link_table


class Direction(LabelledEnum):
    INWARD = "INWARD"
    OUTWARD = "OUTWARD"


class SecondmentType(LabelledEnum):
    INDUSTRY_LOAN = "INDUSTRY_LOAN"
    ACADEMIC_FELLOW = "ACADEMIC_FELLOW"
    INTERAGENCY_ROTATION = "INTERAGENCY_ROTATION"
    IPA_STYLE = "IPA_STYLE"
    SNE_STYLE = "SNE_STYLE"
    OUTWARD_TO_IO = "OUTWARD_TO_IO"
    OUTWARD_TO_INDUSTRY = "OUTWARD_TO_INDUSTRY"


class CostSharing(LabelledEnum):
    HOME_PAYS_ALL = "HOME_PAYS_ALL"
    HOST_REIMBURSES_FULL = "HOST_REIMBURSES_FULL"
    HOST_REIMBURSES_PCT = "HOST_REIMBURSES_PCT"
    ALLOWANCES_ONLY = "ALLOWANCES_ONLY"
    SPLIT = "SPLIT"


class AgreementType(LabelledEnum):
    MOU = "MOU"
    TRIPARTITE_CONTRACT = "TRIPARTITE_CONTRACT"
    IPA_AGREEMENT = "IPA_AGREEMENT"
    EXCHANGE_OF_LETTERS = "EXCHANGE_OF_LETTERS"


class ClearanceLevel(LabelledEnum):
    NONE = "NONE"
    BASELINE = "BASELINE"
    MID = "MID"
    HIGH = "HIGH"


class ClearanceStatus(LabelledEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    GRANTED = "GRANTED"
    TRANSFERRED = "TRANSFERRED"
    LAPSED = "LAPSED"


class CoiStatus(LabelledEnum):
    NONE_DECLARED = "NONE_DECLARED"
    DECLARED_MANAGED = "DECLARED_MANAGED"
    DECLARED_RESTRICTED_DUTIES = "DECLARED_RESTRICTED_DUTIES"


class SecondmentStatus(LabelledEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    ACTIVE = "ACTIVE"
    EXTENDED = "EXTENDED"
    COMPLETED = "COMPLETED"
    TERMINATED_EARLY = "TERMINATED_EARLY"


class Secondment(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "secondment"
    __table_args__ = (
        sa.CheckConstraint("planned_end_date >= start_date", name="date_order"),
        sa.CheckConstraint("actual_end_date IS NULL OR actual_end_date >= start_date", name="actual_end_order"),
        sa.CheckConstraint("fte_hundredths BETWEEN 10 AND 100", name="fte_range"),
        sa.CheckConstraint("host_cost_pct IS NULL OR host_cost_pct BETWEEN 0 AND 100", name="host_cost_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = fk("person.id", nullable=False)
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    secondment_type: Mapped[SecondmentType] = mapped_column(enum_type(SecondmentType))
    home_organisation_id: Mapped[int] = fk("organisation.id", nullable=False)
    host_organisation_id: Mapped[int | None] = fk("organisation.id")
    host_unit: Mapped[str] = mapped_column(sa.String(300), default="")
    role_title: Mapped[str] = mapped_column(sa.String(200), default="")
    expertise: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date] = mapped_column()
    planned_end_date: Mapped[date] = mapped_column()
    # The end date as first agreed; extensions move planned_end_date and keep a history row each.
    original_end_date: Mapped[date] = mapped_column()
    actual_end_date: Mapped[date | None] = mapped_column()
    fte_hundredths: Mapped[int] = mapped_column(default=100)
    cost_sharing: Mapped[CostSharing] = mapped_column(enum_type(CostSharing), default=CostSharing.HOME_PAYS_ALL)
    host_cost_pct: Mapped[int | None] = mapped_column()
    annual_cost_to_host: Mapped[Decimal | None] = mapped_column(Money())
    budget_line_id: Mapped[int | None] = fk("budget_line.id")
    agreement_type: Mapped[AgreementType | None] = mapped_column(enum_type(AgreementType))
    agreement_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    clearance_required: Mapped[ClearanceLevel] = mapped_column(enum_type(ClearanceLevel), default=ClearanceLevel.NONE)
    clearance_status: Mapped[ClearanceStatus] = mapped_column(
        enum_type(ClearanceStatus), default=ClearanceStatus.NOT_STARTED
    )
    clearance_expiry: Mapped[date | None] = mapped_column()
    coi_declaration_date: Mapped[date | None] = mapped_column()
    coi_status: Mapped[CoiStatus | None] = mapped_column(enum_type(CoiStatus))
    coi_mitigations: Mapped[str] = mapped_column(sa.String(4000), default="")
    confidentiality_signed: Mapped[bool] = mapped_column(default=False)
    line_manager_id: Mapped[int | None] = fk("person.id")
    next_review_date: Mapped[date | None] = mapped_column()
    status: Mapped[SecondmentStatus] = mapped_column(
        enum_type(SecondmentStatus), default=SecondmentStatus.PROPOSED, index=True
    )
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


secondment_forum = link_table("secondment_forum", "secondment", "forum")


class SecondmentExtension(Versioned, Base):
    __tablename__ = "secondment_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    secondment_id: Mapped[int] = fk("secondment.id", nullable=False, ondelete="CASCADE")
    granted_on: Mapped[date] = mapped_column()
    previous_end_date: Mapped[date] = mapped_column()
    new_end_date: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.String(4000), default="")


class ChecklistPhase(LabelledEnum):
    ONBOARDING = "ONBOARDING"
    OFFBOARDING = "OFFBOARDING"


class ChecklistTemplate(Versioned, Archivable, Base):
    """An item the office wants on every secondment of a direction and type (blank: all of them), copied to a
    secondment when it is recorded. Its due date falls `days_from_anchor` days after the start (on-boarding) or the
    planned end (off-boarding); negative is before, blank means no due date."""

    __tablename__ = "secondment_checklist_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase: Mapped[ChecklistPhase] = mapped_column(enum_type(ChecklistPhase))
    direction: Mapped[Direction | None] = mapped_column(enum_type(Direction))
    secondment_type: Mapped[SecondmentType | None] = mapped_column(enum_type(SecondmentType))
    title: Mapped[str] = mapped_column(sa.String(300))
    days_from_anchor: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class ChecklistItem(Versioned, Base):
    """One on- or off-boarding step of one secondment: ticked done with the date and who ticked it."""

    __tablename__ = "secondment_checklist_item"
    __table_args__ = (sa.UniqueConstraint("secondment_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secondment_id: Mapped[int] = fk("secondment.id", nullable=False, ondelete="CASCADE")
    # Kept so that copying the templates again adds only what is missing; a deleted template leaves its copies.
    template_id: Mapped[int | None] = fk("secondment_checklist_template.id", index=False)
    phase: Mapped[ChecklistPhase] = mapped_column(enum_type(ChecklistPhase))
    title: Mapped[str] = mapped_column(sa.String(300))
    days_from_anchor: Mapped[int | None] = mapped_column()
    due_date: Mapped[date | None] = mapped_column(index=True)
    done_on: Mapped[date | None] = mapped_column()
    done_by: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.String(4000), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
