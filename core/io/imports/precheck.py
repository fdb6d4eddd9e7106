"""The pre-check every imported workbook passes before any parser sees it (RELIABILITY §5, F3-F5, rows 30-37).

Parsers are the wrong place to find out that a file is hostile: openpyxl pads a far-away cell to a million rows,
a zip bomb inflates to gigabytes, and calamine aborts the whole process on some files. This module looks at the
bytes, the zip directory and a streamed scan of the XML only, so it stays fast and small on any input.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from core.io.imports.errors import ImportRejected
from core.io.imports.sheet_scan import FarCell, SheetScan, TooManyRows, column_letters, column_number

__all__ = [
    "DEFAULT_LIMITS",
    "ImportLimits",
    "PrecheckReport",
    "column_letters",
    "column_number",
    "precheck_xlsx",
]

MB: Final = 1024 * 1024

ZIP_MAGIC: Final = b"PK\x03\x04"
EMPTY_ZIP_MAGIC: Final = b"PK\x05\x06"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD_BYTES: Final = 4096
MACROS_IGNORED: Final = "The workbook contains macros; they were ignored and never run."

# A header may sit a few rows down (a title above the table); this many rows above the data are allowed for it.
HEADER_SEARCH_ROWS: Final = 50


@dataclass(frozen=True)
class ImportLimits:
    """DESIGN §7 Imports: one set of limits for every importer (tests may pass smaller ones)."""

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 300 * MB
    max_ratio: int = 100
    ratio_exempt_bytes: int = 1 * MB
    max_members: int = 10_000
    max_data_rows: int = 250_000
    # Wider than any import's columns; a cell beyond it is a far-away cell, not data (old Excel's IV).
    max_columns: int = 256
    # calamine holds a sheet as a dense grid (about 32 bytes a cell) and aborts the process when an allocation
    # fails, so it only reads a sheet whose whole area fits this; a larger one is streamed by openpyxl.
    fast_reader_max_cells: int = 8_000_000
    # ... and only when the parts it loads besides the sheets (shared strings, styles) unpack to at most this.
    fast_reader_max_other_bytes: int = 100 * MB

    @property
    def max_row_number(self) -> int:
        return self.max_data_rows + HEADER_SEARCH_ROWS


DEFAULT_LIMITS: Final = ImportLimits()


@dataclass(frozen=True)
class PrecheckReport:
    """What the pre-check learnt: facts the reader needs and warnings for the user."""

    path: Path
    size: int
    has_macros: bool = False
    has_formulas: bool = False
    warnings: tuple[str, ...] = field(default=())
    # What decides whether the fast reader (calamine) may see the file; see `fast_reader_fits`.
    has_error_cells: bool = False
    plain_cells: bool = True  # every cell is an unprefixed <c> whose first attribute is its reference
    sheets_scanned: bool = False  # every worksheet the workbook lists is a part this scan bounded
    row_bound: int = 0  # no cell lies below this row or right of this column
    column_bound: int = 0
    other_bytes: int = 0  # unpacked size of every part that is not a worksheet

    def fast_reader_fits(self, limits: ImportLimits) -> bool:
        """Whether calamine may read this file: it aborts the process (no exception) on a grid too large to
        allocate, and it reads error cells and unsaved formulas as '' silently, so any of those goes to openpyxl."""
        return (
            self.sheets_scanned
            and self.plain_cells
            and not self.has_formulas
            and not self.has_error_cells
            and self.row_bound * self.column_bound <= limits.fast_reader_max_cells
            and self.other_bytes <= limits.fast_reader_max_other_bytes
        )


# Stream the XML in chunks; a tag split across two chunks is caught by keeping the tail of the previous one.
_CHUNK: Final = 1 * MB
_OVERLAP: Final = 512
_DTD_RE: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_WORKBOOK_RELS: Final = "xl/_rels/workbook.xml.rels"
_RELATIONSHIP_RE: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s[^>]*>")
_TYPE_RE: Final = re.compile(rb"\sType\s*=\s*[\"']([^\"']*)[\"']")
_TARGET_RE: Final = re.compile(rb"\sTarget\s*=\s*[\"']([^\"']*)[\"']")
_WORKSHEET_PART_RE: Final = re.compile(r"^xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml$", re.IGNORECASE)
_XML_PART_RE: Final = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)


def _reject(path: Path, reason: str) -> ImportRejected:
    return ImportRejected(f"Cannot import {path.name}: {reason}", path)


def _looks_like_text(head: bytes, whole: bool) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text; at the end of the file it is not.
        return not whole and exc.start >= len(head) - 3
    return True


def _not_a_zip_reason(head: bytes, whole: bool) -> str:
    if not head:
        return "the file is empty."
    if head.startswith(OLE_MAGIC):
        return (
            "it is an old Excel 97-2003 (.xls) workbook or a password-protected one; "
            "open it in Excel and save it as .xlsx without a password, then import that."
        )
    if head.startswith(EMPTY_ZIP_MAGIC):
        return "it is an empty zip archive, not an Excel workbook."
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in stripped[:512]:
        return (
            "it is a web page or XML file renamed as a workbook (some systems export these as .xls); "
            "open it in Excel and save it as .xlsx."
        )
    if _looks_like_text(head, whole):
        return "it is a text file (perhaps CSV), not an Excel workbook; save it as .xlsx in Excel."
    return "it is not an Excel workbook (.xlsx)."


def _zip_members(path: Path, limits: ImportLimits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise _reject(
            path, "the file is damaged or incomplete (perhaps a download or e-mail attachment cut short)."
        ) from exc
    members = archive.infolist()
    if len(members) > limits.max_members:
        archive.close()
        raise _reject(
            path,
            f"it holds {len(members):,} parts; a workbook that can be imported has at most {limits.max_members:,}.",
        )
    return archive, members


def _check_sizes(path: Path, members: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise _reject(path, "parts of it are encrypted; save it in Excel without a password and import that.")
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise _reject(
                path,
                f"it unpacks to more than {limits.max_uncompressed_bytes // MB:,} MB, "
                "the most an import takes (it may be a zip bomb).",
            )
        if info.file_size > limits.ratio_exempt_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _reject(
                    path,
                    f"its part {info.filename} inflates {ratio:,.0f} times, more than the {limits.max_ratio} "
                    "an import allows (it may be a zip bomb).",
                )


def _check_parts(path: Path, names: set[str]) -> None:
    lowered = {name.lower() for name in names}
    if "[content_types].xml" not in lowered:
        raise _reject(path, "it is a zip archive but not an Excel workbook.")
    if "xl/workbook.bin" in lowered:
        raise _reject(path, "it is a binary Excel workbook (.xlsb); save it as .xlsx in Excel and import that.")
    if "xl/workbook.xml" not in lowered:
        if "word/document.xml" in lowered:
            raise _reject(path, "it is a Word document, not an Excel workbook.")
        if "ppt/presentation.xml" in lowered:
            raise _reject(path, "it is a PowerPoint presentation, not an Excel workbook.")
        if "content.xml" in lowered:
            raise _reject(path, "it is an OpenDocument file; save it as .xlsx and import that.")
        raise _reject(path, "it is a zip archive but not an Excel workbook.")
    if not any(_WORKSHEET_PART_RE.match(name) for name in names):
        raise _reject(path, "the workbook has no worksheets.")


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: ImportLimits, state: SheetScan
) -> None:
    worksheet = bool(_WORKSHEET_PART_RE.match(info.filename))
    tail = b""
    first = True
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            if first:
                first = False
                # The scan below reads bytes: an XML part in UTF-16 would hide a DOCTYPE from it. Excel never
                # writes one, so such a part is refused rather than decoded.
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]:
                    raise _reject(
                        path, f"its part {info.filename} is not encoded as UTF-8; it is not a normal Excel workbook."
                    )
            window = tail + chunk
            if _DTD_RE.search(window):
                raise _reject(
                    path,
                    f"its part {info.filename} declares a document type or entities, which Excel never writes "
                    "(the file may be built to attack the reader).",
                )
            if worksheet:
                try:
                    state.window(window, len(tail))
                except FarCell as far:
                    raise _reject(
                        path,
                        f"it has a cell at {far.ref}, beyond column {column_letters(limits.max_columns)}; delete "
                        "the far-away cells (Ctrl+End shows them) and save it again.",
                    ) from None
                except TooManyRows:
                    raise _too_many_rows(path, limits) from None
            tail = window[-_OVERLAP:]


def _too_many_rows(path: Path, limits: ImportLimits) -> ImportRejected:
    return _reject(
        path,
        f"it has cells beyond row {limits.max_row_number:,}; an import takes at most "
        f"{limits.max_data_rows:,} rows of data (delete the far-away cells, or split the file).",
    )


def precheck_xlsx(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> PrecheckReport:
    """Refuse `path` with ImportRejected (one line naming the file and the reason) unless it is a sound .xlsx.

    Checks, in this order and before any parser runs: size, magic bytes, the zip directory (member count,
    encryption, total unpacked size, per-member inflation), the parts a workbook needs, then a streamed scan of
    every XML part for DOCTYPE/ENTITY declarations and of every sheet for cells beyond the import limits.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except FileNotFoundError as exc:
        raise ImportRejected(f"Cannot import {path.name}: the file does not exist.", path) from exc
    except IsADirectoryError as exc:
        raise ImportRejected(f"Cannot import {path.name}: it is a folder, not a file.", path) from exc
    except OSError as exc:
        raise ImportRejected(f"Cannot import {path.name}: {exc.strerror or exc}.", path) from exc
    if size > limits.max_file_bytes:
        raise _reject(
            path, f"it is {size / MB:,.1f} MB; an import takes files of at most {limits.max_file_bytes // MB} MB."
        )
    if not head.startswith(ZIP_MAGIC):
        raise _reject(path, _not_a_zip_reason(head, whole=size <= len(head)))
    archive, members = _zip_members(path, limits)
    with archive:
        _check_sizes(path, members, limits)
        names = {info.filename for info in members}
        _check_parts(path, names)
        state = SheetScan(limits.max_row_number, limits.max_columns)
        try:
            for info in members:
                if _XML_PART_RE.search(info.filename):
                    _scan_part(archive, info, path, limits, state)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            # A wrong CRC, a size that lies or an unknown compression method: the file is not what it says.
            raise _reject(path, "the file is damaged (a part of it does not unpack correctly).") from exc
        sheets_scanned = _sheets_scanned(archive, members)
    has_macros = any(name.lower() == "xl/vbaproject.bin" for name in names)
    return PrecheckReport(
        path=path,
        size=size,
        has_macros=has_macros,
        has_formulas=state.formulas,
        warnings=(MACROS_IGNORED,) if has_macros else (),
        has_error_cells=state.error_cells,
        plain_cells=not state.unreferenced_cells,
        sheets_scanned=sheets_scanned,
        row_bound=state.row_bound,
        column_bound=state.column_bound,
        other_bytes=sum(i.file_size for i in members if not _WORKSHEET_PART_RE.match(i.filename)),
    )


def _sheets_scanned(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> bool:
    """Whether every worksheet xl/_rels/workbook.xml.rels lists (where calamine finds the sheets) is one of the
    parts the scan bounded: a sheet hidden in a part named otherwise was never checked for far-away cells."""
    rels = [i for i in members if i.filename == _WORKBOOK_RELS]
    if len(rels) != 1 or rels[0].file_size > MB:
        return False
    scanned = {i.filename for i in members if _WORKSHEET_PART_RE.match(i.filename)}
    targets = []
    for tag in _RELATIONSHIP_RE.findall(archive.read(rels[0])):
        kind, target = _TYPE_RE.search(tag), _TARGET_RE.search(tag)
        if kind is None or not kind.group(1).endswith(b"/worksheet"):
            continue
        if target is None:
            return False
        # Only the two spellings every reader resolves alike: relative to xl/, or absolute from the root.
        name = target.group(1).decode("utf-8", "replace")
        resolved = name[1:] if name.startswith("/xl/") else f"xl/{name}"
        if ".." in name or "\\" in name or resolved not in scanned:
            return False
        targets.append(resolved)
    return bool(targets)
