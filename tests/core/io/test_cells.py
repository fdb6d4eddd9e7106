"""Tests for the safe cell writer, atomic save and csv writer: reopen every file and read the sheet XML."""

from __future__ import annotations

import csv
import errno
import gc
import io
import os
import re
import stat
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import NamedStyle

from core.io import cells
from core.io.cells import (
    ExportError,
    atomic_write,
    check_target_writable,
    csv_field,
    safe_text,
    save_workbook,
    text_cell,
    value_cell,
    write_cell,
    write_csv,
)

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","click")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "+1",
    "-1+1",
    "-5",
    "#N/A",
    "#DIV/0!",
    "\t=1",
    "\uff1d1",  # full-width =
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(1)",
]

KINDS = ["normal", "write_only"]


def build(path: Path, kind: str, values: Sequence[object], number_format: str | None = None) -> Path:
    """Write `values` down column A with the writer of `kind` and save atomically."""
    if kind == "normal":
        wb = Workbook()
        ws = wb.active
        for row, value in enumerate(values, start=1):
            write_cell(ws.cell(row=row, column=1), value, number_format=number_format)
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet")
        try:
            for value in values:
                ws.append([value_cell(ws, value, number_format=number_format)])
        except Exception:
            ws.close()  # an abandoned write-only sheet otherwise complains when garbage-collected
            raise
    save_workbook(wb, path)
    return path


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def cell_xml(xml: str, ref: str) -> str:
    m = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml)
    assert m is not None, f"no cell {ref} in sheet XML"
    return m.group(0)


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".~*.tmp"))


def loaded_cells(path: Path) -> list[Any]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [row[0] for row in ws.iter_rows(min_col=1, max_col=1)]


# ----------------------------------------------------------------------------------------------------
# Text


@pytest.mark.parametrize("kind", KINDS)
def test_trigger_text_stays_text_and_round_trips(tmp_path: Path, kind: str) -> None:
    path = build(tmp_path / "payloads.xlsx", kind, [*PAYLOADS, "plain text"])
    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml
    for row in range(1, len(PAYLOADS) + 1):
        assert 't="inlineStr"' in cell_xml(xml, f"A{row}")
    loaded = loaded_cells(path)
    assert [c.value for c in loaded] == [*PAYLOADS, "plain text"]
    assert all(c.data_type == "s" for c in loaded)
    assert [c.quotePrefix for c in loaded] == [True] * len(PAYLOADS) + [False]


def test_openpyxl_alone_would_write_formulas_and_errors(tmp_path: Path) -> None:
    # Guards the premise of the tests above: without write_cell the same payloads become live cells.
    wb = Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["A2"] = "#N/A"
    wb.save(tmp_path / "naive.xlsx")
    xml = sheet_xml(tmp_path / "naive.xlsx")
    assert "<f>1+1</f>" in xml and 't="e"' in xml


def test_reusing_a_cell_clears_the_quote_prefix() -> None:
    ws = Workbook().active
    cell = ws["A1"]
    write_cell(cell, "=1")
    assert cell.quotePrefix is True
    write_cell(cell, "harmless")
    assert cell.quotePrefix is False and cell.value == "harmless" and cell.data_type == "s"


def test_safe_text_replaces_control_characters() -> None:
    assert safe_text("a\x00b\x1fc\x0bd\ufffe") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert safe_text("tab\tnew\nline") == "tab\tnew\nline"


@pytest.mark.parametrize("kind", KINDS)
def test_control_characters_are_exported_as_replacement(tmp_path: Path, kind: str) -> None:
    path = build(tmp_path / "ctl.xlsx", kind, ["a\x00b\x07c"])
    assert loaded_cells(path)[0].value == "a\ufffdb\ufffdc"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bad",
    ["lone \ud800 surrogate", "\udfff", "x" * 40_000, "\U0001f600" * 16_384],
    ids=["surrogate", "low-surrogate", "40000-chars", "emoji-over-utf16-limit"],
)
def test_bad_text_raises_before_anything_is_written(tmp_path: Path, kind: str, bad: str) -> None:
    target = tmp_path / "bad.xlsx"
    with pytest.raises(ValueError):
        build(target, kind, ["fine", bad])
    assert not target.exists()
    assert temp_files(tmp_path) == []


def test_bad_text_leaves_the_cell_unchanged() -> None:
    cell = Workbook().active["A1"]
    write_cell(cell, "before")
    with pytest.raises(ValueError, match="surrogate"):
        write_cell(cell, "\ud800")
    with pytest.raises(ValueError, match="32,767"):
        write_cell(cell, "y" * 40_000)
    assert cell.value == "before"


