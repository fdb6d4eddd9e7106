"""Render resources/icons/cyberdesk.svg to the PNG sizes, the Windows .ico and the macOS .icns.

    python installers/make_icons.py

Run it after editing the SVG and commit what it writes. Qt's own SVG renderer draws the PNGs (PySide6-Essentials
ships QtSvg); the .ico and .icns containers are written here because both simply hold PNG images, which saves a
Pillow dependency and Qt image-format plugins that not every PySide6 wheel carries.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "cyberdesk.svg"
PNG_DIR = ICONS / "png"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows shows 16-48 in lists and Explorer, 256 in large views; 256 is the format's largest.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The icns element types that hold PNG data, by pixel size (the @2x types reuse the larger renderings).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def png_path(size: int) -> Path:
    return PNG_DIR / f"cyberdesk-{size}.png"


def render_pngs(svg: Path = SVG) -> dict[int, bytes]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    images: dict[int, bytes] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        images[size] = bytes(data.data())
    return images


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size, then the PNG images (PNG entries are valid since Windows Vista)."""
    sizes = [size for size in ICO_SIZES if size in pngs]
    offset = 6 + 16 * len(sizes)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size == 256 else size  # a byte: 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        images += data
    return header + entries + images


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    pngs = render_pngs()
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    for size, data in pngs.items():
        png_path(size).write_bytes(data)
    (ICONS / "cyberdesk.ico").write_bytes(ico_bytes(pngs))
    (ICONS / "cyberdesk.icns").write_bytes(icns_bytes(pngs))
    sys.stdout.write(f"make_icons: {len(pngs)} PNG sizes, cyberdesk.ico and cyberdesk.icns in {ICONS}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
