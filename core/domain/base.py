"""Declarative base, column types and mixins shared by every model.

The model modules leave out `from __future__ import annotations`: SQLAlchemy would evaluate each `Mapped[...]`
string twice, 880 eval() calls and 28 ms of every start (tests/core/db/test_import_cost.py keeps it so)."""

import enum
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from core.domain.money import from_cents, to_cents

# Explicit constraint names: Alembic's batch mode on SQLite rebuilds tables by name, and PostgreSQL
# and SQLite then agree on what every constraint is called.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# An index's PostgreSQL-only options are kept in its `info` under this key until a PostgreSQL engine is made
# (declare_postgresql_options): naming a `postgresql_…` keyword in a model makes SQLAlchemy import its whole
# PostgreSQL dialect, and every start of a SQLite office (the CLI's too) paid 60 ms for it.
POSTGRESQL_WHERE = "postgresql_where"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: sa.DateTime(timezone=True),
    }


class Money(TypeDecorator[Decimal]):
    """A Decimal amount stored as integer minor units: SQLite NUMERIC would silently store a REAL."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_cents(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases (SQLite keeps no offset, so we store naive UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A portable enum: a VARCHAR with a CHECK constraint, storing the member's value (not a native PG type)."""
    return sa.Enum(
        enum_cls,
        name=_snake(enum_cls.__name__),
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class LabelledEnum(enum.StrEnum):
    """A stored code with an English label for display (labels go through tr() in the GUI)."""

    @property
    def label(self) -> str:
        words = self.value.split("_")
        shown = [w if w in ACRONYMS else w.lower() for w in words]
        if shown[0] not in ACRONYMS:
            shown[0] = shown[0].capitalize()
        return " ".join(shown)


# Codes that stay in capitals inside labels ("MOU", "Outward to IO", "CBM implementation").
ACRONYMS = frozenset({"MOU", "IPA", "SNE", "IO", "CBM", "ODA", "UN", "NGO", "COI", "FTE", "RAG", "ICT"})


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps version_id, so a stale save raises StaleDataError."""

    version_id: Mapped[int] = mapped_column(nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version_id}


class Archivable:
    """Rows others refer to are archived, never deleted: hidden from pickers, still counted in reports."""

    archived: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


def fk(target: str, *, nullable: bool = True, ondelete: str | None = None, index: bool = True) -> Any:
    """A foreign-key column; RESTRICT by default so referenced rows cannot vanish underneath others."""
    return mapped_column(
        sa.ForeignKey(target, ondelete=ondelete or ("SET NULL" if nullable else "RESTRICT")),
        nullable=nullable,
        index=index,
    )


def declare_postgresql_options(metadata: sa.MetaData) -> None:
    """Give each index the PostgreSQL options its model keeps in `info` (POSTGRESQL_WHERE), through the writable
    `dialect_kwargs`, before the first PostgreSQL statement, DDL or schema comparison (again is harmless)."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.info.get(POSTGRESQL_WHERE)
            if where is not None:
                index.dialect_kwargs[POSTGRESQL_WHERE] = where
