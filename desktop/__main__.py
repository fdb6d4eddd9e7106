"""The one `cyberdesk` entry point: GUI and Qt-bound commands here, everything else to `core.cli` without Qt."""

from __future__ import annotations

import sys

# Commands that need Qt. Everything else must run without importing PySide6, so that headless use
# (CI, scheduled exports, a locked-down server) never pays for or depends on the GUI stack.
_QT_FLAGS = {"--self-test"}


def _wants_gui(argv: list[str]) -> bool:
    """No command (only `--db`) or a Qt-only flag. Decided without importing core.cli, whose imports
    (SQLAlchemy, the models) would otherwise delay the window's first frame by most of a second."""
    rest = [arg for arg in argv if not arg.startswith("--db=")]
    if "--db" in rest:
        i = rest.index("--db")
        del rest[i : i + 2]
    return any(arg in _QT_FLAGS for arg in argv) or not rest


def _opened_file(argv: list[str]) -> list[str]:
    """A double-clicked office arrives as the only argument (the Linux .desktop file's %f, the Windows file type's
    "%1", macOS's open-document event through PyInstaller's argv emulation): open it in the window."""
    if len(argv) == 1 and argv[0].lower().endswith(".cyberdesk") and not argv[0].startswith("-"):
        return ["--db", argv[0]]
    return argv


def main(argv: list[str] | None = None) -> int:
    args = _opened_file(list(sys.argv[1:] if argv is None else argv))
    if _wants_gui(args):
        from desktop.app import run_gui

        return run_gui(args)
    from core.cli import run
    from desktop.renderers import install_renderers

    # PDF packs are drawn by Qt; the hook imports it only if such an export actually runs.
    install_renderers()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
