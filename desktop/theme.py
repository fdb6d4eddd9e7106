"""Light and dark themes (or the system's choice) and RAG colours that stay readable on either."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

__all__ = ["RagColours", "ThemeController", "apply_theme", "fusion_palette", "rag_colours", "theme_controller"]

_CONTROLLER_NAME = "cyberdeskThemeController"


class RagColours(NamedTuple):  # not a dataclass: this module is loaded before the first frame, dataclasses is not
    """A RAG cell: text colour on a fill, at least 4.5:1 contrast (WCAG AA) so the word stays readable."""

    background: QColor
    foreground: QColor


# Light: the fills of the xlsx export (Excel's "light fill, dark text" pairs) so screen and workbook agree.
_LIGHT_RAG = {
    "Red": ("#FFC7CE", "#9C0006"),
    "Amber": ("#FFEB9C", "#7A4500"),
    "Green": ("#C6EFCE", "#006100"),
    "Blue": ("#BDD7EE", "#1F4E79"),
    "Cancelled": ("#D9D9D9", "#404040"),
}
# Dark: the same hues as deep fills under pale text, so a RAG cell does not glare out of a dark table.
_DARK_RAG = {
    "Red": ("#5C1A21", "#FFC7CE"),
    "Amber": ("#5A4300", "#FFE699"),
    "Green": ("#1E4620", "#C6EFCE"),
    "Blue": ("#1D3A5C", "#BDD7EE"),
    "Cancelled": ("#3A3A3A", "#D0D0D0"),
}


def rag_colours(dark: bool) -> dict[str, RagColours]:
    """Fill and text colour for each RAG value ("Red", "Amber", "Green", "Blue", "Cancelled")."""
    table = _DARK_RAG if dark else _LIGHT_RAG
    return {name: RagColours(QColor(bg), QColor(fg)) for name, (bg, fg) in table.items()}


def current_rag_colours() -> dict[str, RagColours]:
    """The RAG colours of the theme now applied (light before any theme is applied)."""
    app = QApplication.instance()
    dark = isinstance(app, QApplication) and theme_controller(app).dark
    return rag_colours(dark)


def fusion_palette(dark: bool) -> QPalette:
    """The Fusion palette used for an explicit light or dark theme."""
    if not dark:
        return QPalette(QColor("#EFEFEF"), QColor("#F7F7F7"))
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2B2B2B",
        QPalette.ColorRole.WindowText: "#E6E6E6",
        QPalette.ColorRole.Base: "#1E1E1E",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.ToolTipBase: "#3C3C3C",
        QPalette.ColorRole.ToolTipText: "#E6E6E6",
        QPalette.ColorRole.PlaceholderText: "#8C8C8C",
        QPalette.ColorRole.Text: "#E6E6E6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#E6E6E6",
        QPalette.ColorRole.BrightText: "#FF6B6B",
        QPalette.ColorRole.Light: "#4A4A4A",
        QPalette.ColorRole.Midlight: "#3E3E3E",
        QPalette.ColorRole.Mid: "#2F2F2F",
        QPalette.ColorRole.Dark: "#1A1A1A",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#2F65CA",
        QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.Link: "#7AB4FF",
        QPalette.ColorRole.LinkVisited: "#C39BFF",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(disabled, role, QColor("#7F7F7F"))
    return p


class ThemeController(QObject):
    """Remembers the chosen theme and, for "system", follows the platform when its colour scheme changes."""

    sig_theme_changed = Signal(bool)
    """Emitted with True for dark, False for light, whenever the applied theme changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_CONTROLLER_NAME)
        self._app = app
        # Read when first needed: wrapping the QStyle makes PySide build its enums, which the first frame can skip.
        self._platform_style: str | None = None
        self.mode = "system"
        self.dark = False
        self._applying = False
        # The (style, dark) last set: setting the same style again would re-polish every widget for nothing.
        self._look: tuple[str, bool] | None = None
        app.styleHints().colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    def apply(self, mode: str) -> bool:
        """Apply "system", "light" or "dark" (anything else counts as "system"); True if the result is dark."""
        self.mode = mode if mode in ("light", "dark") else "system"
        self._applying = True
        try:
            dark = self._apply()
        finally:
            self._applying = False
        if dark != self.dark:
            self.dark = dark
            self.sig_theme_changed.emit(dark)
        self.dark = dark
        return dark

    def apply_at_start(self, mode: str) -> bool:
        """Before the first frame: the look apply() would give, chosen without asking the platform for its colour
        scheme, because the answer's type (Qt.ColorScheme) makes PySide build all ~90 enums of the Qt namespace
        (40-150 ms) before the window could paint. For "system" the platform's palette tells dark from light;
        apply() after the first frame asks properly and changes the look only if the two disagree."""
        self.mode = mode if mode in ("light", "dark") else "system"
        if self.mode == "system":
            dark = self._app.palette().window().color().lightness() < 128
            if dark:
                self._set_look("Fusion", True)
            else:
                self._look = ("platform", False)  # what a new application shows already: nothing to set
        else:
            dark = self.mode == "dark"
            self._set_look("Fusion", dark)
        self.dark = dark
        return dark

    def _apply(self) -> bool:
        from PySide6.QtCore import Qt

        hints = self._app.styleHints()
        if self.mode == "system":
            hints.unsetColorScheme()
            if hints.colorScheme() != Qt.ColorScheme.Dark:
                self._set_look("platform", False)
                return False
            dark = True
        else:
            dark = self.mode == "dark"
            # Tells the platform too, so native file dialogs and title bars match where it supports that.
            hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
        # Fusion draws any palette; some platform styles (Windows "windowsvista") ignore a dark one.
        self._set_look("Fusion", dark)
        return dark

    def _set_look(self, style: str, dark: bool) -> None:
        """ "platform" is the platform's own style and palette; "Fusion" draws ours, light or dark."""
        if self._look == (style, dark):
            return
        if self._platform_style is None:  # still the platform's own: nothing has set a style yet
            self._platform_style = self._app.style().name()
        if style == "platform":
            self._app.setStyle(self._platform_style)
            self._app.setPalette(QPalette())  # back to the platform's own palette
        else:
            self._app.setStyle(style)
            self._app.setPalette(fusion_palette(dark))
        self._look = (style, dark)

    def _on_style_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system" and not self._applying:
            self.apply("system")


def theme_controller(app: QApplication) -> ThemeController:
    """The app's one ThemeController (created on first use); views connect to its sig_theme_changed."""
    found = app.findChild(ThemeController, _CONTROLLER_NAME)
    return found if isinstance(found, ThemeController) else ThemeController(app)


def apply_theme(app: QApplication, mode: str) -> bool:
    """Apply the theme `mode` ("system", "light" or "dark") to the whole app; True if it is now dark."""
    return theme_controller(app).apply(mode)
