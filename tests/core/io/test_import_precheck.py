"""The import pre-check against hostile and malformed files: each gets one line naming the reason, fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.io.imports import ImportRejected
from core.io.imports.precheck import MACROS_IGNORED, ImportLimits, column_number, precheck_xlsx
from tests.core.io.hostile import (
    BILLION_LAUGHS,
    XXE,
    add_part,
    inline,
    raw_xlsx,
    rewrite_part,
    sheet_xml,
    workbook,
    zip_bytes,
)


def rejected(path: Path, limits: ImportLimits | None = None) -> str:
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as caught:
        precheck_xlsx(path, limits or ImportLimits())
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"Cannot import {path.name}: ")
    assert time.perf_counter() - started < 5
    return message


def test_a_plain_workbook_passes(tmp_path: Path) -> None:
    report = precheck_xlsx(workbook(tmp_path / "ok.xlsx", [["Name", "Amount"], ["Alpha", 10]]))
    assert not report.has_macros and not report.has_formulas and report.warnings == ()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"Name,Amount\r\nAlpha,10\r\n", "text file (perhaps CSV)"),
        ("Név;Összeg\nÁlmos;1\n".encode(), "text file (perhaps CSV)"),
        (b"\xef\xbb\xbfName,Amount\n", "text file (perhaps CSV)"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Excel 97-2003 (.xls)"),
        (b"PK\x05\x06" + b"\0" * 18, "empty zip archive"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not an Excel workbook"),
        (b"plain text then a broken byte \xc3", "it is not an Excel workbook (.xlsx)"),
        ("Café ".encode() * 1000, "text file (perhaps CSV)"),
    ],
)
def test_renamed_files_get_a_specific_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(content)
    assert reason in rejected(path)


def test_truncated_workbook(tmp_path: Path) -> None:
    whole = workbook(tmp_path / "whole.xlsx", [["Name"], ["Alpha"]]).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "damaged or incomplete" in rejected(cut)


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path) -> None:
    assert "does not exist" in rejected(tmp_path / "nowhere.xlsx")


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"a.txt": b"hello"}, "zip archive but not an Excel workbook"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "Word document"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, "binary Excel workbook (.xlsb)"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, "no worksheets"),
    ],
)
def test_zips_that_are_not_workbooks(tmp_path: Path, members: dict[str, bytes], reason: str) -> None:
    path = tmp_path / "other.xlsx"
    path.write_bytes(zip_bytes(members))
    assert reason in rejected(path)


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    body = inline("A1", "Name") + " " * (20 * 1024 * 1024)
    path = raw_xlsx(tmp_path / "bomb.xlsx", sheet_xml(f"<row r='1'>{body}</row>"))
    assert path.stat().st_size < 200_000
    assert "inflates" in rejected(path) and "zip bomb" in rejected(path)


def test_too_much_uncompressed_data(tmp_path: Path) -> None:
    path = workbook(tmp_path / "big.xlsx", [["Name"], *[[f"row {i}"] for i in range(2000)]])
    message = rejected(path, ImportLimits(max_uncompressed_bytes=20_000))
    assert "unpacks to more than" in message


def test_file_too_large(tmp_path: Path) -> None:
    path = workbook(tmp_path / "large.xlsx", [["Name"]])
    assert "an import takes files of at most" in rejected(path, ImportLimits(max_file_bytes=1000))


def test_too_many_parts(tmp_path: Path) -> None:
    path = workbook(tmp_path / "parts.xlsx", [["Name"]])
    assert "parts" in rejected(path, ImportLimits(max_members=3))


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, XXE])
def test_entity_declarations_are_refused(tmp_path: Path, prolog: str) -> None:
    path = raw_xlsx(
        tmp_path / "entities.xlsx", sheet_xml("<row r='1'>" + inline("A1", "&lol3;") + "</row>", prolog=prolog)
    )
    assert "declares a document type or entities" in rejected(path)


def test_entity_in_shared_strings_is_refused_too(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "sst.xlsx",
        sheet_xml("<row r='1'>" + inline("A1", "x") + "</row>"),
        extra={"xl/sharedStrings.xml": ('<?xml version="1.0"?>' + XXE + "<sst/>").encode()},
    )
    assert "xl/sharedStrings.xml" in rejected(path)


def test_utf16_parts_are_refused(tmp_path: Path) -> None:
    sheet = sheet_xml("<row r='1'>" + inline("A1", "x") + "</row>").encode("utf-16")
    path = tmp_path / "utf16.xlsx"
    raw_xlsx(path, "")
    rewrite_part(path, tmp_path / "utf16b.xlsx", "xl/worksheets/sheet1.xml", lambda _: sheet)
    assert "not encoded as UTF-8" in rejected(tmp_path / "utf16b.xlsx")


def test_far_away_cell_is_refused_before_any_parser(tmp_path: Path) -> None:
    body = "<row r='1'>" + inline("A1", "Name") + "</row><row r='1048576'>" + inline("XFD1048576", "x") + "</row>"
    path = raw_xlsx(tmp_path / "far.xlsx", sheet_xml(body))
    assert path.stat().st_size < 5000
    message = rejected(path)
    assert "XFD1048576" in message and "far-away" in message


def test_far_away_row_is_refused(tmp_path: Path) -> None:
    body = "<row r='1'>" + inline("A1", "Name") + "</row><row r='900000'>" + inline("B900000", "x") + "</row>"
    path = raw_xlsx(tmp_path / "farrow.xlsx", sheet_xml(body))
    assert "beyond row 250,050" in rejected(path)


def test_rows_without_numbers_are_counted(tmp_path: Path) -> None:
    body = "<row><c t='inlineStr'><is><t>x</t></is></c></row>" * 80
    path = raw_xlsx(tmp_path / "unnumbered.xlsx", sheet_xml(body))
    assert "at most 10 rows of data" in rejected(path, ImportLimits(max_data_rows=10))


def test_crc_mismatch_is_damaged(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "crc.xlsx", sheet_xml("<row r='1'>" + inline("A1", "Name") + "</row>"))
    data = bytearray(path.read_bytes())
    index = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 5
    data[index] ^= 0xFF  # one byte of the compressed sheet
    path.write_bytes(bytes(data))
    assert "damaged" in rejected(path)


def test_macros_are_reported_not_refused(tmp_path: Path) -> None:
    src = workbook(tmp_path / "plain.xlsx", [["Name"], ["Alpha"]])
    path = add_part(src, tmp_path / "macro.xlsx", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0fake vba")
    report = precheck_xlsx(path)
    assert report.has_macros and report.warnings == (MACROS_IGNORED,)


def test_formulas_are_noticed(tmp_path: Path) -> None:
    path = workbook(tmp_path / "f.xlsx", [["Amount"], [1], ["=SUM(A2:A2)"]])
    assert precheck_xlsx(path).has_formulas


def test_column_numbers() -> None:
    assert column_number("A") == 1 and column_number("Z") == 26 and column_number("XFD") == 16384
