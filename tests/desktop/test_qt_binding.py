"""Guards against a Qt binding release that corrupts the interpreter (PySide6 6.12.0 on Python 3.11)."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLineEdit


def test_void_qt_calls_keep_none_refcount(qtbot: QtBot) -> None:
    # PySide6 6.12.0 lost one reference to None per call returning nothing; the app aborted after a few
    # thousand edits ("Fatal Python error: none_dealloc"). On 3.12+ None is immortal and this trivially holds.
    box = QLineEdit()
    qtbot.addWidget(box)
    before = sys.getrefcount(None)
    for _ in range(2000):
        box.setText("x")
    assert sys.getrefcount(None) - before < 100
