"""The Windows and macOS installer definitions, which cannot be built on Linux: parsed and checked for what IT and
users rely on (version, file association, upgrade code, per-user option, data left alone), plus the PyInstaller spec's
module lists against what the code imports."""

from __future__ import annotations

import ast
import plistlib
import re
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from core import __version__
from tests.installers import INSTALLERS, ROOT, load_script

NS = {"w": "http://wixtoolset.org/schemas/v4/wxs"}
# Changing it would make a new version install beside the old one instead of replacing it.
UPGRADE_CODE = "e4738757-854d-4315-ba62-bec0e0b80334"


meta = load_script("packaging_meta.py")
harvest = load_script("windows/harvest.py")


@pytest.fixture(scope="module")
def wxs() -> ET.Element:
    return ET.parse(INSTALLERS / "windows" / "cyberdesk.wxs").getroot()


def test_the_msi_takes_the_package_version_and_keeps_one_upgrade_code(wxs: ET.Element) -> None:
    package = wxs.find("w:Package", NS)
    assert package is not None
    assert package.get("Version") == "$(var.Version)"
    assert package.get("UpgradeCode") == UPGRADE_CODE == str(uuid.UUID(UPGRADE_CODE))
    assert package.find("w:MajorUpgrade", NS) is not None
    build = (INSTALLERS / "windows" / "build.ps1").read_text()
    assert '"installers\\packaging_meta.py" "msi-version"' in build
    assert '"-d", "Version=$Version"' in build
    assert meta.msi_version(__version__) == ".".join(__version__.split(".")[:3])


def test_the_msi_installs_per_machine_or_per_user(wxs: ET.Element) -> None:
    package = wxs.find("w:Package", NS)
    assert package is not None and package.get("Scope") == "perUserOrMachine"
    # Registry written for the shortcut goes to HKLM per machine and HKCU per user.
    assert {value.get("Root") for value in wxs.iter(f"{{{NS['w']}}}RegistryValue")} == {"HKMU"}


def test_a_cyberdesk_file_opens_with_the_installed_program(wxs: ET.Element) -> None:
    exe = next(f for f in wxs.iter(f"{{{NS['w']}}}File") if f.get("Id") == "CyberdeskExe")
    assert exe.get("Source") == "$(var.SourceDir)\\cyberdesk.exe"
    extension = wxs.find(".//w:ProgId/w:Extension", NS)
    assert extension is not None
    assert (extension.get("Id"), extension.get("ContentType")) == ("cyberdesk", "application/x-cyberdesk")
    verb = extension.find("w:Verb", NS)
    assert verb is not None
    assert (verb.get("TargetFile"), verb.get("Argument")) == ("CyberdeskExe", '"%1"')


def test_the_start_menu_entry_starts_the_program(wxs: ET.Element) -> None:
    menu = next(d for d in wxs.iter(f"{{{NS['w']}}}StandardDirectory") if d.get("Id") == "ProgramMenuFolder")
    shortcut = menu.find(".//w:Shortcut", NS)
    assert shortcut is not None
    assert (shortcut.get("Name"), shortcut.get("Target")) == ("Cyber Affairs Desk", "[#CyberdeskExe]")


def test_uninstall_touches_no_user_data(wxs: ET.Element) -> None:
    text = (INSTALLERS / "windows" / "cyberdesk.wxs").read_text()
    for element in ("RemoveFolder", "RemoveFile", "RemoveRegistryKey", "CustomAction"):
        assert wxs.find(f".//w:{element}", NS) is None, element
    assert "LocalAppDataFolder" not in text and "AppDataFolder" not in text


