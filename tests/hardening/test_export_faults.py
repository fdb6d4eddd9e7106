"""A full disk or a target held open (Excel, antivirus) during any export: the previous file survives, byte for byte.

core/io/cells.py proves atomic_write on its own (tests/core/io/test_cells.py); this proves every real writer goes
through it, the PDF drawn by Qt included. A new writer is one entry in `WRITERS`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import core.io.cells as cells
from core.db.engine import Database
from core.io.action_updates import export_action_updates
from core.io.errors import ExportError
from core.io.pack_export import export_pack
from core.io.table_export import export_list
from tests.core.reports.test_meeting_pack import AS_AT, build_pack_office


def _pdf(db: Database, target: Path) -> None:
    from desktop.renderers import install_renderers

    install_renderers()
    export_pack(db, "next", target, as_at=AS_AT)


WRITERS: dict[str, Callable[[Database, Path], object]] = {
    "list.xlsx": lambda db, target: export_list(db, "actions", target, as_at=AS_AT),
    "list.csv": lambda db, target: export_list(db, "organisations", target, as_at=AS_AT),
    "pack.xlsx": lambda db, target: export_pack(db, "next", target, as_at=AS_AT),
    "pack.pdf": _pdf,
    "updates.xlsx": lambda db, target: export_action_updates(db, "MFA", target, as_at=AS_AT),
}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    built = build_pack_office(tmp_path_factory.mktemp("faults") / "pack.cyberdesk")
    yield built.db
    built.db.close()


def _previous(db: Database, name: str, folder: Path, request: pytest.FixtureRequest) -> tuple[Path, bytes]:
    if name.endswith(".pdf"):
        request.getfixturevalue("qapp")
    target = folder / name
    WRITERS[name](db, target)
    return target, target.read_bytes()


def _no_temp_files(folder: Path) -> bool:
    return not list(folder.glob(".~*"))


@pytest.mark.parametrize("name", WRITERS)
def test_disk_full_keeps_the_previous_export(
    name: str, office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    target, before = _previous(office, name, tmp_path, request)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cells.os, "fsync", full)
    with pytest.raises(ExportError, match=rf"Not enough disk space to write {name}"):
        WRITERS[name](office, target)
    assert target.read_bytes() == before
    assert _no_temp_files(tmp_path)


@pytest.mark.parametrize("name", WRITERS)
def test_a_target_held_open_is_retried_then_named(
    name: str, office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    target, before = _previous(office, name, tmp_path, request)
    attempts: list[str] = []

    def sharing_violation(src: object, dst: object) -> None:
        # What Windows raises while Excel or a virus scanner holds the file (WinError 32 maps to EACCES).
        attempts.append(os.fspath(dst))  # type: ignore[arg-type]
        raise PermissionError(errno.EACCES, "The process cannot access the file", os.fspath(dst))  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", sharing_violation)
    monkeypatch.setattr(cells, "_REPLACE_RETRY_DELAYS", (0.0, 0.0))
    with pytest.raises(ExportError) as err:
        WRITERS[name](office, target)
    assert name in str(err.value) and "open in another program" in str(err.value)
    assert attempts == [str(target)] * 3
    assert target.read_bytes() == before
    assert _no_temp_files(tmp_path)
