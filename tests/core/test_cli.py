"""The command line as a user meets it: exit codes, one-line errors, and files left untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__
from core.cli import EXIT_INTERNAL, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, run

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    return run(list(args), out=lines.append), lines


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office.cyberdesk"
    code, _ = cli("--db", str(path), "init", "--office", "Office of the Ambassador", "--currency", "eur")
    assert code == EXIT_OK
    return path


def test_init_then_check_reports_sound(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = cli("--db", str(office), "check")
    assert code == EXIT_OK
    assert lines[-1] == "The database is sound."
    assert any(line.strip().startswith("forum") and line.strip().endswith("32") for line in lines)
    code, lines = cli("--db", str(office), "check", "--json")
    report = json.loads("\n".join(lines))
    assert report["ok"] is True
    assert report["row_counts"]["reference_item"] > 50
    assert report["row_counts"]["office"] == 1
    assert len(report["audit_head_hash"]) == 64
    assert capsys.readouterr().err == ""


def test_init_twice_is_refused(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--db", str(office), "init")
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds an office" in err


def test_bad_currency_is_a_one_line_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--db", str(tmp_path / "x.cyberdesk"), "init", "--currency", "EURO")
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("cyberdesk: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["demo", "--scale", "0"],
        ["demo", "--as-at", "15/08/2025"],
        ["init", "--fy-start-month", "13"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--db", str(tmp_path / "x.cyberdesk"), *args)
    assert code == EXIT_USAGE
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "x.cyberdesk").exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--version")
    assert code == EXIT_OK
    assert capsys.readouterr().out.strip() == f"Cyber Affairs Desk {__version__}"


@pytest.mark.parametrize("command", [["check"], ["backup"], ["export", "list", "forums", "-o", "x.xlsx"]])
def test_missing_database_is_never_created(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing.cyberdesk"
    code, _ = cli("--db", str(target), *command)
    assert code == EXIT_REFUSED
    assert "No database at" in capsys.readouterr().err
    assert not target.exists()


def test_check_on_text_file_truncated_and_newer(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.cyberdesk"
    text.write_text("hello\n" * 100)
    truncated = tmp_path / "truncated.cyberdesk"
    data = office.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    newer = tmp_path / "newer.cyberdesk"
    code, _ = cli("--db", str(office), "backup", "-o", str(newer))
    assert code == EXIT_OK
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = 'f00d_future'")
    conn.commit()
    conn.close()
    for path, phrase in ((text, "not an SQLite file"), (truncated, "damaged"), (newer, "newer version")):
        before = digest(path)
        capsys.readouterr()
        code, _ = cli("--db", str(path), "check")
        err = capsys.readouterr().err
        assert code == EXIT_REFUSED, path
        assert err.count("\n") == 1 and phrase in err, err
        assert digest(path) == before


def test_backup_and_restore_round_trip(office: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.cyberdesk"
    assert cli("--db", str(office), "backup", "-o", str(saved))[0] == EXIT_OK
    conn = sqlite3.connect(office)
    conn.execute("DELETE FROM forum_tag")
    conn.execute("DELETE FROM forum")
    conn.commit()
    conn.close()
    code, lines = cli("--db", str(office), "restore", str(saved))
    assert code == EXIT_OK
    assert any("Backed up the current database" in line for line in lines)
    conn = sqlite3.connect(office)
    assert conn.execute("SELECT count(*) FROM forum").fetchone()[0] == 32
    conn.close()
    # the pre-restore state was kept
    backups = list(office.parent.glob("office.cyberdesk-backups/*before-restore*"))
    assert len(backups) == 1


def test_restore_refuses_a_damaged_backup_and_keeps_the_database(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.cyberdesk"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = digest(office)
    code, _ = cli("--db", str(office), "restore", str(bad))
    assert code == EXIT_REFUSED
    assert capsys.readouterr().err.count("\n") == 1
    assert digest(office) == before


def test_locked_database_is_refused_for_writing(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.db.lock import DatabaseLock

    with DatabaseLock(office):
        code, _ = cli("--db", str(office), "demo", "--replace")
    assert code == EXIT_REFUSED
    assert "is open in Cyber Affairs Desk" in capsys.readouterr().err


def test_unexpected_error_exits_3_with_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("core.cli.log_dir", lambda: tmp_path / "logs")

    def boom(*_: object, **__: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr("core.cli.check_database", boom)
    code, _ = cli("--db", str(tmp_path / "x.cyberdesk"), "check")
    assert code == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err
    assert "ZeroDivisionError" in (tmp_path / "logs" / "cyberdesk.log").read_text()


def test_headless_command_never_imports_qt(office: Path) -> None:
    probe = (
        "import sys\n"
        "from desktop.__main__ import main\n"
        f"code = main(['--db', {str(office)!r}, 'check'])\n"
        "assert code == 0, code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not loaded, loaded\n"
        "print('headless ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "headless ok" in result.stdout


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-demo") / "demo.cyberdesk"
    code, lines = cli("--db", str(path), "demo", "--as-at", "2025-08-15")
    assert code == EXIT_OK
    assert lines[-1].startswith("Built the demo office as at 2025-08-15")
    return path


def test_demo_refuses_existing_office_then_replaces_after_backup(
    demo_office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.cyberdesk"
    assert cli("--db", str(demo_office), "backup", "-o", str(target))[0] == EXIT_OK
    before = digest(target)
    code, _ = cli("--db", str(target), "demo", "--as-at", "2025-08-15")
    assert code == EXIT_REFUSED
    assert "--replace" in capsys.readouterr().err
    assert digest(target) == before
    code, lines = cli("--db", str(target), "demo", "--as-at", "2024-11-20", "--seed", "7", "--replace")
    assert code == EXIT_OK
    assert lines[0].startswith("Backed up the previous data to")
    saved = list((tmp_path / "copy.cyberdesk-backups").glob("*before-demo*"))
    assert len(saved) == 1
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT demo_as_at, demo_seed FROM office").fetchone() == ("2024-11-20", 7)
    conn.close()


@pytest.mark.parametrize(("suffix", "delimiter"), [(".xlsx", ","), (".csv", ";")])
def test_export_list_writes_the_file_named(demo_office: Path, tmp_path: Path, suffix: str, delimiter: str) -> None:
    target = tmp_path / f"my actions{suffix}"
    code, lines = cli(
        "--db",
        str(demo_office),
        "export",
        "list",
        "actions",
        "-o",
        str(target),
        "--delimiter",
        delimiter,
        "--as-at",
        "2025-08-15",
    )
    assert code == EXIT_OK
    assert lines[0].startswith("Wrote ") and target.name in lines[0]
    assert target.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_export_list_bad_suffix_and_marking_are_refusals(
    demo_office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = cli("--db", str(demo_office), "export", "list", "forums", "-o", str(tmp_path / "f.txt"))
    assert code == EXIT_REFUSED
    code, _ = cli(
        "--db",
        str(demo_office),
        "export",
        "list",
        "forums",
        "-o",
        str(tmp_path / "f.xlsx"),
        "--max-marking",
        "SECRETISH",
    )
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("cyberdesk: ") for line in err)
    assert list(tmp_path.iterdir()) == []


def test_default_database_location_is_used_without_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    default = tmp_path / "data" / "office.cyberdesk"
    monkeypatch.setattr("core.cli.default_database_path", lambda: default)
    assert cli("init")[0] == EXIT_OK
    assert default.exists()
    assert cli("backup")[0] == EXIT_OK
    assert len(list((tmp_path / "data" / "office.cyberdesk-backups").iterdir())) == 1


def test_commands_that_need_a_file_refuse_a_server_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli("--db", "postgresql://office@localhost/desk", "backup")
    assert code == EXIT_REFUSED
    assert "on its server" in capsys.readouterr().err


def test_gui_routing() -> None:
    from core.cli import is_gui_invocation

    assert is_gui_invocation([])
    assert is_gui_invocation(["--db", "x.cyberdesk"])
    assert is_gui_invocation(["--db=x.cyberdesk"])
    assert not is_gui_invocation(["--db", "x.cyberdesk", "check"])
    assert cli()[0] == EXIT_USAGE


def test_check_reports_a_broken_audit_chain(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(office)
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 1")
    conn.commit()
    conn.close()
    code, lines = cli("--db", str(office), "check")
    assert code == EXIT_REFUSED
    assert any(line.startswith("PROBLEM: audit entry 1 was altered") for line in lines)
    assert "problem(s)" in capsys.readouterr().err


def test_entry_point_routes_like_the_cli() -> None:
    from core.cli import is_gui_invocation
    from desktop.__main__ import _wants_gui

    for argv in ([], ["--db", "x"], ["--db=x"], ["--db", "x", "check"], ["check"], ["--self-test"], ["--version"]):
        assert _wants_gui(argv) == (is_gui_invocation(argv) or argv == ["--self-test"]), argv