def test_harvest_lists_every_other_file_once_with_stable_ids(tmp_path: Path) -> None:
    app = tmp_path / "cyberdesk"
    for name in ("cyberdesk.exe", "cyberdesk-cli.exe", "_internal/python311.dll", "_internal/PySide6/QtCore.pyd"):
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_bytes(b"x")
    out = tmp_path / "AppFiles.wxs"
    assert harvest.main([str(app), str(out)]) == 0
    root = ET.parse(out).getroot()
    sources = sorted(f.get("Source") for f in root.iter(f"{{{NS['w']}}}File"))
    assert sources == [
        "$(var.SourceDir)\\_internal\\PySide6\\QtCore.pyd",
        "$(var.SourceDir)\\_internal\\python311.dll",
        "$(var.SourceDir)\\cyberdesk-cli.exe",
    ]
    ids = [e.get("Id") for e in root.iter() if e.get("Id")]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,71}", i) for i in ids)
    group = root.find(".//w:ComponentGroup", NS)
    assert group is not None and group.get("Id") == "AppFiles"
    pyside = next(d for d in root.iter(f"{{{NS['w']}}}Directory") if d.get("Name") == "PySide6")
    qtcore = next(c for c in group if c[0].get("Source", "").endswith("QtCore.pyd"))
    assert qtcore.get("Directory") == pyside.get("Id")
    assert harvest.main([str(app), str(tmp_path / "again.wxs")]) == 0
    assert (tmp_path / "again.wxs").read_bytes() == out.read_bytes()


def test_harvest_refuses_a_folder_without_the_program(tmp_path: Path) -> None:
    assert harvest.main([str(tmp_path), str(tmp_path / "out.wxs")]) == 1


def test_the_windows_version_resource_carries_the_package_version() -> None:
    tree = ast.parse(meta.windows_version_text(__version__))
    calls = {node.func.id: node for node in ast.walk(tree) if isinstance(node, ast.Call)}  # type: ignore[union-attr]
    fixed = {kw.arg: ast.literal_eval(kw.value) for kw in calls["FixedFileInfo"].keywords}
    assert fixed["filevers"] == fixed["prodvers"] == meta.version_tuple(__version__)
    strings = {
        ast.literal_eval(node.args[0]): ast.literal_eval(node.args[1])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"
    }
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "cyberdesk.exe"


def test_version_numbers_for_windows() -> None:
    assert meta.version_tuple("1.2.3") == (1, 2, 3, 0)
    assert meta.version_tuple("2.0rc1") == (2, 0, 0, 0)
    assert meta.msi_version("1.4.2.7") == "1.4.2"


def test_the_mac_app_declares_the_cyberdesk_document_type_and_the_version() -> None:
    plist = plistlib.loads(plistlib.dumps(meta.macos_info_plist(__version__)))
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == __version__
    (exported,) = plist["UTExportedTypeDeclarations"]
    assert exported["UTTypeTagSpecification"]["public.filename-extension"] == ["cyberdesk"]
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["LSItemContentTypes"] == [exported["UTTypeIdentifier"]]
    assert document["CFBundleTypeRole"] == "Editor"
    with (INSTALLERS / "macos" / "entitlements.plist").open("rb") as handle:
        entitlements = plistlib.load(handle)
    assert not any("network" in key for key in entitlements)


@pytest.mark.parametrize(
    "script", ["macos/build.sh", "linux/install.sh", "linux/uninstall.sh"], ids=lambda s: s.replace("/", "-")
)
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(INSTALLERS / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _spec_list(name: str) -> list[str]:
    tree = ast.parse((INSTALLERS / "cyberdesk.spec").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            return [elt.value for elt in node.value.elts if isinstance(elt, ast.Constant)]  # type: ignore[attr-defined]
    raise AssertionError(f"{name} not in the spec")


def test_the_spec_bundles_every_qt_module_the_code_imports() -> None:
    imported = set()
    for path in [*(ROOT / "desktop").rglob("*.py"), *(ROOT / "core").rglob("*.py")]:
        imported |= set(re.findall(r"PySide6\.(Qt[A-Za-z]+)", path.read_text(encoding="utf-8")))
    used, unused = set(_spec_list("QT_USED")), set(_spec_list("QT_UNUSED"))
    assert imported <= used
    assert not used & unused
    assert "tkinter" in _spec_list("EXCLUDES")


def test_the_spec_ships_the_migrations_where_core_looks_for_them() -> None:
    from core.db.migrate import MIGRATIONS_DIR

    spec = (INSTALLERS / "cyberdesk.spec").read_text()
    relative = MIGRATIONS_DIR.relative_to(ROOT).as_posix()
    assert f'(str(ROOT / "core" / "db" / "migrations"), "{relative}")' in spec