@pytest.mark.parametrize("kind", KINDS)
def test_longest_allowed_text_is_not_truncated(tmp_path: Path, kind: str) -> None:
    text = "z" * 32_766 + "!"
    path = build(tmp_path / "long.xlsx", kind, [text])
    assert loaded_cells(path)[0].value == text


def test_text_cell_refuses_non_text() -> None:
    ws = Workbook(write_only=True).create_sheet()
    with pytest.raises(TypeError):
        text_cell(ws, 5)  # type: ignore[arg-type]
    assert text_cell(ws, "=1").quotePrefix is True


# ----------------------------------------------------------------------------------------------------
# Numbers, dates, other values


@pytest.mark.parametrize("kind", KINDS)
def test_decimal_amounts_are_numbers_with_the_format(tmp_path: Path, kind: str) -> None:
    amounts = [Decimal("1234.50"), Decimal("-0.01"), Decimal("9999999999999.99"), Decimal("0")]
    path = build(tmp_path / "amounts.xlsx", kind, amounts, number_format="#,##0.00;(#,##0.00)")
    xml = sheet_xml(path)
    assert "<v>1234.5</v>" in cell_xml(xml, "A1") and 't="n"' in cell_xml(xml, "A1")
    loaded = loaded_cells(path)
    assert [Decimal(str(c.value)) for c in loaded] == amounts
    assert all(c.data_type == "n" and c.number_format == "#,##0.00;(#,##0.00)" for c in loaded)


@pytest.mark.parametrize("kind", KINDS)
def test_ints_floats_bools_and_none(tmp_path: Path, kind: str) -> None:
    values: list[object] = [42, 10**15 - 1, -(10**14), 0.25, True, False, None, "after"]
    path = build(tmp_path / "misc.xlsx", kind, values)
    xml = sheet_xml(path)
    assert 't="b"' in cell_xml(xml, "A5")
    loaded = loaded_cells(path)
    assert [c.value for c in loaded] == values
    assert loaded[4].data_type == "b"


@pytest.mark.parametrize("kind", KINDS)
def test_dates_are_date_cells(tmp_path: Path, kind: str) -> None:
    aware = datetime(2024, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    values = [date(2024, 3, 1), datetime(2024, 3, 1, 9, 15), aware]
    path = build(tmp_path / "dates.xlsx", kind, values)
    loaded = loaded_cells(path)
    assert [c.value for c in loaded] == [
        datetime(2024, 3, 1),
        datetime(2024, 3, 1, 9, 15),
        datetime(2024, 3, 1, 12, 30),  # converted to UTC, written naive
    ]
    assert all(c.is_date for c in loaded)
    assert [c.number_format for c in loaded] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm", "yyyy-mm-dd hh:mm"]


def test_explicit_date_format_and_existing_date_format_are_kept() -> None:
    ws = Workbook().active
    write_cell(ws["A1"], date(2024, 1, 2), number_format="dd mmm yyyy")
    ws["A2"].number_format = "d/m/yy"
    write_cell(ws["A2"], date(2024, 1, 2))
    assert ws["A1"].number_format == "dd mmm yyyy"
    assert ws["A2"].number_format == "d/m/yy"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bad",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("1234567890123456"),
        Decimal("12345678901234567.89"),
        Decimal("0.1234567890123456"),
        Decimal("1E+400"),
        Decimal("1E-400"),
        2**53 + 1,
        10**15 + 1,
    ],
    ids=repr,
)
def test_unexportable_numbers_raise(tmp_path: Path, kind: str, bad: object) -> None:
    target = tmp_path / "bad.xlsx"
    with pytest.raises(ValueError):
        build(target, kind, [1, bad])
    assert not target.exists()


@pytest.mark.parametrize("bad", [object(), b"bytes", time(9, 0), timedelta(days=1), [1], 1j])
def test_unsupported_types_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        write_cell(Workbook().active["A1"], bad)
    with pytest.raises(TypeError):
        value_cell(Workbook(write_only=True).create_sheet(), bad)


def test_write_only_and_normal_paths_give_identical_cells(tmp_path: Path) -> None:
    values: list[object] = [
        *PAYLOADS,
        "plain",
        Decimal("12.30"),
        7,
        None,
        1.5,
        True,
        date(2023, 12, 31),
        datetime(2023, 12, 31, 23, 59),
    ]
    normal = build(tmp_path / "n.xlsx", "normal", values, number_format=None)
    write_only = build(tmp_path / "w.xlsx", "write_only", values, number_format=None)

    def summary(path: Path) -> list[tuple[object, ...]]:
        return [(c.value, c.data_type, c.number_format, c.quotePrefix) for c in loaded_cells(path)]

    assert summary(normal) == summary(write_only)
    assert len(summary(normal)) == len(values)


