"""Tests of the installers, the icon and the About dialog."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"


def load_script(relative: str) -> ModuleType:
    """A script of installers/ (not a package: the build machines run them by path), loaded as a module."""
    if str(INSTALLERS) not in sys.path:
        sys.path.insert(0, str(INSTALLERS))  # as when run: the scripts import packaging_meta beside them
    path = INSTALLERS / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
