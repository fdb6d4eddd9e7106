"""The one RAG function: Red / Amber / Green (and Blue for done) from status, due date and history."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from core.domain.meetings import Action, ActionStatus

DUE_SOON_DAYS = 14


class Rag(enum.StrEnum):
    RED = "Red"
    AMBER = "Amber"
    GREEN = "Green"
    BLUE = "Blue"
    CANCELLED = "Cancelled"  # no RAG: shown as text, grey

    @property
    def meaning(self) -> str:
        return {
            "Red": "Red — overdue or blocked",
            "Amber": "Amber — at risk",
            "Green": "Green — on track",
            "Blue": "Blue — complete",
            "Cancelled": "Cancelled",
        }[self.value]


@dataclass(frozen=True)
class RagInput:
    due: date | None
    done: bool = False
    cancelled: bool = False
    started: bool = False
    blocked: bool = False
    extensions: int = 0
    override: str | None = None


def rag(item: RagInput, as_at: date) -> Rag:
    """DESIGN §4: done → Blue; cancelled → no RAG; overdue or blocked → Red; due within 14 days and not
    started, or extended → Amber; else Green. A manual override (audited, with a reason) wins over the rule."""
    if item.done:
        return Rag.BLUE
    if item.cancelled:
        return Rag.CANCELLED
    if item.override:
        return Rag(item.override.capitalize())
    if item.blocked or (item.due is not None and item.due < as_at):
        return Rag.RED
    due_soon = item.due is not None and (item.due - as_at).days <= DUE_SOON_DAYS
    if (due_soon and not item.started) or item.extensions >= 1:
        return Rag.AMBER
    return Rag.GREEN


def action_rag_input(
    status: ActionStatus, due: date, *, blocked: bool, extensions: int, override: str | None
) -> RagInput:
    return RagInput(
        due=due,
        done=status is ActionStatus.COMPLETE,
        cancelled=status is ActionStatus.CANCELLED,
        started=status is ActionStatus.IN_PROGRESS,
        blocked=blocked,
        extensions=extensions,
        override=override,
    )


def action_rag(action: Action, as_at: date) -> Rag:
    override = action.rag_override.value if action.rag_override else None
    return rag(
        action_rag_input(
            action.status,
            action.due_date,
            blocked=action.blocked,
            extensions=action.extension_count,
            override=override,
        ),
        as_at,
    )