def test_value_cell_style_does_not_drop_quote_prefix_or_format(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet")
    header = NamedStyle(name="header")
    ws.append(
        [
            value_cell(ws, "=1+1", style=header),
            value_cell(ws, Decimal("5.00"), style=header, number_format="0.00"),
        ]
    )
    save_workbook(wb, tmp_path / "styled.xlsx")
    row = next(openpyxl.load_workbook(tmp_path / "styled.xlsx").worksheets[0].iter_rows())
    assert row[0].value == "=1+1" and row[0].quotePrefix is True and row[0].style == "header"
    assert row[1].value == 5 and row[1].number_format == "0.00"


# ----------------------------------------------------------------------------------------------------
# Atomic save


@pytest.fixture
def old_export(tmp_path: Path) -> Path:
    path = build(tmp_path / "report.xlsx", "normal", ["previous", Decimal("1.00")])
    return path


def test_writer_failing_midway_leaves_previous_file_intact(old_export: Path) -> None:
    before = old_export.read_bytes()

    def half_then_fail(f: BinaryIO) -> None:
        f.write(b"PK\x03\x04 half a zip")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic_write(old_export, half_then_fail)
    assert old_export.read_bytes() == before
    assert temp_files(old_export.parent) == []


class _FullDisk(io.RawIOBase):
    """A file that accepts `room` bytes and then fails like a full disk."""

    def __init__(self, inner: BinaryIO, room: int) -> None:
        self.inner, self.room = inner, room

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.inner.write(data)


# openpyxl abandons its ZipFile when a write fails; collecting it later writes to the closed file.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_disk_full_during_save_raises_export_error_and_keeps_old_file(old_export: Path) -> None:
    before = old_export.read_bytes()
    wb = Workbook()
    wb.active["A1"] = "new"
    with pytest.raises(ExportError, match=r"Not enough disk space to write report\.xlsx") as err:
        atomic_write(old_export, lambda f: wb.save(_FullDisk(f, 2_000)))
    assert err.value.path == old_export
    del err
    gc.collect()
    assert old_export.read_bytes() == before
    assert openpyxl.load_workbook(old_export).worksheets[0]["A1"].value == "previous"
    assert temp_files(old_export.parent) == []


def test_disk_full_at_fsync_raises_export_error(old_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = old_export.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cells.os, "fsync", fsync)
    with pytest.raises(ExportError, match="disk space"):
        save_workbook(Workbook(), old_export)
    assert old_export.read_bytes() == before
    assert temp_files(old_export.parent) == []


def _failing_replace(fail_times: int, calls: list[tuple[str, str]]) -> Callable[..., None]:
    real_replace = os.replace

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        calls.append((os.fspath(src), os.fspath(dst)))
        if len(calls) <= fail_times:
            raise PermissionError(13, "Permission denied", os.fspath(dst))
        real_replace(src, dst, **kwargs)

    return replace


def test_target_held_open_gives_export_error_after_retries(old_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = old_export.read_bytes()
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(os, "replace", _failing_replace(10**6, calls))
    monkeypatch.setattr(cells, "_REPLACE_RETRY_DELAYS", (0.0, 0.0, 0.0))
    with pytest.raises(ExportError) as err:
        save_workbook(Workbook(), old_export)
    message = str(err.value)
    assert "report.xlsx" in message and "open in another program" in message and "\n" not in message
    assert len(calls) == 4
    assert all(dst == str(old_export) for _, dst in calls)
    assert old_export.read_bytes() == before
    assert temp_files(old_export.parent) == []


def test_replace_is_retried_until_the_file_is_free(old_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(os, "replace", _failing_replace(2, calls))
    monkeypatch.setattr(cells, "_REPLACE_RETRY_DELAYS", (0.0, 0.0, 0.0))
    build(old_export, "normal", ["replacement"])
    assert len(calls) == 3
    assert loaded_cells(old_export)[0].value == "replacement"
    assert temp_files(old_export.parent) == []


def test_default_retry_schedule_is_about_one_second() -> None:
    assert 0.8 <= sum(cells._REPLACE_RETRY_DELAYS) <= 1.5 and len(cells._REPLACE_RETRY_DELAYS) >= 3


def test_missing_folder_is_reported_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "report.xlsx"
    with pytest.raises(ExportError, match=r"Cannot write to folder .*gone"):
        check_target_writable(target)
    called = []
    with pytest.raises(ExportError):
        atomic_write(target, called.append)  # type: ignore[arg-type]
    assert called == []


def test_unwritable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_access = os.access
    monkeypatch.setattr(cells.os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    with pytest.raises(ExportError, match="lack permission"):
        check_target_writable(tmp_path / "report.xlsx")


def test_target_that_is_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "report.xlsx").mkdir()
    with pytest.raises(ExportError, match=r"report\.xlsx"):
        save_workbook(Workbook(), tmp_path / "report.xlsx")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_replacing_keeps_the_old_file_mode_and_new_files_follow_umask(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(b"x")
    old.chmod(0o640)
    write_csv(old, ["A"], [])
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    previous = os.umask(0o027)
    try:
        write_csv(tmp_path / "new.csv", ["A"], [])
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


# ----------------------------------------------------------------------------------------------------
# CSV


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter, strict=True))


def test_csv_bom_crlf_and_plain_values(tmp_path: Path) -> None:
    target = tmp_path / "list.csv"
    rows = [
        ["Alpha", Decimal("1234.50"), date(2024, 3, 1), None, True, 3],
        ["Beta", Decimal("-0.05"), datetime(2024, 3, 1, 12, 0, tzinfo=UTC), "", False, 1.5],
    ]
    count = write_csv(target, ["Name", "Amount", "Date", "Note", "Flag", "N"], iter(rows))
    assert count == 2
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw == (
        b'\xef\xbb\xbf"Name","Amount","Date","Note","Flag","N"\r\n'
        b'"Alpha","1234.50","2024-03-01","","TRUE","3"\r\n'
        b'"Beta","-0.05","2024-03-01 12:00:00","","FALSE","1.5"\r\n'
    )


def test_csv_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    write_csv(tmp_path / "semi.csv", ["Name", "Amount"], [["Alpha, Ltd", Decimal("1.50")]], delimiter=";")
    assert (tmp_path / "semi.csv").read_bytes() == b'\xef\xbb\xbf"Name";"Amount"\r\n"Alpha, Ltd";"1.50"\r\n'
    assert read_csv(tmp_path / "semi.csv", ";") == [["Name", "Amount"], ["Alpha, Ltd", "1.50"]]
    write_csv(tmp_path / "tab.csv", ["A", "B"], [["x", "y"]], delimiter="\t")
    assert read_csv(tmp_path / "tab.csv", "\t") == [["A", "B"], ["x", "y"]]


@pytest.mark.parametrize("delimiter", ["|", "", ",,", " "])
def test_csv_rejects_other_delimiters(tmp_path: Path, delimiter: str) -> None:
    with pytest.raises(ValueError, match="delimiter"):
        write_csv(tmp_path / "x.csv", ["A"], [], delimiter=delimiter)
    assert not (tmp_path / "x.csv").exists()


def test_csv_trigger_fields_get_an_apostrophe(tmp_path: Path) -> None:
    target = tmp_path / "payloads.csv"
    write_csv(target, ["=Header", "Safe"], [[p, "ok"] for p in PAYLOADS])
    header, *rows = read_csv(target)
    assert header == ["'=Header", "Safe"]
    trigger_payloads = [p for p in PAYLOADS if not p.startswith("#")]
    for payload, row in zip(PAYLOADS, rows, strict=True):
        if payload in trigger_payloads:
            assert row[0] == "'" + payload
        else:
            assert row[0] == payload  # error-code text is not a formula in csv
        assert row[1] == "ok"


def test_csv_field() -> None:
    assert csv_field("=1+1") == "'=1+1"
    assert csv_field("\uff1d1") == "'\uff1d1"
    assert csv_field("\x00x") == "'\x00x"
    assert csv_field("a=1") == "a=1"
    assert csv_field("") == ""


def test_csv_round_trips_commas_quotes_and_newlines(tmp_path: Path) -> None:
    texts = ["a, b", 'say "hi"', "line1\nline2", "crlf\r\ninside", "  padded  ", "مكتب السفير", "Café 😀"]
    target = tmp_path / "text.csv"
    assert write_csv(target, ["Text"], [[t] for t in texts]) == len(texts)
    assert read_csv(target) == [["Text"], *[[t] for t in texts]]


@pytest.mark.parametrize("bad", [Decimal("NaN"), float("inf"), Decimal("12345678901234567.89"), "\ud800", object()])
def test_csv_bad_value_keeps_previous_file(tmp_path: Path, bad: object) -> None:
    target = tmp_path / "list.csv"
    write_csv(target, ["A"], [["old"]])
    before = target.read_bytes()
    with pytest.raises((ValueError, TypeError)):
        write_csv(target, ["A"], [["new"], [bad]])
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_csv_disk_full_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "list.csv"
    write_csv(target, ["A"], [["old"]])
    before = target.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cells.os, "fsync", fsync)
    with pytest.raises(ExportError, match=r"Not enough disk space to write list\.csv"):
        write_csv(target, ["A"], [["new"]])
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []
