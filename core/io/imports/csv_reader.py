"""Reading a CSV file into the same table an xlsx gives (RELIABILITY F12, rows 52-54).

Python's csv module is lenient where an import must not be: a NUL byte passes, an unterminated quote swallows
the rest of the file, a UTF-8 BOM sticks to the first header and a `;` file read with `,` gives one column. This
reader decodes strictly, sniffs the delimiter among `,` `;` and tab, parses with `strict=True` and refuses each of
those cases with a one-line reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from core.io.imports.errors import ImportRejected
from core.io.imports.precheck import DEFAULT_LIMITS, HEADER_SEARCH_ROWS, OLE_MAGIC, ZIP_MAGIC, ImportLimits
from core.io.imports.reader import Problem, RawRow, SheetSpec, WorkbookRead, collect_rows, locate_header

__all__ = ["CSV_FIELD_LIMIT", "NOT_UTF8", "read_csv", "sniff_delimiter"]

DELIMITERS: Final = ",;\t"
# Python's default field limit; a longer field is refused rather than the limit raised for it.
CSV_FIELD_LIMIT: Final = 131_072
NOT_UTF8: Final = "The file is not UTF-8; it was read as Windows-1252 (check accented letters)."
_SAMPLE: Final = 64 * 1024
_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def _reject(path: Path, reason: str) -> ImportRejected:
    return ImportRejected(f"Cannot import {path.name}: {reason}", path)


def _decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8"
        if b"\x00" in data:
            raise _reject(path, "it holds NUL characters, so it is not a text file.")
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise _reject(path, f"it is not valid {encoding.upper()} text.") from None
    return data.decode("cp1252", errors="replace"), [NOT_UTF8]


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab, as the first lines use it; a comma when they do not tell."""
    sample = text[:_SAMPLE]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _unquote(value: str) -> str:
    # Exports put an apostrophe before a field that starts with a formula trigger; take it off on the way in.
    return value[1:] if value.startswith("'") and value[1:].startswith(_TRIGGERS) else value


def _rows(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, row in enumerate(reader, 1):
            if "\x00" in "".join(row):
                raise _reject(path, f"row {number} holds a NUL character.")
            yield number, [_unquote(field) for field in row]
    except csv.Error as exc:
        line = reader.line_num or number
        if "field larger than field limit" in str(exc):
            raise _reject(path, f"line {line} has a field longer than {CSV_FIELD_LIMIT:,} characters.") from exc
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise _reject(path, f"a quoted field opened on or before line {line} is never closed.") from exc
        raise _reject(path, f"line {line} is not valid CSV ({exc}).") from exc


def read_csv(
    path: Path,
    spec: SheetSpec,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
    check_cancel: Callable[[], None] = lambda: None,
) -> WorkbookRead:
    """Read `path` as one table for `spec` (its title names the table), or ImportRejected with one line."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise _reject(
                path, f"it is larger than {limits.max_file_bytes // (1024 * 1024)} MB, the most an import takes."
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _reject(path, "the file does not exist.") from exc
    except OSError as exc:
        raise _reject(path, f"{exc.strerror or exc}.") from exc
    if not data.strip():
        raise _reject(path, "the file is empty.")
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise _reject(path, "it is an Excel workbook, not a CSV file; import it under its own .xlsx name.")
    text, notes = _decode(data, path)
    delimiter = sniff_delimiter(text)
    sheet = path.name
    rows = _rows(text, delimiter, path)
    head: list[tuple[object, ...]] = []
    numbered: list[tuple[int, list[str]]] = []
    for number, row in rows:
        numbered.append((number, row))
        head.append(tuple(row))
        if number >= HEADER_SEARCH_ROWS:
            break
    header_row, positions, problems = locate_header(head, spec, sheet, path)
    width = len(head[header_row - 1])

    def raw_rows() -> Iterator[RawRow]:
        for number, row in [*numbered[header_row:], *rows]:
            if len(row) > width and any(field.strip() for field in row[width:]):
                problems.append(
                    Problem(sheet, number, None, f"This row has {len(row)} fields; the header has {width}.")
                )
            yield number, [field if field.strip() else None for field in row], frozenset()

    table = collect_rows(
        sheet, spec, header_row, positions, raw_rows(), problems, path=path, limits=limits, check_cancel=check_cancel
    )
    return WorkbookRead(path, {spec.title: table}, tuple(notes))
