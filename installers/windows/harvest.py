"""Write AppFiles.wxs: one WiX v4 component per file of the PyInstaller output, except cyberdesk.exe.

    python installers/windows/harvest.py dist\\cyberdesk build\\AppFiles.wxs

cyberdesk.exe is authored by hand in cyberdesk.wxs (it carries the file type and the shortcut's target). Ids are
derived from the relative path, so a rebuild of the same files gives the same ids and Windows Installer's automatic
component GUIDs (Guid="*", from the key path) stay stable across versions. Standard library only.
"""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

WIX_NS = "http://wixtoolset.org/schemas/v4/wxs"
HAND_AUTHORED = {"cyberdesk.exe"}


def _id(prefix: str, relative: PurePosixPath) -> str:
    return f"{prefix}_{hashlib.sha1(str(relative).encode()).hexdigest()[:24]}"


def harvest(source: Path) -> ET.Element:
    ET.register_namespace("", WIX_NS)
    wix = ET.Element(f"{{{WIX_NS}}}Wix")
    fragment = ET.SubElement(wix, f"{{{WIX_NS}}}Fragment")
    root_ref = ET.SubElement(fragment, f"{{{WIX_NS}}}DirectoryRef", Id="INSTALLFOLDER")
    directories: dict[PurePosixPath, tuple[ET.Element, str]] = {PurePosixPath("."): (root_ref, "INSTALLFOLDER")}
    group = ET.SubElement(fragment, f"{{{WIX_NS}}}ComponentGroup", Id="AppFiles")
    for path in sorted(p for p in source.rglob("*") if p.is_file() or p.is_symlink()):
        relative = PurePosixPath(path.relative_to(source).as_posix())
        if str(relative) in HAND_AUTHORED or path.is_dir():
            continue
        parent = relative.parent
        for ancestor in [*reversed(parent.parents), parent]:
            if ancestor not in directories:
                element, _ = directories[ancestor.parent]
                directory_id = _id("d", ancestor)
                child = ET.SubElement(element, f"{{{WIX_NS}}}Directory", Id=directory_id, Name=ancestor.name)
                directories[ancestor] = (child, directory_id)
        component = ET.SubElement(
            group, f"{{{WIX_NS}}}Component", Id=_id("c", relative), Directory=directories[parent][1], Guid="*"
        )
        ET.SubElement(
            component,
            f"{{{WIX_NS}}}File",
            Id=_id("f", relative),
            Source=f"$(var.SourceDir)\\{str(relative).replace('/', chr(92))}",
            KeyPath="yes",
        )
    return wix


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: harvest.py PYINSTALLER_OUTPUT_FOLDER OUTPUT.wxs\n")
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    if not (source / "cyberdesk.exe").is_file():
        sys.stderr.write(f"harvest.py: {source} has no cyberdesk.exe; build with installers/cyberdesk.spec first\n")
        return 1
    tree = ET.ElementTree(harvest(source))
    ET.indent(tree)
    target.parent.mkdir(parents=True, exist_ok=True)
    tree.write(target, encoding="utf-8", xml_declaration=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
