"""Build the Linux tarball: the frozen one-folder app with its menu entry, icons, file type and per-user installer.

    python installers/build_linux.py [--out dist] [--work build/pyinstaller] [--frozen DIR]

writes dist/cyberdesk-VERSION-linux-x86_64.tar.gz. It unpacks to one folder holding `cyberdesk` (run it in place),
`install.sh` / `uninstall.sh`, and share/ with the .desktop file, the shared-mime-info XML and the hicolor icons.
`--frozen` packs an existing PyInstaller output folder instead of running PyInstaller. Standard library only.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packaging_meta import ROOT, version

INSTALLERS = ROOT / "installers"
LINUX = INSTALLERS / "linux"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def freeze(work: Path) -> Path:
    """Run PyInstaller on installers/cyberdesk.spec with this interpreter; returns the one-folder app."""
    dist = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work / "build"),
            str(INSTALLERS / "cyberdesk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return dist / "cyberdesk"


def stage(frozen: Path, folder: Path) -> Path:
    """Lay out the unpacked tarball in `folder`: the app at the top, the desktop integration under share/."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(frozen, folder, symlinks=True)
    share = folder / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(LINUX / "cyberdesk.desktop", share / "applications" / "cyberdesk.desktop")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(LINUX / "cyberdesk-mime.xml", share / "mime" / "packages" / "cyberdesk.xml")
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy2(ICONS / "png" / f"cyberdesk-{size}.png", target / "cyberdesk.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(ICONS / "cyberdesk.svg", scalable / "cyberdesk.svg")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(LINUX / script, folder / script)
        (folder / script).chmod(0o755)
    return folder


def validate_desktop_file(path: Path) -> None:
    """desktop-file-validate (Debian: desktop-file-utils) when installed; the build does not depend on it."""
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        return
    # The template's @EXEC@ is filled in by install.sh; validate the entry as it will be installed.
    filled = path.with_name("validate-cyberdesk.desktop")
    filled.write_text(path.read_text().replace("@EXEC@", "/opt/cyberdesk/cyberdesk"))
    try:
        subprocess.run([validator, str(filled)], check=True)
    finally:
        filled.unlink()


def tarball_name() -> str:
    return f"cyberdesk-{version()}-linux-{platform.machine() or 'x86_64'}"


def pack(folder: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{folder.name}.tar.gz"
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)  # symlinks stay symlinks (Qt libraries are linked, not copied twice)
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--frozen", type=Path, help="an existing PyInstaller one-folder output to pack")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    frozen = args.frozen or freeze(args.work)
    frozen_at = time.perf_counter()
    folder = stage(frozen, args.work / tarball_name())
    validate_desktop_file(folder / "share" / "applications" / "cyberdesk.desktop")
    target = pack(folder, args.out)
    done = time.perf_counter()
    size = target.stat().st_size / 2**20
    sys.stdout.write(
        f"build_linux: {target} ({size:.0f} MiB); PyInstaller {frozen_at - started:.0f} s, "
        f"staging and packing {done - frozen_at:.0f} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
