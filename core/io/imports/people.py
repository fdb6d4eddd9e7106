"""Importing people from a spreadsheet: one row per person, matched by reference or by name within the organisation."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, ClassVar, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.domain.organisations import Organisation, Person
from core.domain.text import name_key
from core.io.imports.reader import ColumnSpec, SheetSpec, SourceRow
from core.io.imports.registers import YES_NO, RegisterImporter, RowProblem

__all__ = ["KIND", "PEOPLE_IMPORT_COLUMNS", "PEOPLE_IMPORT_SHEET", "PeopleImporter", "organisation_ids"]

KIND: Final = "people"
PEOPLE_IMPORT_SHEET: Final = "People_Import"

PEOPLE_IMPORT_COLUMNS: Final = (
    ColumnSpec("ref", "Reference", required=False, aliases=("Ref", "External ref", "External reference", "ID")),
    ColumnSpec("full_name", "Full name", aliases=("Name", "Person")),
    ColumnSpec("organisation", "Organisation", aliases=("Agency", "Organization", "Employer")),
    ColumnSpec("role_title", "Role", required=False, aliases=("Role title", "Title", "Position")),
    ColumnSpec("email", "Email", required=False, aliases=("E-mail", "Email address")),
    ColumnSpec("phone", "Phone", required=False, aliases=("Telephone", "Phone number")),
    ColumnSpec("is_office_staff", "Office staff", "choice", required=False, choices=YES_NO),
    ColumnSpec("is_liaison", "Liaison", "choice", required=False, aliases=("Agency liaison",), choices=YES_NO),
    ColumnSpec("notes", "Notes", required=False, aliases=("Comment", "Comments")),
)
SPEC: Final = SheetSpec(
    title=PEOPLE_IMPORT_SHEET, sheet_names=(PEOPLE_IMPORT_SHEET, "People", "Contacts"), columns=PEOPLE_IMPORT_COLUMNS
)
_OPTIONAL_TEXT: Final = ("role_title", "email", "phone", "notes")


def organisation_ids(session: Session) -> dict[str, int]:
    """Organisations by the normalised form of their name, short name and code (what a user types in a cell)."""
    found: dict[str, int] = {}
    rows = session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.short_name, Organisation.code).order_by(
            Organisation.archived, Organisation.id
        )
    )
    for org_id, name, short_name, code in rows:
        found.setdefault(name_key(name), org_id)
        for other in (short_name, code):
            if other:
                found.setdefault(name_key(other), org_id)
    return found


class PeopleImporter(RegisterImporter):
    """People from xlsx or csv: new ones added, known ones (same reference, or same name and organisation)
    updated in the cells filled in."""

    kind: str = KIND
    sheets: tuple[SheetSpec, ...] = (SPEC,)
    model = Person
    noun = "person"
    key_column = "full_name"
    labels: ClassVar[Mapping[str, str]] = {
        "full_name": "Name",
        "organisation_id": "Organisation",
        "role_title": "Role",
        "email": "Email",
        "phone": "Phone",
        "is_office_staff": "Office staff",
        "is_liaison": "Liaison",
        "notes": "Notes",
        "external_ref": "Reference",
    }
    columns_of: ClassVar[Mapping[str, str]] = {
        "organisation_id": "organisation",
        "external_ref": "ref",
        "name_key": "full_name",
    }

    def lookups(self, session: Session) -> dict[str, int]:
        return organisation_ids(session)

    def row_values(self, row: SourceRow, lookups: dict[str, int], problem: RowProblem) -> dict[str, Any]:
        def text(key: str) -> str:
            value = row.value(key)
            return "" if value is None else str(value).strip()

        values: dict[str, Any] = {"full_name": text("full_name")}
        if not values["full_name"]:
            problem("full_name", "Give the person's full name.")
        organisation = text("organisation")
        values["organisation_id"] = lookups.get(name_key(organisation)) if organisation else None
        if values["organisation_id"] is None:
            problem(
                "organisation",
                f"No organisation is called {organisation!r}; add it first or use its name, short name or code."
                if organisation
                else "Give the person's organisation (its name, short name or code).",
            )
        if text("ref"):
            values["external_ref"] = text("ref")
        for key in _OPTIONAL_TEXT:
            if text(key):
                values[key] = text(key)
        for key in ("is_office_staff", "is_liaison"):
            if row.value(key) is not None:
                values[key] = row.value(key)
        return values

    def natural_key(self, values: Mapping[str, Any]) -> Hashable:
        return (name_key(str(values.get("full_name") or "")), values.get("organisation_id"))

    def describe(self, values: Mapping[str, Any]) -> tuple[str, str]:
        name = str(values.get("full_name") or "")
        return str(values.get("external_ref") or name), name
