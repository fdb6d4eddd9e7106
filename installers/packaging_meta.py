"""What every installer takes from the package: the version, the Windows version resource, the macOS Info.plist.

Standard library only: the PyInstaller spec, the build scripts and the tests all load it by path.
"""

from __future__ import annotations

import plistlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "Cyber Affairs Desk"
PUBLISHER = "Office of the Ambassador for Cyber Affairs"
FILE_SUFFIX = ".cyberdesk"
MIME_TYPE = "application/x-cyberdesk"


def version() -> str:
    """core.__version__, read without importing the package (a build may run before it is installed)."""
    found = re.search(r'^__version__ = "([^"]+)"', (ROOT / "core" / "__init__.py").read_text(), re.M)
    if found is None:
        raise SystemExit("core/__init__.py has no __version__")
    return found.group(1)


def version_tuple(text: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows resources and MSI: 1.2.3rc1 -> (1, 2, 3, 0); a missing part is 0."""
    parts = [int(re.match(r"\d+", part).group(0)) for part in text.split(".")[:4] if re.match(r"\d+", part)]  # type: ignore[union-attr]
    return (*parts, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def windows_version_text(text: str) -> str:
    """A PyInstaller version file (the VSVersionInfo literal it compiles into the .exe's version resource)."""
    numbers = version_tuple(text)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": APP_NAME,
        "FileVersion": text,
        "InternalName": "cyberdesk",
        "LegalCopyright": PUBLISHER,
        "OriginalFilename": "cyberdesk.exe",
        "ProductName": APP_NAME,
        "ProductVersion": text,
    }
    table = ",\n        ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
        {table}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])]),
  ],
)
"""


def write_version_file(text: str, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(windows_version_text(text), encoding="utf-8")
    return str(path)


def macos_info_plist(text: str) -> dict[str, object]:
    """installers/macos/Info.plist (document type and UTI of .cyberdesk files) with this version filled in."""
    with (ROOT / "installers" / "macos" / "Info.plist").open("rb") as handle:
        plist: dict[str, object] = plistlib.load(handle)
    plist["CFBundleShortVersionString"] = text
    plist["CFBundleVersion"] = text
    return plist


def msi_version(text: str) -> str:
    """Windows Installer compares only the first three fields: 1.2.3."""
    return ".".join(str(number) for number in version_tuple(text)[:3])


if __name__ == "__main__":
    # For build scripts in other languages (build.ps1, macos/build.sh): print a version.
    wanted = sys.argv[1] if len(sys.argv) > 1 else "version"
    printers = {"version": version, "msi-version": lambda: msi_version(version())}
    if wanted not in printers:
        sys.exit(f"packaging_meta.py: print one of {', '.join(printers)}")
    sys.stdout.write(printers[wanted]() + "\n")
