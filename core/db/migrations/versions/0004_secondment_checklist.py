"""secondment checklists: the office's on/off-boarding item templates and each secondment's items; the office's
time zone for meeting times

Revision ID: 0004_secondment_checklist
Revises: 0003_text_search
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_secondment_checklist"
down_revision = "0003_text_search"
branch_labels = None
depends_on = None

_PHASE = ("ONBOARDING", "OFFBOARDING")
_DIRECTION = ("INWARD", "OUTWARD")
_TYPE = (
    "INDUSTRY_LOAN",
    "ACADEMIC_FELLOW",
    "INTERAGENCY_ROTATION",
    "IPA_STYLE",
    "SNE_STYLE",
    "OUTWARD_TO_IO",
    "OUTWARD_TO_INDUSTRY",
)
_ON, _OFF, _IN, _OUT, _LOAN = "ONBOARDING", "OFFBOARDING", "INWARD", "OUTWARD", "INDUSTRY_LOAN"
# A copy of core.services.checklists.DEFAULT_TEMPLATES as it stood for this step (a migration must not change
# with the code): an office created before checklists existed gets the same defaults as a new one.
_DEFAULTS = (
    (
        _ON,
        None,
        None,
        "Written agreement signed (MOU, tripartite contract, IPA agreement or exchange of letters) covering "
        "entitlements, funding and conditions",
        "§7.1 APS Mobility Framework; UK interchange; US IPA",
    ),
    (
        _ON,
        None,
        None,
        "Home and host roles, day-to-day direction and work health and safety agreed",
        "§7.1 APS Mobility Framework",
    ),
    (_ON, None, None, "Cost sharing agreed and linked to a budget line", "§7.2 cost sharing"),
    (
        _ON,
        _IN,
        None,
        "Conflict-of-interest declaration made and the handling of any conflict agreed in writing",
        "§7.1 UK Civil Service; APS Mobility Framework",
    ),
    (_ON, _IN, None, "Security clearance granted or transferred at the level required", "§7.2 clearance"),
    (_ON, _IN, _LOAN, "Confidentiality undertaking signed", "§7.2 validation"),
    (
        _ON,
        _IN,
        _LOAN,
        "Kept out of bids and procurement involving the home organisation (mitigation recorded)",
        "§7.1 UK Civil Service",
    ),
    (
        _OFF,
        _IN,
        _LOAN,
        "Reminded that commercially confidential information must not go back to the home organisation",
        "§7.1 UK Civil Service",
    ),
    (_OFF, _IN, None, "Clearance recorded as transferred or lapsed", "§7.2 clearance status"),
    (
        _OFF,
        _OUT,
        "IPA_STYLE",
        "Return to the home organisation agreed for a period equal to the assignment",
        "§7.1 US IPA",
    ),
    (_OFF, None, None, "Cost-sharing reimbursements settled", "§7.2 cost sharing"),
    (_OFF, None, None, "Outputs recorded in the secondment's notes", "§7.2 outputs"),
)


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    template = op.create_table(
        "secondment_checklist_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phase", _enum(_PHASE, "checklist_phase"), nullable=False),
        sa.Column("direction", _enum(_DIRECTION, "direction"), nullable=True),
        sa.Column("secondment_type", _enum(_TYPE, "secondment_type"), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("days_from_anchor", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondment_checklist_template")),
    )
    op.create_table(
        "secondment_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secondment_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("phase", _enum(_PHASE, "checklist_phase"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("days_from_anchor", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=4000), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["secondment_id"],
            ["secondment.id"],
            name=op.f("fk_secondment_checklist_item_secondment_id_secondment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["secondment_checklist_template.id"],
            name=op.f("fk_secondment_checklist_item_template_id_secondment_checklist_template"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondment_checklist_item")),
        sa.UniqueConstraint(
            "secondment_id", "template_id", name=op.f("uq_secondment_checklist_item_secondment_id_template_id")
        ),
    )
    with op.batch_alter_table("secondment_checklist_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secondment_checklist_item_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_checklist_item_secondment_id"), ["secondment_id"], unique=False)
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="", nullable=False))
    # A new database gets its templates when the office is seeded; only an existing office is filled in here.
    if op.get_bind().execute(sa.text("SELECT COUNT(*) FROM office")).scalar_one():
        op.bulk_insert(
            template,
            [
                {
                    "id": order,
                    "phase": phase,
                    "direction": direction,
                    "secondment_type": kind,
                    "title": title,
                    "days_from_anchor": 0,
                    "source": source,
                    "sort_order": order,
                    "version_id": 1,
                    "archived": False,
                }
                for order, (phase, direction, kind, title, source) in enumerate(_DEFAULTS, start=1)
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_column("timezone")
    with op.batch_alter_table("secondment_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secondment_checklist_item_secondment_id"))
        batch_op.drop_index(batch_op.f("ix_secondment_checklist_item_due_date"))
    op.drop_table("secondment_checklist_item")
    op.drop_table("secondment_checklist_template")
