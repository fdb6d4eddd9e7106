"""Imports every model so `Base.metadata` is complete (migrations, checks and tests start here)."""

from __future__ import annotations

from core.domain.audit import AuditEntry, ImportBatch
from core.domain.base import Base
from core.domain.commitments import Commitment, Milestone
from core.domain.forums import DelegationMember, Forum, ForumEvent
from core.domain.meetings import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    EngagementGroup,
    GroupMembership,
    Meeting,
    Paper,
)
from core.domain.organisations import Organisation, Person
from core.domain.reference import CostCategory, Marking, Office, ReferenceItem
from core.domain.resources import BudgetLine, BudgetMonth, BudgetRevision, StaffAllocation
from core.domain.secondments import ChecklistItem, ChecklistTemplate, Secondment, SecondmentExtension

__all__ = [
    "Action",
    "AgendaItem",
    "Attendance",
    "AuditEntry",
    "Base",
    "BudgetLine",
    "BudgetMonth",
    "BudgetRevision",
    "ChecklistItem",
    "ChecklistTemplate",
    "Commitment",
    "CostCategory",
    "Decision",
    "DelegationMember",
    "EngagementGroup",
    "Forum",
    "ForumEvent",
    "GroupMembership",
    "ImportBatch",
    "Marking",
    "Meeting",
    "Milestone",
    "Office",
    "Organisation",
    "Paper",
    "Person",
    "ReferenceItem",
    "Secondment",
    "SecondmentExtension",
    "StaffAllocation",
]
