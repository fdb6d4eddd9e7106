"""Render the README's screenshots of the demo office offscreen into docs/screenshots/*.png, the same every run."""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

# Before any Qt import creates the application: screenshots need no screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout, not only as an installed package

from PySide6.QtCore import QEvent, QMessageLogContext, QPoint, QRect, Qt, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QColor, QFontDatabase, QFontMetrics, QImage, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget  # noqa: E402

if TYPE_CHECKING:
    from core.db.engine import Database
    from desktop.main_window import MainWindow

# A fixed "today" so RAG colours, due-soon lines and the demo's history come out the same on every run.
AS_AT = date(2025, 8, 15)
WINDOW_SIZE = (1400, 900)
SCALE = 0.75
MAX_BYTES = 250_000
DUE_DOCK_WIDTH = 380
SEARCH_TEXT = "OEWG"
SHOT_NAMES = (
    "dashboard",
    "actions",
    "meetings",
    "resources",
    "secondments",
    "commitments",
    "action-editor",
    "search",
    "meeting-workspace",
    "budget-grid",
    "secondment-checklist",
)
# Columns the pictures leave out through the column chooser, so each list shows its telling columns in the width.
HIDDEN_COLUMNS = {
    "actions": (
        "group",
        "raised_at",
        "raised_on",
        "owner",
        "original_due",
        "open_for",
        "blocked",
        "extensions",
        "closed_on",
        "forum",
        "update",
    ),
    "budget": ("id", "cost_centre", "funding", "oda", "owner", "owner_agency", "commitment", "event"),
    "secondments": ("host_unit", "expertise", "original_end"),
}
# What the pictures type into a list's search box: the actions still being worked on show their RAG range.
LIST_SEARCHES = {"actions": "In progress"}
QT_NOISE = ("This plugin does not support",)  # the offscreen platform's notes about features it lacks
DEFAULT_FOLDER = Path(__file__).resolve().parent / "screenshots"
FONT_HELP = (
    "No usable font: Qt cannot draw text, so the screenshots would show empty boxes. "
    "Install a font package (on Debian or Ubuntu: sudo apt-get install fonts-dejavu-core) and run this again."
)


class NoUsableFont(RuntimeError):
    """Qt finds no font that draws Latin letters on this machine."""


def check_fonts() -> None:
    """Raise NoUsableFont unless a font exists and actually puts ink on the page for ordinary text."""
    if not QFontDatabase.families():
        raise NoUsableFont(FONT_HELP)
    font = QApplication.font()
    if not all(QFontMetrics(font).inFontUcs4(ord(letter)) for letter in "Meridia"):
        raise NoUsableFont(FONT_HELP)
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(QRect(0, 0, 120, 40), Qt.AlignmentFlag.AlignCenter, "Meridia")
    painter.end()
    inked = sum(1 for y in range(40) for x in range(120) if image.pixelColor(x, y).lightness() < 128)
    if inked < 20:
        raise NoUsableFont(FONT_HELP)


