"""Formulas that show their values in any viewer: the computed value is stored in the file beside each formula.

openpyxl writes a formula with an empty cached value (`<f>SUM(C5:C9)</f><v/>`), which Excel fills on opening but
Outlook's preview, Protected View, mobile viewers, pandas and `openpyxl(data_only=True)` show as blank. The
writers know every total they put in a formula (they computed it from the same figures), so each formula cell is
registered with its value and, after openpyxl has saved the workbook, the sheets holding formulas are rewritten
with `<v>` filled in before the file is renamed into place. Excel still recalculates everything on load
(`fullCalcOnLoad`), so a formula that a user later edits is never shown with a stale value.

Rewriting openpyxl's own output, rather than patching its cell writer, keeps openpyxl's internals out of it: the
input is plain SpreadsheetML that any version of openpyxl (or another writer) produces.
"""

from __future__ import annotations

import contextlib
import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as xml_escape

from core.io.cells import atomic_write

__all__ = [
    "CachedFormulas",
    "copy_with_cached_values",
    "fill_write_only_sheet",
    "formula_cell",
    "save_with_cached_values",
]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CachedValue = Decimal | int | float | bool | str


class CachedFormulas:
    """The formula cells of a workbook being written, with the value each computes, by sheet title and cell."""

    def __init__(self) -> None:
        self._by_sheet: dict[str, dict[str, CachedValue]] = {}

    def add(self, sheet: str, ref: str, value: CachedValue) -> None:
        self._by_sheet.setdefault(sheet, {})[ref.upper()] = value

    def for_sheet(self, sheet: str) -> Mapping[str, CachedValue]:
        return self._by_sheet.get(sheet, {})

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(self._by_sheet)


def formula_cell(
    ws: Any,
    formula: str,
    value: CachedValue,
    cached: CachedFormulas,
    ref: str,
    *,
    style: Any = None,
    number_format: str | None = None,
) -> Any:
    """A write-only formula cell at `ref` of sheet `ws`, its value `value` registered in `cached`.

    `formula` is the program's own text ("=SUM(C5:C9)"), never user text: user text goes through the safe
    cell writer, which keeps it a string."""
    from openpyxl.cell import WriteOnlyCell

    if not formula.startswith("="):
        raise ValueError(f"A formula starts with '=': {formula!r}")
    _value_text(value)  # refuse a value that cannot be stored before anything is written
    cell = WriteOnlyCell(ws)
    if style is not None:
        cell.style = style
    cell.value = formula
    cell.data_type = "f"
    if number_format is not None:
        cell.number_format = number_format
    cached.add(ws.title, ref, value)
    return cell


def _value_text(value: CachedValue) -> tuple[str | None, str]:
    """(the cell's t attribute, the text of <v>) for a cached value."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, str):
        return "str", value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Cannot store the value {value} of a formula: it is not a finite number.")
        value = float(value)
    if isinstance(value, int):
        return None, str(value)
    if isinstance(value, float) and math.isfinite(value):
        # repr is the shortest text that reads back as the same double, as Excel writes it.
        return None, repr(value)
    raise ValueError(f"Cannot store the value {value!r} of a formula.")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the zip path of its XML, read from the workbook and its relationships."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _fill_values(xml: bytes, values: Mapping[str, CachedValue]) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    missing = set(values)
    for cell in root.iter(f"{{{_MAIN}}}c"):
        ref = cell.get("r")
        formula = cell.find(f"{{{_MAIN}}}f")
        if ref not in values or formula is None:
            continue
        missing.discard(ref)
        kind, text = _value_text(values[ref])
        if kind is None:
            cell.attrib.pop("t", None)
        else:
            cell.set("t", kind)
        v = cell.find(f"{{{_MAIN}}}v")
        if v is None:
            v = etree.SubElement(cell, f"{{{_MAIN}}}v")
            formula.addnext(v)
        v.text = text
    if missing:
        raise ValueError(f"No formula was written at {', '.join(sorted(missing))}: the cached values do not match.")
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def copy_with_cached_values(source: BinaryIO, target: BinaryIO, cached: CachedFormulas) -> None:
    """Copy the .xlsx in `source` to `target`, filling the cached value of every formula registered in `cached`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        parts = _sheet_parts(src)
        rewrite = {parts[title]: cached.for_sheet(title) for title in cached.sheets if title in parts}
        unknown = set(cached.sheets) - parts.keys()
        if unknown:
            raise ValueError(f"Formulas were registered for sheets the workbook lacks: {', '.join(sorted(unknown))}")
        for info in src.infolist():
            data = src.read(info)
            if info.filename in rewrite:
                data = _fill_values(data, rewrite[info.filename])
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def save_with_cached_values(wb: Any, target: Path, cached: CachedFormulas) -> None:
    """Save an openpyxl workbook atomically (see core.io.cells.atomic_write) with its formulas' values stored,
    and Excel told to recalculate everything when it opens the file."""
    wb.calculation.fullCalcOnLoad = True

    def write(f: BinaryIO) -> None:
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        copy_with_cached_values(buffer, f, cached)

    atomic_write(target, write)


