"""The one RAG rule of DESIGN.md §4, at its boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.domain.meetings import Action, ActionStatus, RagOverride
from core.services.rag import Rag, RagInput, action_rag, action_rag_input, rag

TODAY = date(2025, 8, 15)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (RagInput(due=TODAY - timedelta(days=30), done=True), Rag.BLUE),
        (RagInput(due=TODAY - timedelta(days=30), cancelled=True), Rag.CANCELLED),
        (RagInput(due=TODAY - timedelta(days=1)), Rag.RED),
        (RagInput(due=TODAY + timedelta(days=60), blocked=True), Rag.RED),
        (RagInput(due=TODAY), Rag.AMBER),  # due today: not overdue, due soon, not started
        (RagInput(due=TODAY + timedelta(days=14)), Rag.AMBER),
        (RagInput(due=TODAY + timedelta(days=15)), Rag.GREEN),
        (RagInput(due=TODAY + timedelta(days=10), started=True), Rag.GREEN),
        (RagInput(due=TODAY + timedelta(days=60), extensions=1), Rag.AMBER),
        (RagInput(due=TODAY - timedelta(days=5), override="green"), Rag.GREEN),
        (RagInput(due=None), Rag.GREEN),
    ],
)
def test_rag_rule(item: RagInput, expected: Rag) -> None:
    assert rag(item, TODAY) is expected


def test_every_rag_has_a_text_meaning() -> None:
    assert Rag.RED.meaning == "Red — overdue or blocked"
    assert {r.meaning.split(" ")[0] for r in Rag} == {"Red", "Amber", "Green", "Blue", "Cancelled"}


def test_action_rag_uses_the_current_due_date_and_override() -> None:
    action = Action(
        status=ActionStatus.DEFERRED,
        original_due_date=TODAY - timedelta(days=40),
        due_date=TODAY + timedelta(days=40),
        blocked=False,
        extension_count=0,
        rag_override=None,
    )
    assert action_rag(action, TODAY) is Rag.GREEN  # a deferred action is judged on its new date
    action.rag_override = RagOverride.RED
    assert action_rag(action, TODAY) is Rag.RED
    assert action_rag_input(ActionStatus.COMPLETE, TODAY, blocked=False, extensions=0, override=None).done
