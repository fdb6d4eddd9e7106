"""The look every workbook shares: named styles, print layout, marked headers and footers, document properties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

__all__ = [
    "CREATOR",
    "DEMO_LINE",
    "PERSONAL_DATA_LINE",
    "RAG_FILLS",
    "header_footer_text",
    "marking_with_demo",
    "register_styles",
    "set_document_properties",
    "set_header_footer",
    "set_print_layout",
]

CREATOR = "Cyber Affairs Desk"
DEMO_LINE = "DEMO DATA — FICTIONAL PEOPLE AND BILATERAL PARTNERS"
PERSONAL_DATA_LINE = (
    "Contains personal data: keep it only where the office's privacy rules allow and do not forward it."
)

RAG_FILLS = {"Red": "FFC7CE", "Amber": "FFEB9C", "Green": "C6EFCE", "Blue": "BDD7EE", "Cancelled": "D9D9D9"}
HEADER_FILL = "D9E1F2"
WARNING_COLOUR = "C00000"

# Excel refuses a header or footer longer than 255 characters (all three sections and their codes together):
# these shares leave room for the section and font codes.
HF_OFFICE, HF_MARKING, HF_TITLE = 90, 50, 60
_DEMO_SUFFIX = " — DEMO DATA"


def register_styles(wb: Any) -> None:
    """The named styles the writers use: cd_title, cd_warning, cd_header, cd_label, cd_left and cd_rag_<RAG>."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    def solid(colour: str) -> PatternFill:
        return PatternFill(fill_type="solid", start_color=colour, end_color=colour)

    styles = [
        NamedStyle("cd_title", font=Font(bold=True, size=12)),
        NamedStyle("cd_warning", font=Font(bold=True, color=WARNING_COLOUR)),
        NamedStyle(
            "cd_header",
            font=Font(bold=True),
            fill=solid(HEADER_FILL),
            border=Border(bottom=Side(style="thin")),
            alignment=Alignment(wrap_text=True, vertical="center"),
        ),
        NamedStyle("cd_label", font=Font(bold=True), alignment=Alignment(vertical="top")),
        NamedStyle("cd_left", alignment=Alignment(horizontal="left")),
        *(NamedStyle(f"cd_rag_{name}", fill=solid(colour)) for name, colour in RAG_FILLS.items()),
    ]
    for style in styles:
        wb.add_named_style(style)


def header_footer_text(text: str, limit: int) -> str:
    """User text made safe for a header/footer section: one line, `&` escaped as `&&`, at most `limit` chars."""
    escaped = " ".join(text.split()).replace("&", "&&")
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    # Every "&" is doubled, so an odd run of them at the end means the cut split an escape in half.
    if (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]
    return cut + "…"


def marking_with_demo(marking: str | None, demo: bool) -> str:
    """The marking as headers show it, with the demo flag that no printed page of demo data may lose."""
    text = marking or ""
    if demo:
        text = f"{text}{_DEMO_SUFFIX}" if text else "DEMO DATA"
    return text


def set_header_footer(
    ws: Any, *, office: str, marking: str | None, demo: bool, header_right: str, footer_left: str
) -> None:
    """Office, marking and `header_right` on top; `footer_left`, marking and "Page X of Y" below."""
    shown = header_footer_text(marking_with_demo(marking, demo), HF_MARKING + len(_DEMO_SUFFIX))
    for part, text in (
        (ws.oddHeader.left, header_footer_text(office, HF_OFFICE)),
        (ws.oddHeader.center, shown),
        (ws.oddHeader.right, header_footer_text(header_right, HF_TITLE)),
        (ws.oddFooter.left, header_footer_text(footer_left, HF_TITLE)),
        (ws.oddFooter.center, shown),
        (ws.oddFooter.right, "Page &P of &N"),
    ):
        part.text = text
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddFooter.center.font = "Calibri,Bold"


def set_print_layout(
    ws: Any, *, paper_size: str, widths: Sequence[float], header_row: int | None, filter_ref: str | None = None
) -> None:
    """Column widths, frozen panes and print titles below/at `header_row`, landscape, fit to width, paper size.

    For a write-only sheet call it before the first row is appended: the layout is written ahead of the data."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if header_row is not None:
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER if paper_size == "LETTER" else Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if filter_ref is not None:
        ws.auto_filter.ref = filter_ref


def set_document_properties(wb: Any, *, title: str, marking: str | None, as_at: date) -> None:
    wb.properties.title = title
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.subject = marking or ""
    wb.properties.description = f"Data as at {as_at.isoformat()}"
