"""Editor labels, titles and help are data, not tr() calls: they must still reach a translator through lupdate."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop.editing.registers import EDITORS

REGISTERS = Path(__file__).resolve().parents[2] / "desktop" / "editing" / "registers.py"


def test_every_editor_label_title_and_help_is_extracted_for_translation(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate is None:
        pytest.fail("pyside6-lupdate is part of PySide6-Essentials and should sit beside the interpreter")
    ts = tmp_path / "editors.ts"
    subprocess.run([lupdate, str(REGISTERS), "-ts", str(ts)], check=True, capture_output=True)
    found = {
        (context.findtext("name"), message.findtext("source"))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }
    wanted = {("RecordEditorDialog", spec.title) for spec in EDITORS.values()}
    for spec in EDITORS.values():
        wanted |= {("FieldSpec", f.label) for f in spec.fields}
        wanted |= {("FieldSpec", f.help) for f in spec.fields if f.help}
    assert wanted - found == set()
