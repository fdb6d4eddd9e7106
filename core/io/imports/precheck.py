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


# Stream the XML in chunks; a tag split across two chunks is caught by keeping the tail of the previous one.
_CHUNK: Final = 1 * MB
_OVERLAP: Final = 512
_DTD_RE: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF_RE: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,9})[\"']"
)
_ROW_REF_RE: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*[\"']([0-9]{1,9})[\"']")
_ROW_TAG_RE: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_FORMULA_RE: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_WORKSHEET_PART_RE: Final = re.compile(r"^xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml$", re.IGNORECASE)
_XML_PART_RE: Final = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)


def column_number(letters: str) -> int:
    """`A` → 1, `XFD` → 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


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


@dataclass
class _ScanState:
    formulas: bool = False
    max_row: int = 0
    max_column: int = 0
    row_tags: int = 0


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: ImportLimits, state: _ScanState
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
                _scan_sheet_window(window, len(tail), path, limits, state)
            tail = window[-_OVERLAP:]


def _scan_sheet_window(window: bytes, overlap: int, path: Path, limits: ImportLimits, state: _ScanState) -> None:
    if not state.formulas and _FORMULA_RE.search(window):
        state.formulas = True
    # Row tags are counted once: only those that start after the overlap carried from the previous chunk.
    state.row_tags += sum(1 for m in _ROW_TAG_RE.finditer(window) if m.start() >= overlap)
    if state.row_tags > limits.max_row_number:
        raise _too_many_rows(path, limits)
    for match in _ROW_REF_RE.finditer(window):
        state.max_row = max(state.max_row, int(match.group(1)))
    for match in _CELL_REF_RE.finditer(window):
        letters, digits = match.group(1).decode("ascii"), match.group(2)
        column = column_number(letters)
        if column > limits.max_columns:
            raise _reject(
                path,
                f"it has a cell at {letters.upper()}{int(digits)}, beyond column "
                f"{column_letters(limits.max_columns)}; delete the far-away cells (Ctrl+End shows them) "
                "and save it again.",
            )
        state.max_row = max(state.max_row, int(digits))
    if state.max_row > limits.max_row_number:
        raise _too_many_rows(path, limits)


def _too_many_rows(path: Path, limits: ImportLimits) -> ImportRejected:
    return _reject(
        path,
        f"it has cells beyond row {limits.max_row_number:,}; an import takes at most "
        f"{limits.max_data_rows:,} rows of data (delete the far-away cells, or split the file).",
    )


def column_letters(number: int) -> str:
    """1 → `A`, 16384 → `XFD`."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
        state = _ScanState()
        try:
            for info in members:
                if _XML_PART_RE.search(info.filename):
                    _scan_part(archive, info, path, limits, state)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            # A wrong CRC, a size that lies or an unknown compression method: the file is not what it says.
            raise _reject(path, "the file is damaged (a part of it does not unpack correctly).") from exc
    has_macros = any(name.lower() == "xl/vbaproject.bin" for name in names)
    return PrecheckReport(
        path=path,
        size=size,
        has_macros=has_macros,
        has_formulas=state.formulas,
        warnings=(MACROS_IGNORED,) if has_macros else (),
    )
