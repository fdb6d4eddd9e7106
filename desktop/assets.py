"""Where the application's own files (icons) are, from a source checkout and from a frozen build alike."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resources_dir() -> Path:
    """resources/ of the checkout, or the copy PyInstaller unpacks beside the frozen modules (installers/cyberdesk.spec
    puts it at the top of sys._MEIPASS). The one place that knows both layouts."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_png(size: int) -> Path:
    return resources_dir() / "icons" / "png" / f"cyberdesk-{size}.png"


def app_icon() -> QIcon:
    """The product icon at every rendered size. Sizes are given so Qt reads each file only when that size is drawn,
    not all eight before the first frame. Empty (Qt's default icon) when the files are not installed, as in a
    wheel install, which carries no resources/."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_png(size)
        if path.exists():
            icon.addFile(str(path), QSize(size, size))
    return icon
