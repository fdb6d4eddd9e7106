"""The Linux tarball as a user meets it: unpack, ./install.sh, open an office from the menu entry, uninstall.

PyInstaller itself is too slow for the test run (dev.py check's packaging step freezes and runs the real app); here a
stand-in program that records its arguments is packed the same way, so what is checked is the packaging around it.
"""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.installers import ROOT, load_script


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    build = load_script("build_linux.py")
    frozen = tmp_path / "frozen"
    (frozen / "_internal").mkdir(parents=True)
    program = frozen / "cyberdesk"
    program.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$HOME/opened-with.txt"\n')
    program.chmod(0o755)
    tarball = build.pack(build.stage(frozen, tmp_path / "work" / build.tarball_name()), tmp_path / "out")
    assert tarball.name == f"cyberdesk-{build.version()}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    return tmp_path / "unpacked" / build.tarball_name()


def _run(script: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, check=True)


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser["Desktop Entry"]


def test_install_adds_a_menu_entry_that_opens_a_double_clicked_office(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _run(unpacked / "install.sh", home)
    share = home / ".local" / "share"
    entry = _desktop_entry(share / "applications" / "cyberdesk.desktop")
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "cyberdesk"
    assert "application/x-cyberdesk" in entry["MimeType"].split(";")
    command = shlex.split(entry["Exec"])
    assert command[0] == str(home / ".local" / "opt" / "cyberdesk" / "cyberdesk")
    assert command[1:] == ["%f"]

    # What the file manager does on a double click: the entry's command with %f replaced by the file.
    office = home / "Documents" / "team office.cyberdesk"
    subprocess.run([command[0], str(office)], env={"HOME": str(home)}, check=True)
    assert (home / "opened-with.txt").read_text().splitlines() == [str(office)]

    mime = ET.parse(share / "mime" / "packages" / "cyberdesk.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = mime.find("m:mime-type", ns)
    assert kind is not None and kind.get("type") == "application/x-cyberdesk"
    assert [glob.get("pattern") for glob in kind.findall("m:glob", ns)] == ["*.cyberdesk"]
    for size in (16, 48, 256):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "cyberdesk.png").is_file()
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "mimetypes" / "application-x-cyberdesk.png").is_file()
    assert (home / ".local" / "bin" / "cyberdesk").resolve() == Path(command[0]).resolve()


def test_uninstall_removes_the_program_and_keeps_the_users_offices(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _run(unpacked / "install.sh", home)
    data = home / ".local" / "share" / "cyberdesk"
    data.mkdir(parents=True)
    (data / "office.cyberdesk").write_bytes(b"the user's office")
    (data / "office.cyberdesk-backups").mkdir()
    settings = home / ".config" / "cyberdesk" / "cyberdesk.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text("[preferences]\n")

    result = _run(home / ".local" / "opt" / "cyberdesk" / "uninstall.sh", home)

    assert "kept" in result.stdout
    assert not (home / ".local" / "opt" / "cyberdesk").exists()
    assert not (home / ".local" / "share" / "applications" / "cyberdesk.desktop").exists()
    assert not (home / ".local" / "share" / "mime" / "packages" / "cyberdesk.xml").exists()
    assert not (home / ".local" / "bin" / "cyberdesk").exists()
    assert (data / "office.cyberdesk").read_bytes() == b"the user's office"
    assert (data / "office.cyberdesk-backups").is_dir()
    assert settings.read_text() == "[preferences]\n"


def test_install_refuses_to_run_outside_the_unpacked_folder(tmp_path: Path) -> None:
    lone = tmp_path / "install.sh"
    lone.write_text((ROOT / "installers" / "linux" / "install.sh").read_text())
    result = subprocess.run(["sh", str(lone)], env={"HOME": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "unpacked" in result.stderr
