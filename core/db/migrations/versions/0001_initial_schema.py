"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "INSERT",
                "UPDATE",
                "DELETE",
                "OVERWRITE",
                "BATCH",
                name="audit_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("id_min", sa.Integer(), nullable=True),
        sa.Column("id_max", sa.Integer(), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_table_row", ["table_name", "row_id"], unique=False)

    op.create_table(
        "cost_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("label_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_category")),
        sa.UniqueConstraint("code", name=op.f("uq_cost_category_code")),
        sa.UniqueConstraint("label_key", name=op.f("uq_cost_category_label_key")),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("source_name", sa.String(length=400), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sa.UniqueConstraint("batch_uuid", name=op.f("uq_import_batch_batch_uuid")),
    )
    op.create_table(
        "marking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("label_key", sa.String(length=60), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marking")),
        sa.UniqueConstraint("label_key", name=op.f("uq_marking_label_key")),
        sa.UniqueConstraint("rank", name=op.f("uq_marking_rank")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column(
            "org_type",
            sa.Enum(
                "AGENCY",
                "FIRM",
                "UNIVERSITY",
                "FOREIGN_GOVERNMENT",
                "INTERNATIONAL_ORGANISATION",
                "NGO",
                "OTHER",
                name="org_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("agency_type", sa.String(length=60), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("is_core_member", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_parent_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("code", name=op.f("uq_organisation_code")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organisation_name_key")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_org_type"), ["org_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisation_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "reference_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ISSUE_AREA",
                "FUNCTION",
                "GGE_NORM",
                "PARIS_CALL",
                "OSCE_CBM",
                "OAS_CBM",
                "BUILDING_BLOCK",
                "RECOMMENDATION",
                "RESPONSE_TOOL",
                "TAG",
                name="reference_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("code_key", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_item")),
        sa.UniqueConstraint("kind", "code_key", name=op.f("uq_reference_item_kind_code_key")),
    )
    with op.batch_alter_table("reference_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_item_kind"), ["kind"], unique=False)

    op.create_table(
        "forum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=60), nullable=False),
        sa.Column(
            "forum_type",
            sa.Enum(
                "BILATERAL",
                "REGIONAL",
                "MULTILATERAL",
                "MULTISTAKEHOLDER",
                "TECHNICAL",
                "INDUSTRY",
                name="forum_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "forum_subtype",
            sa.Enum(
                "UN_BODY",
                "TREATY_BODY",
                "PLURILATERAL_COALITION",
                "CONFERENCE",
                "STANDARDS_BODY",
                "CENTRE_OF_EXCELLENCE",
                "DIALOGUE_SERIES",
                name="forum_subtype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "priority",
            sa.Enum("HIGH", "MEDIUM", "LOW", name="priority", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("lead_agency_id", sa.Integer(), nullable=True),
        sa.Column(
            "participation_mode",
            sa.Enum(
                "MEMBER",
                "OBSERVER",
                "SUPPORTER",
                "PARTICIPANT",
                name="participation_mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("host_org", sa.String(length=300), nullable=False),
        sa.Column("secretariat_city", sa.String(length=100), nullable=False),
        sa.Column("membership", sa.String(length=100), nullable=False),
        sa.Column("established", sa.String(length=60), nullable=False),
        sa.Column("mandate_end", sa.Date(), nullable=True),
        sa.Column("successor_forum_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.String(length=400), nullable=False),
        sa.Column("usual_months", sa.String(length=60), nullable=False),
        sa.Column("usual_locations", sa.String(length=300), nullable=False),
        sa.Column("accreditation_notes", sa.String(length=4000), nullable=False),
        sa.Column("url", sa.String(length=400), nullable=False),
        sa.Column("certainty", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"],
            ["organisation.id"],
            name=op.f("fk_forum_lead_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["successor_forum_id"],
            ["forum.id"],
            name=op.f("fk_forum_successor_forum_id_forum"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum")),
        sa.UniqueConstraint("name_key", name=op.f("uq_forum_name_key")),
    )
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_forum_type"), ["forum_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_lead_agency_id"), ["lead_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_successor_forum_id"), ["successor_forum_id"], unique=False)

    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("home_state", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fy_start_month", sa.Integer(), nullable=False),
        sa.Column(
            "paper_size",
            sa.Enum("A4", "LETTER", name="paper_size", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("default_marking_id", sa.Integer(), nullable=True),
        sa.Column("max_marking_id", sa.Integer(), nullable=True),
        sa.Column("alert_long_days", sa.Integer(), nullable=False),
        sa.Column("alert_medium_days", sa.Integer(), nullable=False),
        sa.Column("alert_short_days", sa.Integer(), nullable=False),
        sa.Column("variance_threshold_pct", sa.Integer(), nullable=False),
        sa.Column("staff_day_rate", sa.BigInteger(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("demo_seed", sa.Integer(), nullable=True),
        sa.Column("demo_as_at", sa.Date(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("alert_medium_days <= alert_long_days", name=op.f("ck_office_alert_order_2")),
        sa.CheckConstraint("alert_short_days <= alert_medium_days", name=op.f("ck_office_alert_order_1")),
        sa.CheckConstraint("alert_short_days > 0", name=op.f("ck_office_alert_short")),
        sa.CheckConstraint("fy_start_month BETWEEN 1 AND 12", name=op.f("ck_office_fy_start_month")),
        sa.CheckConstraint("id = 1", name=op.f("ck_office_single_row")),
        sa.ForeignKeyConstraint(
            ["default_marking_id"],
            ["marking.id"],
            name=op.f("fk_office_default_marking_id_marking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["max_marking_id"],
            ["marking.id"],
            name=op.f("fk_office_max_marking_id_marking"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
    )
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_default_marking_id"), ["default_marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_office_max_marking_id"), ["max_marking_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role_title", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("is_office_staff", sa.Boolean(), nullable=False),
        sa.Column("is_liaison", sa.Boolean(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_person_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_person_external_ref")),
        sa.UniqueConstraint("name_key", "organisation_id", name=op.f("uq_person_name_key_organisation_id")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=300), nullable=False),
        sa.Column(
            "commitment_type",
            sa.Enum(
                "MOU",
                "JOINT_STATEMENT",
                "NORM_PLEDGE",
                "CBM_IMPLEMENTATION",
                "CAPACITY_BUILDING_PLEDGE",
                "TREATY_ACTION",
                "GUIDANCE_ENDORSEMENT",
                "MEMBERSHIP",
                "DELIVERABLE",
                "DIPLOMATIC_RESPONSE",
                name="commitment_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("instrument_ref", sa.String(length=100), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column(
            "legal_status",
            sa.Enum(
                "POLITICAL",
                "NON_BINDING_MOU",
                "TREATY",
                name="legal_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lead_agency_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "UNDER_NEGOTIATION",
                "SIGNED",
                "IN_IMPLEMENTATION",
                "COMPLETED",
                "LAPSED",
                "WITHDRAWN",
                name="commitment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("function_id", sa.Integer(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("source_url", sa.String(length=400), nullable=False),
        sa.Column("rag_override", sa.String(length=10), nullable=True),
        sa.Column("rag_override_reason", sa.String(length=400), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "effective_date IS NULL OR signed_date IS NULL OR effective_date >= signed_date",
            name=op.f("ck_commitment_effective_order"),
        ),
        sa.CheckConstraint(
            "expiry_date IS NULL OR effective_date IS NULL OR expiry_date >= effective_date",
            name=op.f("ck_commitment_expiry_order"),
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_commitment_forum_id_forum"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["function_id"],
            ["reference_item.id"],
            name=op.f("fk_commitment_function_id_reference_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"],
            ["organisation.id"],
            name=op.f("fk_commitment_lead_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"], ["marking.id"], name=op.f("fk_commitment_marking_id_marking"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
        sa.UniqueConstraint("title_key", name=op.f("uq_commitment_title_key")),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_commitment_type"), ["commitment_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_function_id"), ["function_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_lead_agency_id"), ["lead_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_status"), ["status"], unique=False)

    op.create_table(
        "engagement_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("chair_person_id", sa.Integer(), nullable=True),
        sa.Column("chair_agency_id", sa.Integer(), nullable=True),
        sa.Column("secretariat_agency_id", sa.Integer(), nullable=True),
        sa.Column("secretariat_person_id", sa.Integer(), nullable=True),
        sa.Column("cadence_months", sa.Integer(), nullable=False),
        sa.Column("pack_lead_days", sa.Integer(), nullable=False),
        sa.Column("default_venue", sa.String(length=200), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.Column("terms_of_reference", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_agency_id"],
            ["organisation.id"],
            name=op.f("fk_engagement_group_chair_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["chair_person_id"],
            ["person.id"],
            name=op.f("fk_engagement_group_chair_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["secretariat_agency_id"],
            ["organisation.id"],
            name=op.f("fk_engagement_group_secretariat_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["secretariat_person_id"],
            ["person.id"],
            name=op.f("fk_engagement_group_secretariat_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_group")),
        sa.UniqueConstraint("name_key", name=op.f("uq_engagement_group_name_key")),
    )
    with op.batch_alter_table("engagement_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_group_chair_agency_id"), ["chair_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_group_chair_person_id"), ["chair_person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_engagement_group_secretariat_agency_id"), ["secretariat_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_engagement_group_secretariat_person_id"), ["secretariat_person_id"], unique=False
        )

    op.create_table(
        "forum_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "date_precision",
            sa.Enum("DAY", "MONTH", name="date_precision", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column(
            "event_format",
            sa.Enum(
                "IN_PERSON",
                "VIRTUAL",
                "HYBRID",
                name="event_format",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "MINISTERIAL",
                "SENIOR_OFFICIALS",
                "EXPERT",
                name="event_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lead_agency_id", sa.Integer(), nullable=True),
        sa.Column("objectives", sa.String(length=4000), nullable=False),
        sa.Column("briefing_due", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "TENTATIVE",
                "CONFIRMED",
                "ATTENDED",
                "CANCELLED",
                name="event_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("estimated_travel_cost", sa.BigInteger(), nullable=True),
        sa.Column("actual_travel_cost", sa.BigInteger(), nullable=True),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_forum_event_date_order")),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_event_forum_id_forum"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"],
            ["organisation.id"],
            name=op.f("fk_forum_event_lead_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"],
            ["marking.id"],
            name=op.f("fk_forum_event_marking_id_marking"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_event")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_forum_event_external_ref")),
    )
    with op.batch_alter_table("forum_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_event_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_event_lead_agency_id"), ["lead_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_event_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_event_start_date"), ["start_date"], unique=False)

    op.create_table(
        "forum_tag",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("reference_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_tag_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reference_item_id"],
            ["reference_item.id"],
            name=op.f("fk_forum_tag_reference_item_id_reference_item"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("forum_id", "reference_item_id", name=op.f("pk_forum_tag")),
    )
    with op.batch_alter_table("forum_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_tag_reference_item_id"), ["reference_item_id"], unique=False)

    op.create_table(
        "staff_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("fte_hundredths", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_staff_allocation_date_order")),
        sa.CheckConstraint("fte_hundredths > 0 AND fte_hundredths <= 100", name=op.f("ck_staff_allocation_fte_range")),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_staff_allocation_forum_id_forum"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_staff_allocation_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_allocation")),
    )
    with op.batch_alter_table("staff_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_allocation_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_allocation_person_id"), ["person_id"], unique=False)

    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("cost_centre", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column(
            "funding_type",
            sa.Enum(
                "DEPARTMENTAL",
                "ADMINISTERED",
                name="funding_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("oda_eligible", sa.Boolean(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("forum_event_id", sa.Integer(), nullable=True),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("grant_recipient", sa.String(length=200), nullable=False),
        sa.Column("variance_reason", sa.String(length=4000), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["cost_category.id"],
            name=op.f("fk_budget_line_category_id_cost_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_budget_line_commitment_id_commitment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["forum_event_id"],
            ["forum_event.id"],
            name=op.f("fk_budget_line_forum_event_id_forum_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_budget_line_forum_id_forum"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_budget_line_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"],
            ["marking.id"],
            name=op.f("fk_budget_line_marking_id_marking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["organisation.id"],
            name=op.f("fk_budget_line_owner_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_person_id"],
            ["person.id"],
            name=op.f("fk_budget_line_owner_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_line_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_commitment_id"), ["commitment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_forum_event_id"), ["forum_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index("ix_budget_line_fy_category", ["fiscal_year", "category_id"], unique=False)
        batch_op.create_index("ix_budget_line_fy_forum", ["fiscal_year", "forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_import_batch_id"), ["import_batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_owner_agency_id"), ["owner_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_line_owner_person_id"), ["owner_person_id"], unique=False)

    op.create_table(
        "commitment_counterparty",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_counterparty_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_commitment_counterparty_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "organisation_id", name=op.f("pk_commitment_counterparty")),
    )
    with op.batch_alter_table("commitment_counterparty", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_counterparty_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "commitment_supporting_agency",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["organisation.id"],
            name=op.f("fk_commitment_supporting_agency_agency_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_supporting_agency_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "agency_id", name=op.f("pk_commitment_supporting_agency")),
    )
    with op.batch_alter_table("commitment_supporting_agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_supporting_agency_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "commitment_tag",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("reference_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_tag_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_item_id"],
            ["reference_item.id"],
            name=op.f("fk_commitment_tag_reference_item_id_reference_item"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "reference_item_id", name=op.f("pk_commitment_tag")),
    )
    with op.batch_alter_table("commitment_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_tag_reference_item_id"), ["reference_item_id"], unique=False)

    op.create_table(
        "delegation_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column("estimated_cost", sa.BigInteger(), nullable=True),
        sa.Column("actual_cost", sa.BigInteger(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_event_id"],
            ["forum_event.id"],
            name=op.f("fk_delegation_member_forum_event_id_forum_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_delegation_member_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_member")),
        sa.UniqueConstraint("forum_event_id", "person_id", name=op.f("uq_delegation_member_forum_event_id_person_id")),
    )
    with op.batch_alter_table("delegation_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegation_member_forum_event_id"), ["forum_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegation_member_person_id"), ["person_id"], unique=False)

    op.create_table(
        "group_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "MEMBER",
                "OBSERVER",
                name="membership_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("liaison_person_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_group_membership_date_order")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["engagement_group.id"],
            name=op.f("fk_group_membership_group_id_engagement_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["liaison_person_id"],
            ["person.id"],
            name=op.f("fk_group_membership_liaison_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_group_membership_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_membership")),
    )
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_membership_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_membership_liaison_person_id"), ["liaison_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_membership_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("fiscal_quarter", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "SCHEDULED",
                "HELD",
                "CANCELLED",
                name="meeting_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "minutes_status",
            sa.Enum(
                "DRAFT",
                "CIRCULATED",
                "CONFIRMED",
                name="minutes_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minutes_confirmed_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column(
            "pack_status",
            sa.Enum("DRAFT", "FINAL", name="pack_status", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("pack_version", sa.Integer(), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("fiscal_quarter BETWEEN 1 AND 4", name=op.f("ck_meeting_quarter")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["engagement_group.id"],
            name=op.f("fk_meeting_group_id_engagement_group"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"], ["marking.id"], name=op.f("fk_meeting_marking_id_marking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["minutes_confirmed_at_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_minutes_confirmed_at_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint(
            "group_id",
            "fiscal_year",
            "fiscal_quarter",
            name=op.f("uq_meeting_group_id_fiscal_year_fiscal_quarter"),
        ),
        sa.UniqueConstraint("group_id", "number", name=op.f("uq_meeting_group_id_number")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_meeting_date"), ["meeting_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_minutes_confirmed_at_meeting_id"),
            ["minutes_confirmed_at_meeting_id"],
            unique=False,
        )

    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_date", sa.Date(), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_milestone_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["organisation.id"],
            name=op.f("fk_milestone_owner_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_person_id"],
            ["person.id"],
            name=op.f("fk_milestone_owner_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_commitment_id"), ["commitment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_owner_agency_id"), ["owner_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_owner_person_id"), ["owner_person_id"], unique=False)

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "DECISION",
                "DISCUSSION",
                "NOTING",
                "INFORMATION",
                name="agenda_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lead_agency_id", sa.Integer(), nullable=True),
        sa.Column("presenter_person_id", sa.Integer(), nullable=True),
        sa.Column("paper_ref", sa.String(length=60), nullable=False),
        sa.Column("minutes_allotted", sa.Integer(), nullable=False),
        sa.Column("is_standing", sa.Boolean(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("forum_event_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=4000), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes_allotted >= 0", name=op.f("ck_agenda_item_minutes_allotted")),
        sa.ForeignKeyConstraint(
            ["forum_event_id"],
            ["forum_event.id"],
            name=op.f("fk_agenda_item_forum_event_id_forum_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_agenda_item_forum_id_forum"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"],
            ["organisation.id"],
            name=op.f("fk_agenda_item_lead_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"],
            ["marking.id"],
            name=op.f("fk_agenda_item_marking_id_marking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["presenter_person_id"],
            ["person.id"],
            name=op.f("fk_agenda_item_presenter_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_forum_event_id"), ["forum_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_lead_agency_id"), ["lead_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_presenter_person_id"), ["presenter_person_id"], unique=False)

    op.create_table(
        "budget_line_tag",
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("reference_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_budget_line_tag_budget_line_id_budget_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_item_id"],
            ["reference_item.id"],
            name=op.f("fk_budget_line_tag_reference_item_id_reference_item"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("budget_line_id", "reference_item_id", name=op.f("pk_budget_line_tag")),
    )
    with op.batch_alter_table("budget_line_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_line_tag_reference_item_id"), ["reference_item_id"], unique=False)

    op.create_table(
        "budget_month",
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_month", sa.Integer(), nullable=False),
        sa.Column("original", sa.BigInteger(), nullable=False),
        sa.Column("revised", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("actual", sa.BigInteger(), nullable=False),
        sa.Column("forecast", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("fiscal_month BETWEEN 1 AND 12", name=op.f("ck_budget_month_fiscal_month")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_budget_month_budget_line_id_budget_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("budget_line_id", "fiscal_month", name=op.f("pk_budget_month")),
    )
    op.create_table(
        "budget_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_month", sa.Integer(), nullable=True),
        sa.Column(
            "measure",
            sa.Enum(
                "ORIGINAL",
                "REVISED",
                "COMMITTED",
                "ACTUAL",
                "FORECAST",
                name="budget_measure",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("old_amount", sa.BigInteger(), nullable=False),
        sa.Column("new_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=4000), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_budget_revision_budget_line_id_budget_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_revision")),
    )
    with op.batch_alter_table("budget_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_revision_budget_line_id"), ["budget_line_id"], unique=False)

    op.create_table(
        "commitment_budget_line",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_commitment_budget_line_budget_line_id_budget_line"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_budget_line_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "budget_line_id", name=op.f("pk_commitment_budget_line")),
    )
    with op.batch_alter_table("commitment_budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_budget_line_budget_line_id"), ["budget_line_id"], unique=False)

    op.create_table(
        "secondment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("INWARD", "OUTWARD", name="direction", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column(
            "secondment_type",
            sa.Enum(
                "INDUSTRY_LOAN",
                "ACADEMIC_FELLOW",
                "INTERAGENCY_ROTATION",
                "IPA_STYLE",
                "SNE_STYLE",
                "OUTWARD_TO_IO",
                "OUTWARD_TO_INDUSTRY",
                name="secondment_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("home_organisation_id", sa.Integer(), nullable=False),
        sa.Column("host_organisation_id", sa.Integer(), nullable=True),
        sa.Column("host_unit", sa.String(length=300), nullable=False),
        sa.Column("role_title", sa.String(length=200), nullable=False),
        sa.Column("expertise", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("planned_end_date", sa.Date(), nullable=False),
        sa.Column("original_end_date", sa.Date(), nullable=False),
        sa.Column("actual_end_date", sa.Date(), nullable=True),
        sa.Column("fte_hundredths", sa.Integer(), nullable=False),
        sa.Column(
            "cost_sharing",
            sa.Enum(
                "HOME_PAYS_ALL",
                "HOST_REIMBURSES_FULL",
                "HOST_REIMBURSES_PCT",
                "ALLOWANCES_ONLY",
                "SPLIT",
                name="cost_sharing",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("host_cost_pct", sa.Integer(), nullable=True),
        sa.Column("annual_cost_to_host", sa.BigInteger(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column(
            "agreement_type",
            sa.Enum(
                "MOU",
                "TRIPARTITE_CONTRACT",
                "IPA_AGREEMENT",
                "EXCHANGE_OF_LETTERS",
                name="agreement_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("agreement_ref", sa.String(length=100), nullable=False),
        sa.Column(
            "clearance_required",
            sa.Enum(
                "NONE",
                "BASELINE",
                "MID",
                "HIGH",
                name="clearance_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "clearance_status",
            sa.Enum(
                "NOT_STARTED",
                "IN_PROGRESS",
                "GRANTED",
                "TRANSFERRED",
                "LAPSED",
                name="clearance_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("clearance_expiry", sa.Date(), nullable=True),
        sa.Column("coi_declaration_date", sa.Date(), nullable=True),
        sa.Column(
            "coi_status",
            sa.Enum(
                "NONE_DECLARED",
                "DECLARED_MANAGED",
                "DECLARED_RESTRICTED_DUTIES",
                name="coi_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("coi_mitigations", sa.String(length=4000), nullable=False),
        sa.Column("confidentiality_signed", sa.Boolean(), nullable=False),
        sa.Column("line_manager_id", sa.Integer(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "APPROVED",
                "ACTIVE",
                "EXTENDED",
                "COMPLETED",
                "TERMINATED_EARLY",
                name="secondment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "actual_end_date IS NULL OR actual_end_date >= start_date",
            name=op.f("ck_secondment_actual_end_order"),
        ),
        sa.CheckConstraint("fte_hundredths BETWEEN 10 AND 100", name=op.f("ck_secondment_fte_range")),
        sa.CheckConstraint(
            "host_cost_pct IS NULL OR host_cost_pct BETWEEN 0 AND 100",
            name=op.f("ck_secondment_host_cost_pct"),
        ),
        sa.CheckConstraint("planned_end_date >= start_date", name=op.f("ck_secondment_date_order")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_secondment_budget_line_id_budget_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["home_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_secondment_home_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_secondment_host_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["line_manager_id"],
            ["person.id"],
            name=op.f("fk_secondment_line_manager_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_secondment_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondment")),
    )
    with op.batch_alter_table("secondment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secondment_budget_line_id"), ["budget_line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_home_organisation_id"), ["home_organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_host_organisation_id"), ["host_organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_line_manager_id"), ["line_manager_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_secondment_status"), ["status"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PRESENT",
                "APOLOGY",
                "ALTERNATE",
                "IN_ATTENDANCE",
                name="attendance_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("alternate_for_person_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_attendance_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["alternate_for_person_id"],
            ["person.id"],
            name=op.f("fk_attendance_alternate_for_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_attendance_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_attendance_meeting_id_person_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attendance_alternate_for_person_id"), ["alternate_for_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owning_agency_id", sa.Integer(), nullable=True),
        sa.Column(
            "purpose",
            sa.Enum(
                "DECISION",
                "DISCUSSION",
                "NOTING",
                "INFORMATION",
                name="agenda_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=400), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_paper_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"], ["marking.id"], name=op.f("fk_paper_marking_id_marking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_paper_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owning_agency_id"],
            ["organisation.id"],
            name=op.f("fk_paper_owning_agency_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper")),
    )
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_owning_agency_id"), ["owning_agency_id"], unique=False)

    op.create_table(
        "secondment_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secondment_id", sa.Integer(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("previous_end_date", sa.Date(), nullable=False),
        sa.Column("new_end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=4000), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["secondment_id"],
            ["secondment.id"],
            name=op.f("fk_secondment_extension_secondment_id_secondment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondment_extension")),
    )
    with op.batch_alter_table("secondment_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secondment_extension_secondment_id"), ["secondment_id"], unique=False)

    op.create_table(
        "secondment_forum",
        sa.Column("secondment_id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_secondment_forum_forum_id_forum"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["secondment_id"],
            ["secondment.id"],
            name=op.f("fk_secondment_forum_secondment_id_secondment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("secondment_id", "forum_id", name=op.f("pk_secondment_forum")),
    )
    with op.batch_alter_table("secondment_forum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secondment_forum_forum_id"), ["forum_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("concurring", sa.String(length=400), nullable=False),
        sa.Column("dissenting", sa.String(length=400), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("forum_event_id", sa.Integer(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_decision_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_decision_budget_line_id_budget_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_decision_commitment_id_commitment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["forum_event_id"],
            ["forum_event.id"],
            name=op.f("fk_decision_forum_event_id_forum_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_decision_forum_id_forum"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"], ["marking.id"], name=op.f("fk_decision_marking_id_marking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_decision_meeting_id_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["paper.id"], name=op.f("fk_decision_paper_id_paper"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_budget_line_id"), ["budget_line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_commitment_id"), ["commitment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_forum_event_id"), ["forum_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=30), nullable=False),
        sa.Column("raised_at_meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("original_due_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "IN_PROGRESS",
                "COMPLETE",
                "DEFERRED",
                "CANCELLED",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("extension_count", sa.Integer(), nullable=False),
        sa.Column("progress_update", sa.String(length=4000), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column(
            "rag_override",
            sa.Enum(
                "RED",
                "AMBER",
                "GREEN",
                name="rag_override",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("rag_override_reason", sa.String(length=400), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("forum_event_id", sa.Integer(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("last_update_at", sa.DateTime(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= raised_on", name=op.f("ck_action_closed_after_raised")),
        sa.CheckConstraint("extension_count >= 0", name=op.f("ck_action_extension_count")),
        sa.CheckConstraint(
            "rag_override IS NULL OR length(rag_override_reason) > 0",
            name=op.f("ck_action_override_needs_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_action_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_action_budget_line_id_budget_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_at_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_action_closed_at_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_action_commitment_id_commitment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_action_decision_id_decision"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["forum_event_id"],
            ["forum_event.id"],
            name=op.f("fk_action_forum_event_id_forum_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["forum_id"], ["forum.id"], name=op.f("fk_action_forum_id_forum"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["engagement_group.id"],
            name=op.f("fk_action_group_id_engagement_group"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_action_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"], ["marking.id"], name=op.f("fk_action_marking_id_marking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["organisation.id"],
            name=op.f("fk_action_owner_agency_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_person_id"],
            ["person.id"],
            name=op.f("fk_action_owner_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raised_at_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_action_raised_at_meeting_id_meeting"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
        sa.UniqueConstraint("group_id", "ref", name=op.f("uq_action_group_id_ref")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_budget_line_id"), ["budget_line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_closed_at_meeting_id"), ["closed_at_meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_commitment_id"), ["commitment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_forum_event_id"), ["forum_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_import_batch_id"), ["import_batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_owner_agency_id"), ["owner_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_owner_person_id"), ["owner_person_id"], unique=False)
        batch_op.create_index("ix_action_owner_status", ["owner_agency_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_raised_at_meeting_id"), ["raised_at_meeting_id"], unique=False)
        batch_op.create_index("ix_action_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "action_tag",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("reference_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_action_tag_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reference_item_id"],
            ["reference_item.id"],
            name=op.f("fk_action_tag_reference_item_id_reference_item"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("action_id", "reference_item_id", name=op.f("pk_action_tag")),
    )
    with op.batch_alter_table("action_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_tag_reference_item_id"), ["reference_item_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("action_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_tag_reference_item_id"))

    op.drop_table("action_tag")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_status_due")
        batch_op.drop_index(batch_op.f("ix_action_raised_at_meeting_id"))
        batch_op.drop_index("ix_action_owner_status")
        batch_op.drop_index(batch_op.f("ix_action_owner_person_id"))
        batch_op.drop_index(batch_op.f("ix_action_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_action_marking_id"))
        batch_op.drop_index(batch_op.f("ix_action_import_batch_id"))
        batch_op.drop_index(batch_op.f("ix_action_group_id"))
        batch_op.drop_index(batch_op.f("ix_action_forum_id"))
        batch_op.drop_index(batch_op.f("ix_action_forum_event_id"))
        batch_op.drop_index(batch_op.f("ix_action_due_date"))
        batch_op.drop_index(batch_op.f("ix_action_decision_id"))
        batch_op.drop_index(batch_op.f("ix_action_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_action_closed_at_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_budget_line_id"))
        batch_op.drop_index(batch_op.f("ix_action_agenda_item_id"))

    op.drop_table("action")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_paper_id"))
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_decision_marking_id"))
        batch_op.drop_index(batch_op.f("ix_decision_forum_id"))
        batch_op.drop_index(batch_op.f("ix_decision_forum_event_id"))
        batch_op.drop_index(batch_op.f("ix_decision_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_decision_budget_line_id"))
        batch_op.drop_index(batch_op.f("ix_decision_agenda_item_id"))

    op.drop_table("decision")
    with op.batch_alter_table("secondment_forum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secondment_forum_forum_id"))

    op.drop_table("secondment_forum")
    with op.batch_alter_table("secondment_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secondment_extension_secondment_id"))

    op.drop_table("secondment_extension")
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_owning_agency_id"))
        batch_op.drop_index(batch_op.f("ix_paper_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_paper_marking_id"))
        batch_op.drop_index(batch_op.f("ix_paper_agenda_item_id"))

    op.drop_table("paper")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_alternate_for_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_agenda_item_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("secondment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secondment_status"))
        batch_op.drop_index(batch_op.f("ix_secondment_person_id"))
        batch_op.drop_index(batch_op.f("ix_secondment_line_manager_id"))
        batch_op.drop_index(batch_op.f("ix_secondment_host_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_secondment_home_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_secondment_budget_line_id"))

    op.drop_table("secondment")
    with op.batch_alter_table("commitment_budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_budget_line_budget_line_id"))

    op.drop_table("commitment_budget_line")
    with op.batch_alter_table("budget_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_revision_budget_line_id"))

    op.drop_table("budget_revision")
    op.drop_table("budget_month")
    with op.batch_alter_table("budget_line_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_line_tag_reference_item_id"))

    op.drop_table("budget_line_tag")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_presenter_person_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_marking_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_lead_agency_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_forum_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_forum_event_id"))

    op.drop_table("agenda_item")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_owner_person_id"))
        batch_op.drop_index(batch_op.f("ix_milestone_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_milestone_due_date"))
        batch_op.drop_index(batch_op.f("ix_milestone_commitment_id"))

    op.drop_table("milestone")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_minutes_confirmed_at_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_meeting_date"))
        batch_op.drop_index(batch_op.f("ix_meeting_marking_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_group_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_membership_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_group_membership_liaison_person_id"))
        batch_op.drop_index(batch_op.f("ix_group_membership_group_id"))

    op.drop_table("group_membership")
    with op.batch_alter_table("delegation_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_member_person_id"))
        batch_op.drop_index(batch_op.f("ix_delegation_member_forum_event_id"))

    op.drop_table("delegation_member")
    with op.batch_alter_table("commitment_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_tag_reference_item_id"))

    op.drop_table("commitment_tag")
    with op.batch_alter_table("commitment_supporting_agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_supporting_agency_agency_id"))

    op.drop_table("commitment_supporting_agency")
    with op.batch_alter_table("commitment_counterparty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_counterparty_organisation_id"))

    op.drop_table("commitment_counterparty")
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_line_owner_person_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_marking_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_import_batch_id"))
        batch_op.drop_index("ix_budget_line_fy_forum")
        batch_op.drop_index("ix_budget_line_fy_category")
        batch_op.drop_index(batch_op.f("ix_budget_line_forum_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_forum_event_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_budget_line_category_id"))

    op.drop_table("budget_line")
    with op.batch_alter_table("staff_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_allocation_person_id"))
        batch_op.drop_index(batch_op.f("ix_staff_allocation_forum_id"))

    op.drop_table("staff_allocation")
    with op.batch_alter_table("forum_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_tag_reference_item_id"))

    op.drop_table("forum_tag")
    with op.batch_alter_table("forum_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_event_start_date"))
        batch_op.drop_index(batch_op.f("ix_forum_event_marking_id"))
        batch_op.drop_index(batch_op.f("ix_forum_event_lead_agency_id"))
        batch_op.drop_index(batch_op.f("ix_forum_event_forum_id"))

    op.drop_table("forum_event")
    with op.batch_alter_table("engagement_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_group_secretariat_person_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_group_secretariat_agency_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_group_chair_person_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_group_chair_agency_id"))

    op.drop_table("engagement_group")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_status"))
        batch_op.drop_index(batch_op.f("ix_commitment_marking_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_lead_agency_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_function_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_forum_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_commitment_type"))

    op.drop_table("commitment")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_person_name_key"))

    op.drop_table("person")
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_max_marking_id"))
        batch_op.drop_index(batch_op.f("ix_office_default_marking_id"))

    op.drop_table("office")
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_successor_forum_id"))
        batch_op.drop_index(batch_op.f("ix_forum_lead_agency_id"))
        batch_op.drop_index(batch_op.f("ix_forum_forum_type"))

    op.drop_table("forum")
    with op.batch_alter_table("reference_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_item_kind"))

    op.drop_table("reference_item")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_parent_id"))
        batch_op.drop_index(batch_op.f("ix_organisation_org_type"))

    op.drop_table("organisation")
    op.drop_table("marking")
    op.drop_table("import_batch")
    op.drop_table("cost_category")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_table_row")

    op.drop_table("audit_log")
