"""`cyberdesk export pack` from the command line: the file named, exit codes and one-line refusals."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import core.io.pack_export as pack_export
from core.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from tests.core.reports.test_meeting_pack import build_pack_office
from tests.core.test_cli import cli


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "pack.cyberdesk"
    build_pack_office(path).db.close()
    return path


@pytest.fixture
def no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry as plain `python -m core.cli` has it: no desktop package has added a PDF renderer."""
    renderers = {s: r for s, r in pack_export._RENDERERS.items() if s != ".pdf"}
    monkeypatch.setattr(pack_export, "_RENDERERS", renderers)


def export(office: Path, *args: str) -> tuple[int, list[str]]:
    return cli("--db", str(office), "export", "pack", *args)


def test_export_pack_writes_the_file_named(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "my pack.xlsx"
    code, lines = export(office, "--meeting", "next", "-o", str(target), "--as-at", "2025-08-15")
    assert code == EXIT_OK, capsys.readouterr().err
    assert lines == ["Wrote the pack for Meeting 4 — 2025–26 Q2 to my pack.xlsx (marking OFFICIAL)."]
    assert openpyxl.load_workbook(target).sheetnames[0] == "Cover"
    code, lines = export(office, "--meeting", "latest", "-o", str(target), "--as-at", "2025-08-15")
    assert code == EXIT_OK and "Meeting 3 — 2025–26 Q1" in lines[0]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--meeting", "999"), "There is no meeting 999."),
        (("--meeting", "soon"), "Name the meeting by its id, 'next' or 'latest', not 'soon'."),
        (("--meeting", "next", "--max-marking", "SECRET"), "Unknown marking 'SECRET'"),
        (("--meeting", "next", "--as-at", "2030-01-01"), "No meeting is scheduled on or after 2030-01-01"),
    ],
)
def test_user_errors_exit_1_with_one_line(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    target = tmp_path / "pack.xlsx"
    code, _ = export(office, *args, "-o", str(target))
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not target.exists()


def test_bad_usage_exits_2(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = export(office, "-o", str(tmp_path / "pack.xlsx"))
    assert code == EXIT_USAGE
    assert "--meeting" in capsys.readouterr().err


def test_wrong_format_and_pdf_without_the_desktop_package_are_refused(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_pdf: None
) -> None:
    code, _ = export(office, "--meeting", "next", "-o", str(tmp_path / "pack.docx"))
    assert code == EXIT_REFUSED and "must end in .xlsx or .pdf" in capsys.readouterr().err
    code, _ = export(office, "--meeting", "next", "-o", str(tmp_path / "pack.pdf"))
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PDF packs are drawn by the desktop program" in err


def test_a_target_held_open_is_named(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"open in Excel")

    def held(self: Path, other: Path) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr("core.io.cells._REPLACE_RETRY_DELAYS", ())
    monkeypatch.setattr(Path, "replace", held)
    code, _ = export(office, "--meeting", "next", "-o", str(target), "--as-at", "2025-08-15")
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Cannot write pack.xlsx: it is open in another program" in err
    assert target.read_bytes() == b"open in Excel"
    assert not list(tmp_path.glob("*.tmp"))


def test_core_cli_alone_refuses_pdf_and_names_what_is_needed(office: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.core.test_cli import ROOT

    args = ["--db", str(office), "export", "pack", "--meeting", "next", "-o", str(tmp_path / "pack.pdf")]
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == EXIT_REFUSED
    assert result.stderr.count("\n") == 1 and "PDF packs are drawn by the desktop program" in result.stderr
    assert not (tmp_path / "pack.pdf").exists()
