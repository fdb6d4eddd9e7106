"""Office settings, protective markings, reference lists and cost categories: seeded data the user can edit."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.domain.base import Archivable, Base, LabelledEnum, Money, Timestamped, Versioned, enum_type, fk


class ReferenceKind(LabelledEnum):
    ISSUE_AREA = "ISSUE_AREA"
    FUNCTION = "FUNCTION"
    GGE_NORM = "GGE_NORM"
    PARIS_CALL = "PARIS_CALL"
    OSCE_CBM = "OSCE_CBM"
    OAS_CBM = "OAS_CBM"
    BUILDING_BLOCK = "BUILDING_BLOCK"
    RECOMMENDATION = "RECOMMENDATION"
    RESPONSE_TOOL = "RESPONSE_TOOL"
    TAG = "TAG"

    @property
    def label(self) -> str:
        # Proper names the generic code-to-words rule would mangle ("Paris call", "Osce CBM").
        return _REFERENCE_KIND_LABELS.get(self.value) or super().label


_REFERENCE_KIND_LABELS = {
    "GGE_NORM": "UN GGE norm",
    "PARIS_CALL": "Paris Call principle",
    "OSCE_CBM": "OSCE CBM",
    "OAS_CBM": "OAS CBM",
}


class PaperSize(LabelledEnum):
    A4 = "A4"
    LETTER = "LETTER"


class Office(Versioned, Timestamped, Base):
    """The one row of office-wide settings. Currency and fiscal-year start relabel data, so they are
    chosen at init and may change only while no budget line exists (enforced in services)."""

    __tablename__ = "office"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("fy_start_month BETWEEN 1 AND 12", name="fy_start_month"),
        sa.CheckConstraint("alert_short_days > 0", name="alert_short"),
        sa.CheckConstraint("alert_short_days <= alert_medium_days", name="alert_order_1"),
        sa.CheckConstraint("alert_medium_days <= alert_long_days", name="alert_order_2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(sa.String(200))
    home_state: Mapped[str] = mapped_column(sa.String(200), default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    fy_start_month: Mapped[int] = mapped_column()
    paper_size: Mapped[PaperSize] = mapped_column(enum_type(PaperSize), default=PaperSize.A4)
    default_marking_id: Mapped[int | None] = fk("marking.id")
    max_marking_id: Mapped[int | None] = fk("marking.id")
    alert_long_days: Mapped[int] = mapped_column(default=90)
    alert_medium_days: Mapped[int] = mapped_column(default=60)
    alert_short_days: Mapped[int] = mapped_column(default=30)
    variance_threshold_pct: Mapped[int] = mapped_column(default=10)
    staff_day_rate: Mapped[Decimal | None] = mapped_column(Money())
    is_demo: Mapped[bool] = mapped_column(default=False)
    demo_seed: Mapped[int | None] = mapped_column()
    demo_as_at: Mapped[date | None] = mapped_column()
    # The IANA zone meeting times are kept in ("Europe/London"); blank: the computer's own zone.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")


class Marking(Versioned, Archivable, Base):
    """A protective marking; `rank` orders the scheme from lowest to highest."""

    __tablename__ = "marking"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(60))
    label_key: Mapped[str] = mapped_column(sa.String(60), unique=True)
    rank: Mapped[int] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(sa.String(4000), default="")


class ReferenceItem(Versioned, Archivable, Base):
    """An entry of a reference list: issue areas, the four functions, GGE norms, Paris Call principles, CBMs,
    the seed's building blocks and recommendations, and free tags."""

    __tablename__ = "reference_item"
    __table_args__ = (sa.UniqueConstraint("kind", "code_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReferenceKind] = mapped_column(enum_type(ReferenceKind), index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    code_key: Mapped[str] = mapped_column(sa.String(60))
    label: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(4000), default="")
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class CostCategory(Versioned, Archivable, Base):
    __tablename__ = "cost_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    label_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.String(4000), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
