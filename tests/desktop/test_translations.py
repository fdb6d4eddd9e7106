"""Editor labels, titles and help, and register tab titles, are data, not tr() calls: they must still reach a
translator through lupdate."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from core.reports.lists import LIST_ENTITIES
from desktop.editing.registers import EDITORS
from desktop.lists.register import TAB_TITLES

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


def test_every_editor_label_title_help_and_tab_title_is_extracted_for_translation(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate is None:
        pytest.fail("pyside6-lupdate is part of PySide6-Essentials and should sit beside the interpreter")
    ts = tmp_path / "editors.ts"
    sources = [str(DESKTOP / "editing" / "registers.py"), str(DESKTOP / "lists" / "register.py")]
    subprocess.run([lupdate, *sources, "-ts", str(ts)], check=True, capture_output=True)
    found = {
        (context.findtext("name"), message.findtext("source"))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }
    wanted = {("RecordEditorDialog", spec.title) for spec in EDITORS.values()}
    wanted |= {("RegisterView", title) for title in TAB_TITLES.values()}
    for spec in EDITORS.values():
        wanted |= {("FieldSpec", f.label) for f in spec.fields}
        wanted |= {("FieldSpec", f.help) for f in spec.fields if f.help}
    assert wanted - found == set()


def test_every_list_has_a_tab_title() -> None:
    assert set(TAB_TITLES) == set(LIST_ENTITIES)
