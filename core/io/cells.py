"""The one safe cell writer and atomic save that every export goes through (RELIABILITY F1, F2, F13)."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Final, NamedTuple

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles.numbers import is_date_format

from core.io.errors import ExportError

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "MAX_CELL_TEXT",
    "MAX_SIGNIFICANT_DIGITS",
    "TRIGGERS",
    "ExportError",
    "atomic_write",
    "check_target_writable",
    "csv_field",
    "row_value",
    "safe_text",
    "save_workbook",
    "text_cell",
    "value_cell",
    "write_cell",
    "write_csv",
]

# Characters that make Excel, LibreOffice or a CSV import treat a field as a formula (OWASP CSV injection,
# plus the full-width forms Excel also accepts). NUL is included because some readers cut the field there.
TRIGGERS: Final[tuple[str, ...]] = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\0",
)
MAX_CELL_TEXT: Final = 32_767
MAX_SIGNIFICANT_DIGITS: Final = 15
DATE_FORMAT: Final = "yyyy-mm-dd"
DATETIME_FORMAT: Final = "yyyy-mm-dd hh:mm"
CSV_DELIMITERS: Final = (",", ";", "\t")

# openpyxl's ILLEGAL_CHARACTERS_RE misses U+FFFE/U+FFFF, which XML 1.0 forbids as well.
_XML_ILLEGAL_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")
_ERROR_CODES: Final = frozenset(ERROR_CODES)

# Windows antivirus and the search indexer open a freshly written file for a moment, so the rename into place
# can fail with a sharing violation that clears by itself; these pauses add up to about one second.
_REPLACE_RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.15, 0.2, 0.25, 0.25)


# ----------------------------------------------------------------------------------------------------
# Values


class _Normalised(NamedTuple):
    value: str | float | int | bool | date | None
    data_type: str
    quote_prefix: bool
    default_format: str | None


def _preview(s: str) -> str:
    return repr(s[:40] + ("…" if len(s) > 40 else ""))


def safe_text(s: str) -> str:
    """Return `s` ready for a cell or csv field: control characters become U+FFFD; never truncated.

    Raises ValueError for a lone surrogate (openpyxl would write a file no reader can open) and for text
    longer than Excel's 32,767-character cell limit (openpyxl would cut it silently).
    """
    if _SURROGATE_RE.search(s):
        raise ValueError(f"Text holds an invalid character (lone surrogate), cannot export it: {_preview(s)}")
    s = _XML_ILLEGAL_RE.sub("\ufffd", s)
    # Excel counts UTF-16 code units, so a character outside the BMP uses two of the 32,767.
    length = len(s) if len(s) <= MAX_CELL_TEXT // 2 else len(s.encode("utf-16-le")) // 2
    if length > MAX_CELL_TEXT:
        raise ValueError(
            f"Text of {length:,} characters is longer than the {MAX_CELL_TEXT:,} Excel allows in one cell: "
            f"{_preview(s)}"
        )
    return s


def _needs_quote_prefix(s: str) -> bool:
    return s.startswith(TRIGGERS) or s in _ERROR_CODES


def _checked_decimal(d: Decimal) -> float:
    if not d.is_finite():
        raise ValueError(f"Cannot export the number {d}: it is not a finite number.")
    digits = "".join(map(str, d.as_tuple().digits)).strip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        raise ValueError(
            f"Cannot export the number {d}: it has more than {MAX_SIGNIFICANT_DIGITS} significant digits, "
            "which is all Excel keeps."
        )
    f = float(d)
    if not math.isfinite(f) or (f == 0.0 and digits):
        raise ValueError(f"Cannot export the number {d}: it is outside the range Excel can hold.")
    return f


def _checked_int(i: int) -> int:
    _checked_decimal(Decimal(i))
    return i


def _checked_float(f: float) -> float:
    if not math.isfinite(f):
        # openpyxl would write an empty <v/>: a blank cell where a number should be.
        raise ValueError(f"Cannot export the number {f}: it is not a finite number.")
    return f


def _naive_utc(dt: datetime) -> datetime:
    # Excel has no time zones; an aware datetime is written as its UTC wall time so that the same instant
    # always gives the same cell, whatever the zone of the machine that exported it.
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt
    return dt.astimezone(UTC).replace(tzinfo=None)


def _normalise(value: object) -> _Normalised:
    """Check `value` and say how it must be stored: the single rule set for normal and write-only cells."""
    if value is None:
        return _Normalised(None, "n", False, None)
    if isinstance(value, str):
        text = safe_text(value)
        return _Normalised(text, "s", _needs_quote_prefix(text), None)
    if isinstance(value, bool):  # before int: bool is an int
        return _Normalised(value, "b", False, None)
    if isinstance(value, Decimal):
        # Written as a float: exact enough, since at most 15 significant digits survive the check.
        return _Normalised(_checked_decimal(value), "n", False, None)
    if isinstance(value, int):
        return _Normalised(_checked_int(value), "n", False, None)
    if isinstance(value, float):
        return _Normalised(_checked_float(value), "n", False, None)
    if isinstance(value, datetime):  # before date: datetime is a date
        return _Normalised(_naive_utc(value), "d", False, DATETIME_FORMAT)
    if isinstance(value, date):
        return _Normalised(value, "d", False, DATE_FORMAT)
    raise TypeError(f"Cannot export a value of type {type(value).__name__}: {value!r}")


def _apply(cell: Any, norm: _Normalised, number_format: str | None) -> None:
    # Read before assigning: openpyxl gives a date a "yyyy-mm-dd h:mm:ss" format of its own when set.
    has_date_format = is_date_format(cell.number_format)
    cell.value = norm.value
    # Set after the value: openpyxl's setter turns "=…" into a formula and "#N/A" into an error cell.
    cell.data_type = norm.data_type
    # Always assigned so that reusing a cell for a non-trigger value clears an earlier prefix.
    cell.quotePrefix = norm.quote_prefix
    if number_format is not None:
        cell.number_format = number_format
    elif norm.default_format is not None and not has_date_format:
        cell.number_format = norm.default_format


def write_cell(cell: Any, value: object, *, number_format: str | None = None) -> None:
    """Write `value` into a normal (not write-only) openpyxl cell: text stays text, numbers/dates are checked.

    str: always a text cell, with Excel's quote prefix when it starts with a trigger or equals an error code.
    Decimal/int: finite and at most 15 significant digits. float: finite. bool. date/datetime: date cells
    (DATE_FORMAT / DATETIME_FORMAT unless the cell already has a date format; an aware datetime is written as
    naive UTC). None: empty. Anything else raises TypeError; a value that cannot be exported raises ValueError
    and leaves the cell unchanged.
    """
    _apply(cell, _normalise(value), number_format)


def value_cell(ws: Any, value: object, *, style: Any = None, number_format: str | None = None) -> Any:
    """Return an `openpyxl.cell.WriteOnlyCell` for a write-only sheet, following the rules of `write_cell`.

    `style` is a NamedStyle or the name of one registered in the workbook; it is applied first so that
    `number_format` and the quote prefix are not lost to it.
    """
    norm = _normalise(value)
    cell = WriteOnlyCell(ws)
    if style is not None:
        cell.style = style
    _apply(cell, norm, number_format)
    return cell


def row_value(ws: Any, value: object, *, style: Any = None, number_format: str | None = None) -> Any:
    """What to append to a write-only sheet's row for `value`, by the rules of `value_cell`.

    Plain text that needs no quote prefix, and numbers, without a style or format are handed to openpyxl as they
    are: it stores them as exactly the cell `value_cell` would make, without building a cell object for each
    (several times faster on large sheets). Anything else is a `value_cell`."""
    if style is None and number_format is None:
        norm = _normalise(value)
        if norm.data_type == "s" and not norm.quote_prefix:
            return norm.value
        if norm.data_type == "n":
            return norm.value
    return value_cell(ws, value, style=style, number_format=number_format)


def text_cell(ws: Any, value: str, *, style: Any = None) -> Any:
    """Return a write-only text cell for `value`; a non-str raises TypeError (numbers never become text)."""
    if not isinstance(value, str):
        raise TypeError(f"text_cell needs a str, not {type(value).__name__}")
    return value_cell(ws, value, style=style)


# ----------------------------------------------------------------------------------------------------
# Atomic save


def check_target_writable(path: Path) -> None:
    """Raise ExportError unless `path` could be written; call it before the heavy work of an export."""
    folder = path.parent
    try:
        if not folder.exists():
            raise ExportError(f"Cannot write to folder {folder}: it does not exist.", path)
        if not folder.is_dir():
            raise ExportError(f"Cannot write to folder {folder}: it is not a folder.", path)
        if path.is_dir():
            raise ExportError(f"Cannot write {path.name}: a folder with that name already exists.", path)
    except OSError as exc:
        raise ExportError(f"Cannot write to folder {folder}: {exc.strerror or exc}.", path) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot write to folder {folder}: you lack permission to write there.", path)


def _disk_full(exc: OSError) -> bool:
    return exc.errno in {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _export_error(exc: OSError, target: Path) -> ExportError:
    if _disk_full(exc):
        return ExportError(f"Not enough disk space to write {target.name} in {target.parent}.", target)
    if isinstance(exc, PermissionError):
        return ExportError(f"Cannot write to folder {target.parent}: {exc.strerror or exc}.", target)
    return ExportError(f"Cannot write {target.name}: {exc.strerror or exc}.", target)


def _process_umask() -> int | None:
    # os.umask can only be read by setting it, which races with other threads creating files.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return None


def _match_permissions(fd: int, target: Path) -> None:
    # mkstemp creates 0600 files; an export replacing a file should keep that file's mode, and a new export
    # should get what the user's umask gives any other new file (0600 stays when the umask is unknown).
    if sys.platform == "win32":
        return
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = _process_umask()
        mode = None if umask is None else 0o666 & ~umask
    except OSError:
        mode = None
    if mode is not None:
        with contextlib.suppress(OSError):
            os.fchmod(fd, mode)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder this way and needs no help.
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replace(tmp: Path, target: Path) -> None:
    for delay in (*_REPLACE_RETRY_DELAYS, None):
        try:
            tmp.replace(target)  # os.replace: atomic, and overwrites on Windows too
            return
        except PermissionError as exc:
            if delay is None:
                raise ExportError(
                    f"Cannot write {target.name}: it is open in another program (close it in Excel) "
                    "or you lack permission.",
                    target,
                ) from exc
            time.sleep(delay)


def atomic_write(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `target` through `write(file)` so that it is replaced whole or not at all.

    The data goes to a temporary file in the target's folder, is flushed and fsynced, and is renamed over the
    target. On any failure the temporary file is removed and an existing target is left byte for byte as it
    was. OS failures become ExportError; anything `write` raises otherwise propagates unchanged.
    """
    check_target_writable(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~" + target.stem, suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _export_error(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            _match_permissions(f.fileno(), target)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise _export_error(exc, target) from exc
    except BaseException:
        _discard(tmp)
        raise
    _fsync_folder(target.parent)


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def save_workbook(wb: Any, target: Path) -> None:
    """Save an openpyxl workbook (normal or write-only) to `target` atomically; see `atomic_write`."""
    atomic_write(target, wb.save)


# ----------------------------------------------------------------------------------------------------
# CSV


def csv_field(s: str) -> str:
    """Prefix a field that starts with a trigger character with an apostrophe (OWASP CSV injection advice)."""
    return "'" + s if s.startswith(TRIGGERS) else s


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_field(safe_text(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        _checked_decimal(value)
        # Plain digits with the value's own scale ("1234.50"): no exponent, no thousands separator.
        return format(value, "f")
    if isinstance(value, int):
        return str(_checked_int(value))
    if isinstance(value, float):
        return repr(_checked_float(value))
    if isinstance(value, datetime):
        return _naive_utc(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Cannot export a value of type {type(value).__name__}: {value!r}")


def write_csv(
    target: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
) -> int:
    """Write a CSV file atomically (UTF-8 with BOM, CRLF) and return the number of data rows written.

    Values follow the cell rules: text is checked and trigger-prefixed, numbers must be finite with at most 15
    significant digits, dates are ISO (YYYY-MM-DD), Decimal keeps its scale, None is empty.
    """
    if delimiter not in CSV_DELIMITERS:
        raise ValueError(f"CSV delimiter must be a comma, a semicolon or a tab, not {delimiter!r}")
    count = 0

    def write(f: BinaryIO) -> None:
        nonlocal count
        # The BOM lets Excel detect UTF-8; newline="" leaves the CRLF line ends to the csv module.
        text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
        try:
            writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
            writer.writerow([_csv_text(h) for h in header])
            for row in rows:
                writer.writerow([_csv_text(v) for v in row])
                count += 1
            text.flush()
        finally:
            # Hand the binary file back to atomic_write, which still has to fsync and close it.
            text.detach()

    atomic_write(target, write)
    return count