# ----------------------------------------------------------------------------------------------------
# Write-only sheets of any size: values filled into the sheet's own temporary file before the workbook is saved.
#
# `save_with_cached_values` parses each sheet into a tree, which for a sheet of 100,000 rows costs more memory than
# the whole export may use, and re-compresses every part. A write-only sheet is streamed by openpyxl into a
# temporary file of plain SpreadsheetML that `save` then copies into the zip, so that file can be rewritten in
# place, one block of whole rows at a time, with the value of each formula looked up as it passes.

_FORMULA_WITHOUT_VALUE = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^>]*)><f>([^<]*)</f><v(?:\s*/>|></v>)')
_CHUNK = 4 * 1024 * 1024

ValueLookup = Callable[[str], CachedValue | None]


def _filled_cell(match: re.Match[bytes], lookup: ValueLookup) -> bytes:
    ref = match.group(1).decode("ascii")
    value = lookup(ref)
    if value is None:
        raise ValueError(f"No value was given for the formula at {ref}.")
    kind, text = _value_text(value)
    attributes = match.group(2)
    if kind is not None:
        attributes = re.sub(rb'\st="[^"]*"', b"", attributes) + f' t="{kind}"'.encode()
    body = xml_escape(text).encode("utf-8")
    return b'<c r="' + match.group(1) + b'"' + attributes + b"><f>" + match.group(3) + b"</f><v>" + body + b"</v>"


def fill_write_only_sheet(ws: Any, lookup: ValueLookup) -> int:
    """Close the write-only sheet `ws` and store, for every formula it holds, the value `lookup(ref)` gives
    (None is an error: every formula must carry its value). Returns the number of formulas filled.

    Call it once all rows are appended and before the workbook is saved."""
    if not ws.closed:
        ws.close()
    # openpyxl keeps the streamed sheet in `_writer.out` until `save` copies it: the one private name relied on.
    source = Path(ws._writer.out)
    target = source.with_name(source.name + ".filled")
    filled = 0

    def fill(match: re.Match[bytes]) -> bytes:
        nonlocal filled
        filled += 1
        return _filled_cell(match, lookup)

    try:
        with source.open("rb") as src, target.open("wb") as dst:
            pending = b""
            while chunk := src.read(_CHUNK):
                pending += chunk
                # Only whole rows are rewritten: a cell is never split across two blocks.
                cut = pending.rfind(b"</row>")
                if cut < 0:
                    continue
                cut += len(b"</row>")
                dst.write(_FORMULA_WITHOUT_VALUE.sub(fill, pending[:cut]))
                pending = pending[cut:]
            dst.write(_FORMULA_WITHOUT_VALUE.sub(fill, pending))
        target.replace(source)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return filled
