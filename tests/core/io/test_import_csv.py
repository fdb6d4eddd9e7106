"""CSV through the same pipeline: encodings, delimiters and the csv module's silent failures made loud (F12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.io.imports import ImportRejected
from core.io.imports.csv_reader import NOT_UTF8, read_csv, sniff_delimiter
from core.io.imports.pipeline import read_for_import
from core.io.imports.precheck import ImportLimits
from core.io.imports.reader import Problem, WorkbookRead
from tests.core.io.test_import_reader import PEOPLE, PeopleImporter


class CsvPeopleImporter(PeopleImporter):
    accepts_csv = True


def read(path: Path, limits: ImportLimits | None = None) -> WorkbookRead:
    return read_for_import(path, CsvPeopleImporter(), limits=limits or ImportLimits())[0]


def names(result: WorkbookRead) -> list[object]:
    return [row.value("name") for row in result.tables["People"].rows]


@pytest.mark.parametrize(
    ("data", "encoding_note"),
    [
        ("Name,Born\r\nCafé,2024-03-01\r\n".encode(), False),
        ("\ufeffName,Born\r\nCafé,2024-03-01\r\n".encode(), False),
        ("Name\tBorn\r\nCafé\t2024-03-01\r\n".encode("utf-16"), False),
        ("Name;Born\r\nCafé;2024-03-01\r\n".encode("cp1252"), True),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding_note: bool) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    result = read(path)
    assert names(result) == ["Café"]
    assert result.tables["People"].rows[0].value("born") == date(2024, 3, 1)
    assert (NOT_UTF8 in result.warnings) == encoding_note


def test_semicolons_and_a_table_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('Exported list;;\n;;\n"Full name";Born;Count\nAlpha;2024-01-02;3\n;;\nBeta;;\n', encoding="utf-8")
    result = read(path)
    table = result.tables["People"]
    assert table.header_row == 3 and names(result) == ["Alpha", "Beta"]
    assert [r.number for r in table.rows] == [4, 6] and table.rows[0].value("count") == 3


def test_exported_apostrophes_come_off_trigger_fields(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Born\n'=HYPERLINK(1),\n'plain,\n", encoding="utf-8")
    assert names(read(path)) == ["=HYPERLINK(1)", "'plain"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"Name,Born\nA\x00lpha,\n", "NUL characters"),
        (b'Name,Born\n"Alpha,2024-01-01\nBeta,2024-01-02\n', "never closed"),
        (b"Name,Born\n" + b"x" * 200_000 + b",\n", "longer than 131,072 characters"),
        (b"PK\x03\x04rest", "it is an Excel workbook, not a CSV file"),
        (b"\xff\xfeN\x00\x00\xd8", "not valid UTF-16"),
        (b"Name,Age\nAlpha,3\n", "no header row with the columns Born"),
    ],
)
def test_hostile_csv_files_are_refused_in_one_line(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    with pytest.raises(ImportRejected) as caught:
        read(path)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_ragged_rows_and_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Born\nAlpha,,surplus\nBeta,\n", encoding="utf-8")
    assert read(path).problems == (Problem("people.csv", 2, None, "This row has 3 fields; the header has 2."),)
    path.write_text("Name,Born\n" + "".join(f"P{i},\n" for i in range(20)), encoding="utf-8")
    with pytest.raises(ImportRejected, match="more than 10 rows of data"):
        read(path, ImportLimits(max_data_rows=10))
    with pytest.raises(ImportRejected, match="larger than 0 MB"):
        read(path, ImportLimits(max_file_bytes=10))


def test_missing_csv_and_importers_without_csv(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="does not exist"):
        read_csv(tmp_path / "none.csv", PEOPLE)
    path = tmp_path / "people.csv"
    path.write_text("Name,Born\nAlpha,\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"text file \(perhaps CSV\)"):
        read_for_import(path, PeopleImporter())


def test_sniffing() -> None:
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("name\n") == ","
