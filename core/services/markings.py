"""The protective-marking scheme as editable data: its order, labels, archiving, the office default and ceiling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.models import Base
from core.domain.reference import Marking, Office
from core.domain.text import name_key, text_problem
from core.services.office import OfficeMissing, OfficeSettings, load_settings
from core.services.records import RecordNotFound, create_record, update_record
from core.services.validation import ValidationError

__all__ = [
    "RANK_STEP",
    "MarkingRow",
    "add_marking",
    "archive_marking",
    "ceiling_problems",
    "count_marked",
    "list_markings",
    "marked_tables",
    "move_marking",
    "rename_marking",
    "set_default_and_ceiling",
]

# New markings take a rank between their neighbours; leaving gaps of this size means re-spacing is rare.
RANK_STEP = 10
_LABEL_MAX = 60


@dataclass(frozen=True)
class MarkingRow:
    """One marking of the scheme as the settings screen shows it."""

    id: int
    label: str
    rank: int
    description: str
    archived: bool
    version: int
    is_default: bool
    is_ceiling: bool


def _office(session: Session) -> Office:
    office = session.get(Office, 1)
    if office is None:
        raise OfficeMissing("This database holds no office yet. Create one with `cyberdesk init`.")
    return office


def _ordered(session: Session) -> list[Marking]:
    return list(session.scalars(sa.select(Marking).order_by(Marking.rank)))


def _row(marking: Marking, office: Office) -> MarkingRow:
    return MarkingRow(
        id=marking.id,
        label=marking.label,
        rank=marking.rank,
        description=marking.description,
        archived=marking.archived,
        version=marking.version_id,
        is_default=marking.id == office.default_marking_id,
        is_ceiling=marking.id == office.max_marking_id,
    )


def list_markings(session: Session, *, include_archived: bool = True) -> tuple[MarkingRow, ...]:
    """The scheme from lowest to highest rank; archived markings are included unless asked otherwise."""
    office = _office(session)
    return tuple(_row(m, office) for m in _ordered(session) if include_archived or not m.archived)


def _checked_label(session: Session, label: str, row_id: int | None) -> str:
    label = label.strip()
    problem = "Give the marking a label." if not label else text_problem(label, max_length=_LABEL_MAX)
    if problem is None:
        clash = sa.select(Marking.id).where(Marking.label_key == name_key(label))
        if row_id is not None:
            clash = clash.where(Marking.id != row_id)
        if session.execute(clash.limit(1)).first() is not None:
            problem = "A marking with this label already exists."
    if problem:
        raise ValidationError({"label": problem})
    return label


def _set_rank(session: Session, marking: Marking, rank: int) -> None:
    update_record(session, Marking, marking.id, marking.version_id, {"rank": rank})


def _make_room(session: Session, rows: Sequence[Marking], position: int) -> int:
    """A free rank for a marking inserted before rows[position] (rows ordered by rank, position >= 1 unless
    the scheme is empty); neighbours are pushed up only when no gap is left."""
    if not rows:
        return RANK_STEP
    lower = rows[position - 1].rank
    if position == len(rows):
        return lower + RANK_STEP
    if rows[position].rank - lower >= 2:
        return (lower + rows[position].rank) // 2
    # Re-space from the slot upwards. Every rank only grows, and rows are moved highest first, so no two rows
    # ever hold the same rank in between (rank is unique and SQLite checks it per statement).
    slot = lower + RANK_STEP
    targets: list[tuple[Marking, int]] = []
    previous = slot
    for marking in rows[position:]:
        wanted = max(marking.rank, previous + RANK_STEP)
        targets.append((marking, wanted))
        previous = wanted
    for marking, wanted in reversed(targets):
        if wanted != marking.rank:
            _set_rank(session, marking, wanted)
    return slot


def add_marking(session: Session, label: str, *, above: int | None = None, description: str = "") -> MarkingRow:
    """Add a marking directly above the marking `above` (by id), or at the top of the scheme when None."""
    label = _checked_label(session, label, None)
    rows = _ordered(session)
    if above is None:
        position = len(rows)
    else:
        index = next((i for i, m in enumerate(rows) if m.id == above), None)
        if index is None:
            raise ValidationError({"above": "The marking to place it above no longer exists."})
        position = index + 1
    rank = _make_room(session, rows, position)
    marking = create_record(session, Marking, {"label": label, "rank": rank, "description": description})
    return _row(marking, _office(session))


def rename_marking(session: Session, marking_id: int, expected_version: int, label: str) -> MarkingRow:
    """Give a marking a new label; records keep it (they refer to the marking, not to its label)."""
    label = _checked_label(session, label, marking_id)
    marking = update_record(session, Marking, marking_id, expected_version, {"label": label})
    return _row(marking, _office(session))


def marked_tables() -> tuple[sa.Table, ...]:
    """Every table whose rows carry their own marking (the office's default and ceiling are not a record's)."""
    return tuple(t for t in Base.metadata.sorted_tables if "marking_id" in t.c and t.name != "office")


def count_marked(session: Session, markings: sa.ColumnElement[bool]) -> int:
    """How many records are marked with a marking matching `markings` (a condition on Marking)."""
    chosen = sa.select(Marking.id).where(markings).scalar_subquery()
    counts = [
        sa.select(sa.func.count()).select_from(t).where(t.c.marking_id.in_(chosen)).scalar_subquery()
        for t in marked_tables()
    ]
    return int(sum(session.execute(sa.select(*counts)).one())) if counts else 0


def _records_above(count: int, label: str) -> str:
    are = "record is" if count == 1 else "records are"
    return f"{count:,} {are} marked above “{label}”; lower their markings first."


def move_marking(session: Session, marking_id: int, up: bool) -> tuple[MarkingRow, ...]:
    """Swap a marking with its neighbour above (`up`) or below; returns the scheme in its new order."""
    rows = _ordered(session)
    index = next((i for i, m in enumerate(rows) if m.id == marking_id), None)
    if index is None:
        raise RecordNotFound(f"marking {marking_id} no longer exists.")
    other_index = index + 1 if up else index - 1
    if not 0 <= other_index < len(rows):
        edge = "highest" if up else "lowest"
        raise ValidationError({"rank": f"“{rows[index].label}” is already the {edge} marking."})
    moving, other = rows[index], rows[other_index]
    office = _office(session)
    # Only swapping the default with the ceiling itself can put the default above the ceiling.
    limits = {office.default_marking_id, office.max_marking_id}
    if len(limits) == 2 and {moving.id, other.id} == limits:
        raise ValidationError(
            {"rank": "The office default cannot rank above the highest allowed marking; change them first."}
        )
    ceiling_moves = moving.id == office.max_marking_id
    if (ceiling_moves and not up) or (other.id == office.max_marking_id and up):
        # The pair swaps across the ceiling, and the marking below it would end above it.
        crossing, ceiling = (other, moving) if ceiling_moves else (moving, other)
        held = count_marked(session, Marking.id == crossing.id)
        if held:
            raise ValidationError({"rank": _records_above(held, ceiling.label)})
    moving_rank, other_rank = moving.rank, other.rank
    # rank is unique, so one of the pair waits on a free rank while the other takes its place.
    _set_rank(session, moving, max(m.rank for m in rows) + 1)
    _set_rank(session, other, moving_rank)
    _set_rank(session, moving, other_rank)
    return list_markings(session)


def archive_marking(session: Session, marking_id: int, expected_version: int, archived: bool = True) -> MarkingRow:
    """Archive (hide from pickers) or restore a marking; the office default and ceiling cannot be archived."""
    office = _office(session)
    if archived and marking_id == office.default_marking_id:
        raise ValidationError({"archived": "The office default marking cannot be archived; choose another first."})
    if archived and marking_id == office.max_marking_id:
        raise ValidationError(
            {"archived": "The highest allowed marking cannot be archived; choose another ceiling first."}
        )
    marking = update_record(session, Marking, marking_id, expected_version, {"archived": archived})
    return _row(marking, office)


def ceiling_problems(markings: Sequence[MarkingRow], default_id: int | None, max_id: int | None) -> dict[str, str]:
    """What is wrong with this choice of office default and highest allowed marking ({field: message})."""
    by_id = {m.id: m for m in markings}
    errors: dict[str, str] = {}
    for field, chosen, what in (
        ("default_marking_id", default_id, "the office default"),
        ("max_marking_id", max_id, "the highest allowed marking"),
    ):
        marking = by_id.get(chosen) if chosen is not None else None
        if marking is None:
            errors[field] = f"Choose {what}."
        elif marking.archived:
            errors[field] = f"“{marking.label}” is archived; choose another marking as {what}."
    if not errors and default_id is not None and max_id is not None and by_id[default_id].rank > by_id[max_id].rank:
        errors["max_marking_id"] = "The highest allowed marking cannot be below the office default."
    return errors


def set_default_and_ceiling(
    session: Session, expected_version: int, default_id: int | None, max_id: int | None
) -> OfficeSettings:
    """Choose the office default marking and the highest allowed one (default at or below the ceiling)."""
    office = _office(session)
    errors = ceiling_problems(list_markings(session), default_id, max_id)
    if not errors and max_id is not None and max_id != office.max_marking_id:
        ceiling = session.get_one(Marking, max_id)
        held = count_marked(session, Marking.rank > ceiling.rank)
        if held:
            errors["max_marking_id"] = _records_above(held, ceiling.label)
    if errors:
        raise ValidationError(errors)
    changes = {
        key: value
        for key, value in (("default_marking_id", default_id), ("max_marking_id", max_id))
        if getattr(office, key) != value
    }
    if changes:
        update_record(session, Office, 1, expected_version, changes)
    return load_settings(session)
