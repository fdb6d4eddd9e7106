"""Formats core cannot write without Qt, registered with core's exporters; nothing Qt loads until one is used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.reports.meeting_pack import MeetingPack


def _pack_pdf(pack: MeetingPack, target: Path) -> None:
    from desktop.pack_pdf import render_pack_pdf

    render_pack_pdf(pack, target)


def install_renderers() -> None:
    """Let `export pack` write .pdf: called by the entry point before a command runs, and by the GUI."""
    from core.io.pack_export import register_pack_renderer

    register_pack_renderer(".pdf", _pack_pdf)