def render_screenshots(folder: Path, *, scale: float = SCALE) -> list[Path]:
    """Build the demo office in a temporary folder, open the main window on it and write one PNG per view."""
    from core.db.engine import open_database
    from core.demo import build_demo
    from desktop.app import make_application
    from desktop.jobs import JobRunner
    from desktop.main_window import MainWindow
    from desktop.search_dialog import SearchDialog
    from desktop.settings import AppSettings

    app = make_application([])
    check_fonts()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="cyberdesk-screenshots-") as temp:
        work = Path(temp)
        office = work / "office.cyberdesk"
        with open_database(office, create=True) as db:
            build_demo(db, as_at=AS_AT)
        window = MainWindow(AppSettings(work / "settings.ini"), JobRunner(synchronous=True))
        try:
            window.resize(*WINDOW_SIZE)
            window.show()
            if not window.open_database(office) or window.db is None or window.due_panel is None:
                raise RuntimeError(f"Could not open the demo office at {office}")
            window.due_panel.refresh(AS_AT)
            dock = window.findChild(QDockWidget, "dueSoonDock")
            assert dock is not None

            def shoot(name: str, pixmap: QPixmap) -> None:
                written.append(_save(pixmap, folder / f"{name}.png", scale))

            def list_page(entity: str) -> QPixmap:
                register = window.show_list(entity)
                for name, view in register.lists.items():
                    view.model.set_as_at(AS_AT)
                    if name in LIST_SEARCHES:
                        view.search.setText(LIST_SEARCHES[name])
                        view.model.set_search(LIST_SEARCHES[name])
                    view.reload()
                    keys = [column.key for column in view.model.columns]
                    for key in HIDDEN_COLUMNS.get(name, ()):
                        view.set_column_hidden(keys.index(key), True)
                app.processEvents()  # let the new page lay out before it is drawn
                return window.grab()

            window.resizeDocks([dock], [DUE_DOCK_WIDTH], Qt.Orientation.Horizontal)
            shoot("actions", list_page("actions"))
            dock.hide()  # the dashboard and the other lists get the whole width
            shoot("meetings", list_page("meetings"))
            shoot("resources", list_page("budget"))
            shoot("secondments", list_page("secondments"))
            shoot("commitments", list_page("commitments"))

            actions = list_page("actions")
            editor = window.show_record("actions", _first_open_action(window.db))
            assert editor is not None
            _show_blank_dates_as_at(editor)
            app.processEvents()
            shoot("action-editor", _with_dialog(actions, editor))
            editor.close()

            behind = window.grab()  # before the dialog takes focus and the window paints as inactive
            search = SearchDialog(window.db, window)
            search.box.setText(SEARCH_TEXT)
            search.run_search()
            search.show()
            app.processEvents()
            shoot("search", _with_dialog(behind, search))
            search.close()
            search.deleteLater()

            shoot("meeting-workspace", _meeting_workspace(window))
            shoot("budget-grid", _budget_grid(window))
            secondments = list_page("secondments")
            checklist = _secondment_checklist(window)
            shoot("secondment-checklist", _with_dialog(secondments, checklist))
            checklist.close()
            # Last: once its charts exist the dashboard holds the window wider than the other pictures.
            shoot("dashboard", _dashboard(window))
        finally:
            window.close()  # closes the database before its folder goes
            window.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return written


def _dashboard(window: MainWindow) -> QPixmap:
    """The page the app opens on, its figures and charts as at the demo's date rather than the real today."""
    from PySide6.QtCore import QDate

    from desktop.dashboard.view import DashboardView

    window._nav.setCurrentRow(0)
    page = window.current_page()
    assert isinstance(page, DashboardView)
    page.as_at.setDate(QDate(AS_AT.year, AS_AT.month, AS_AT.day))  # recomputes, at once with a synchronous runner
    page.build_charts()
    QApplication.processEvents()
    # The dashboard's minimum width holds the window wider than asked: shrink the picture to the others' width.
    return window.grab().scaledToWidth(WINDOW_SIZE[0], Qt.TransformationMode.SmoothTransformation)


def _meeting_workspace(window: MainWindow) -> QPixmap:
    """The Meetings page's workspace on the group's next meeting as at the demo's date, its agenda in front."""
    from desktop.main_window import page_of
    from desktop.meetings.view import MeetingsPage

    window._nav.setCurrentRow(page_of("meetings"))
    page = window.page(page_of("meetings"))
    assert isinstance(page, MeetingsPage)
    workspace = page.show_workspace()
    workspace.today = lambda: AS_AT
    workspace.reload_meetings()
    QApplication.processEvents()
    return window.grab()


def _budget_grid(window: MainWindow) -> QPixmap:
    """The Resources page's forum by quarter grid for the demo's fiscal year, not the real today's."""
    from desktop.main_window import page_of
    from desktop.resources.page import ResourcesPage

    window._nav.setCurrentRow(page_of("budget"))
    page = window.page(page_of("budget"))
    assert isinstance(page, ResourcesPage)
    grid = page.show_grid()
    assert window.db is not None
    with window.db.read() as session:
        from core.services.office import load_settings

        fiscal_year = load_settings(session).calendar.fiscal_year_of(AS_AT)
    grid.year_box.setCurrentIndex(grid.year_box.findData(fiscal_year))
    QApplication.processEvents()
    return window.grab()


def _secondment_checklist(window: MainWindow) -> QWidget:
    """The editor of the secondment whose checklist is furthest along without being finished, on its Checklist tab."""
    import sqlalchemy as sa

    from core.domain.secondments import ChecklistItem
    from desktop.secondments.editor import SecondmentEditorDialog

    assert window.db is not None
    done = sa.func.count(ChecklistItem.done_on)
    with window.db.read() as session:
        rows = session.execute(
            sa.select(ChecklistItem.secondment_id, done, sa.func.count())
            .group_by(ChecklistItem.secondment_id)
            .order_by(ChecklistItem.secondment_id)
        ).all()
    unfinished = [(count, -total, row_id) for row_id, count, total in rows if 0 < count < total] or [(0, 0, rows[0][0])]
    editor = window.show_record("secondments", max(unfinished)[2])
    assert isinstance(editor, SecondmentEditorDialog) and editor.checklist is not None
    editor.tabs.setCurrentWidget(editor.checklist)
    _show_blank_dates_as_at(editor)
    QApplication.processEvents()
    return editor


