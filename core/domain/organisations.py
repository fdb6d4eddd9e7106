"""Organisations (agencies, firms, universities, foreign governments, international organisations) and people."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import Archivable, Base, LabelledEnum, Timestamped, Versioned, enum_type, fk


class OrgType(LabelledEnum):
    AGENCY = "AGENCY"
    FIRM = "FIRM"
    UNIVERSITY = "UNIVERSITY"
    FOREIGN_GOVERNMENT = "FOREIGN_GOVERNMENT"
    INTERNATIONAL_ORGANISATION = "INTERNATIONAL_ORGANISATION"
    NGO = "NGO"
    OTHER = "OTHER"


class Organisation(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(60), default="")
    # Agencies have a short code (MFA, NCSC) used on the command line (`--agency CODE`) and in packs.
    code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    org_type: Mapped[OrgType] = mapped_column(enum_type(OrgType), index=True)
    agency_type: Mapped[str] = mapped_column(sa.String(60), default="")
    parent_id: Mapped[int | None] = fk("organisation.id")
    is_core_member: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str] = mapped_column(sa.String(100), default="")
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")


class Person(Versioned, Archivable, Timestamped, Base):
    __tablename__ = "person"
    __table_args__ = (sa.UniqueConstraint("name_key", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    organisation_id: Mapped[int] = fk("organisation.id", nullable=False)
    role_title: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    is_office_staff: Mapped[bool] = mapped_column(default=False)
    is_liaison: Mapped[bool] = mapped_column(default=False)
    external_ref: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    notes: Mapped[str] = mapped_column(sa.String(4000), default="")
