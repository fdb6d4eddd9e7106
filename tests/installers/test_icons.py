"""The committed icon files: every size the installers need, read back with independent parsers, and in step with
the SVG they are rendered from."""

from __future__ import annotations

import struct

import pytest

from PySide6.QtGui import QImage

from tests.installers import ROOT, load_script

ICONS = ROOT / "resources" / "icons"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_each_png_has_the_size_in_its_name(size: int) -> None:
    path = ICONS / "png" / f"cyberdesk-{size}.png"
    assert png_size(path.read_bytes()) == (size, size)


def test_the_svg_is_square_so_every_size_keeps_its_shape() -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(ICONS / "cyberdesk.svg").getroot()
    assert root.get("viewBox") == "0 0 512 512"


def test_the_ico_holds_16_to_256_as_png() -> None:
    data = (ICONS / "cyberdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _, _, planes, bpp, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i])
        side = width or 256
        assert (width, planes, bpp) == (height, 1, 32)
        assert png_size(data[offset : offset + length]) == (side, side)
        sizes.append(side)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_the_icns_holds_every_size_macos_asks_for() -> None:
    data = (ICONS / "cyberdesk.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        found[kind] = png_size(data[pos + 8 : pos + length])
        pos += length
    assert found[b"icp4"] == (16, 16)
    assert found[b"ic07"] == (128, 128)
    assert found[b"ic09"] == (512, 512)
    assert found[b"ic14"] == (512, 512)  # 256@2x, the Retina Finder size


def test_committed_pngs_are_the_current_rendering_of_the_svg(qapp) -> None:  # type: ignore[no-untyped-def]
    """Someone who edits the SVG and forgets `python installers/make_icons.py` is told here."""
    fresh = load_script("make_icons.py").render_pngs()
    for size in (16, 64, 512):
        committed = QImage(str(ICONS / "png" / f"cyberdesk-{size}.png")).convertToFormat(QImage.Format.Format_ARGB32)
        rendered = QImage.fromData(fresh[size]).convertToFormat(QImage.Format.Format_ARGB32)
        differing = sum(
            1 for y in range(size) for x in range(size) if abs(committed.pixel(x, y) - rendered.pixel(x, y)) > 0
        )
        assert differing <= size * size // 100, f"{size} px: {differing} pixels differ from the SVG's rendering"


def test_the_application_icon_offers_every_size(qapp) -> None:  # type: ignore[no-untyped-def]
    from desktop.assets import app_icon

    sizes = {size.width() for size in app_icon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