def _first_open_action(db: Database) -> int:
    from desktop.lists.table_model import ListTableModel

    model = ListTableModel(db, "actions", as_at=AS_AT)  # its own, so the search shown in the list does not narrow it
    keys = [column.key for column in model.columns]
    status, due, blocked = keys.index("status"), keys.index("due"), keys.index("blocked")
    # A current one: open, not blocked and not yet due on the demo's date, as a desk officer would pick.
    while model.canFetchMore():
        model.fetchMore()
    for row in range(model.rowCount()):
        values = [model.index(row, column).data() for column in (status, blocked)]
        due_on = model.index(row, due).data()
        if values == ["Open", "No"] and due_on and datetime.strptime(due_on, "%d %b %Y").date() >= AS_AT:
            return model.row_id(row)
    return model.row_id(0)


def _show_blank_dates_as_at(editor: QWidget) -> None:
    """A blank optional date still shows a greyed date, today's; show the demo's date so pictures do not change."""
    from PySide6.QtCore import QDate

    from desktop.editing.fields import DateField

    for field in editor.findChildren(DateField):
        if field.none_box is not None and field.none_box.isChecked():
            field.date_edit.setDate(QDate(AS_AT.year, AS_AT.month, AS_AT.day))


def _with_dialog(background: QPixmap, dialog: QWidget) -> QPixmap:
    """The window dimmed a little with the dialog drawn centred over it, as the user sees a modal dialog."""
    canvas = QPixmap(background)
    shot = dialog.grab()
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 28))
    top_left = QPoint((canvas.width() - shot.width()) // 2, max(0, (canvas.height() - shot.height()) // 2))
    for spread, alpha in ((6, 18), (3, 30), (1, 60)):  # a soft edge, so the dialog lifts off the window
        painter.fillRect(
            QRect(top_left, shot.size()).adjusted(-spread, -spread, spread, spread), QColor(0, 0, 0, alpha)
        )
    painter.drawPixmap(top_left, shot)
    painter.end()
    return canvas


def _save(pixmap: QPixmap, path: Path, scale: float) -> Path:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
    if scale != 1:
        image = image.scaledToWidth(round(image.width() * scale), Qt.TransformationMode.SmoothTransformation)
    # For PNG Qt reads quality 0 as the strongest zlib compression; the image itself stays lossless.
    if not _write_png(image, path):
        raise OSError(f"Could not write {path}")
    if path.stat().st_size > MAX_BYTES and not _write_png(_palette_image(image), path):
        raise OSError(f"Could not write {path}")
    return path


def _on_qt_message(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if not message.startswith(QT_NOISE):
        print(message, file=sys.stderr)  # noqa: T201 - Qt's own warnings, as Qt would print them


def _write_png(image: QImage, path: Path) -> bool:
    # PySide6's stubs type the format as bytes, but the binding wants a str at run time.
    return image.save(str(path), "PNG", 0)  # type: ignore[call-overload, no-any-return]


def _palette_image(image: QImage) -> QImage:
    """The image in its 256 most used colours. A screenshot is flat fills plus anti-aliased text, so the fills keep
    their exact colour (Qt's own 8-bit conversion would snap them to a 6x6x6 cube) and text edges lose little."""
    pixels = memoryview(image.constBits()).cast("I")  # Format_RGB32: one 0xffRRGGBB word per pixel
    palette = [colour for colour, _ in Counter(pixels).most_common(256)]
    return image.convertToFormat(QImage.Format.Format_Indexed8, palette, Qt.ImageConversionFlag.ThresholdDither)


def main(argv: list[str]) -> int:
    from desktop.app import make_application
    from desktop.theme import apply_theme

    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    previous_handler = qInstallMessageHandler(_on_qt_message)
    app = make_application([])
    try:
        check_fonts()
        apply_theme(app, "light")  # the README shows the light theme whatever the machine prefers
        written = render_screenshots(folder)
    except NoUsableFont as exc:
        print(exc, file=sys.stderr)  # noqa: T201 - a command-line tool reports on stderr
        return 1
    finally:
        qInstallMessageHandler(previous_handler)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size:,} bytes")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
