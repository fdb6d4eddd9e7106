"""Field specs and their editing widgets, each with one API: field_value, set_field_value, field_problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, Literal, Protocol, get_args

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.domain.base import LabelledEnum
from core.domain.money import format_money, parse_money

FieldKind = Literal["text", "multiline", "int", "money", "fte", "date", "optional_date", "time", "bool", "enum", "fk"]
FIELD_KINDS: tuple[FieldKind, ...] = get_args(FieldKind)

# The widest range of dates core accepts (validation refuses anything outside it as a typing mistake).
EARLIEST = QDate(1900, 1, 1)
LATEST = QDate(2200, 12, 31)
DATE_FORMAT = "d MMM yyyy"
# Pickers longer than this filter as the user types; short ones are plain drop-downs.
SEARCHABLE_FROM = 12
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")  # [0-9], not int(): int() also takes other scripts' digits
_TIME_OF_DAY = re.compile(r"([0-9]{1,2})[:.h]?([0-9]{2})")  # 10:00, 9.30, 0930, 14h00


@dataclass(frozen=True)
class FieldSpec:
    """One field of an editor form: which column, how it is labelled and which widget edits it.

    `required` marks the label and drops the blank option of a picker; the rules themselves live in core.
    `choices_from` names the table a foreign-key picker offers rows of; `choices_kind` narrows reference items."""

    key: str
    label: str
    kind: FieldKind
    required: bool = False
    choices_from: str | None = None
    enum: type[LabelledEnum] | None = None
    multiline: bool = False
    help: str | None = None
    choices_kind: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"Unknown field kind {self.kind!r} for {self.key!r}")
        if self.kind == "fk" and not self.choices_from:
            raise ValueError(f"Foreign-key field {self.key!r} needs choices_from")
        if self.kind == "enum" and self.enum is None:
            raise ValueError(f"Enum field {self.key!r} needs enum")

    @property
    def widget_kind(self) -> FieldKind:
        return "multiline" if self.kind == "text" and self.multiline else self.kind

    @property
    def shown_label(self) -> str:
        """The label as the user sees it (translated); also the field's accessible name."""
        return QCoreApplication.translate("FieldSpec", self.label)


class FieldEditor(Protocol):
    """What the editor dialog needs of every field widget, whatever Qt class it is."""

    sig_value_changed: SignalInstance

    def field_value(self) -> Any: ...
    def set_field_value(self, value: Any) -> None: ...
    def field_problem(self) -> str | None: ...
    def field_text(self, value: Any) -> str: ...
    def focus_widgets(self) -> list[QWidget]: ...


def _translate(text: str) -> str:
    return QCoreApplication.translate("FieldEditor", text)


class LineField(QLineEdit):
    """A one-line field whose text is parsed into a value (plain text, a whole number or an amount)."""

    sig_value_changed = Signal()
    """The text changed (as the user types or when set)."""

    def __init__(
        self,
        parse: Callable[[str], Any],
        render: Callable[[Any], str],
        *,
        blank: Any = "",
        numeric: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._parse = parse
        self._render = render
        self._blank = blank
        if numeric:
            self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.textChanged.connect(self._on_self_text_changed)

    def _on_self_text_changed(self, _text: str) -> None:
        self.sig_value_changed.emit()

    def field_value(self) -> Any:
        text = self.text().strip()
        if not text:
            return self._blank
        try:
            return self._parse(text)
        except ValueError:
            return None

    def field_problem(self) -> str | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            self._parse(text)
        except ValueError as exc:
            return str(exc)
        return None

    def set_field_value(self, value: Any) -> None:
        self.setText("" if value is None else self._render(value))
        self.setCursorPosition(0)  # a value longer than the box shows its start, not its end

    def field_text(self, value: Any) -> str:
        return "" if value is None else self._render(value)

    def focus_widgets(self) -> list[QWidget]:
        return [self]


class TextAreaField(QPlainTextEdit):
    """Several lines of free text; Tab moves to the next field, as in every other field of the form."""

    sig_value_changed = Signal()
    """The text changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(64)
        self.setMaximumHeight(120)
        self.textChanged.connect(self.sig_value_changed)

    def field_value(self) -> str:
        return self.toPlainText().strip()

    def set_field_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))

    def field_problem(self) -> str | None:
        return None

    def field_text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def focus_widgets(self) -> list[QWidget]:
        return [self]


class FteField(QDoubleSpinBox):
    """Full-time equivalent shown as 0.01–1.00 and stored as whole hundredths (exact sums, no floats)."""

    sig_value_changed = Signal()
    """The FTE changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(2)
        self.setRange(0.01, 1.0)
        self.setSingleStep(0.05)
        self.setMaximumWidth(120)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.valueChanged.connect(self._on_self_value_changed)

    def _on_self_value_changed(self, _value: float) -> None:
        self.sig_value_changed.emit()

    def field_value(self) -> int:
        return round(self.value() * 100)

    def set_field_value(self, value: Any) -> None:
        self.setValue((int(value) if value is not None else 100) / 100)

    def field_problem(self) -> str | None:
        return None

    def field_text(self, value: Any) -> str:
        return "" if value is None else f"{Decimal(int(value)).scaleb(-2):.2f}"

    def focus_widgets(self) -> list[QWidget]:
        return [self]


def _date_edit(parent: QWidget | None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(EARLIEST, LATEST)
    edit.setDate(QDate.currentDate())
    return edit


class DateField(QWidget):
    """A date with a calendar popup; an optional date adds a "None" box that leaves it blank."""

    sig_value_changed = Signal()
    """The date, or whether there is one, changed."""

    def __init__(self, *, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date_edit = _date_edit(self)
        layout.addWidget(self.date_edit)
        self.none_box: QCheckBox | None = None
        self._remembered = QDate.currentDate()
        if optional:
            self.date_edit.setSpecialValueText("—")
            self.none_box = QCheckBox(self.tr("None"), self)
            self.none_box.toggled.connect(self._on_none_box_toggled)
            layout.addWidget(self.none_box)
        layout.addStretch(1)
        self.setFocusProxy(self.date_edit)
        self.date_edit.dateChanged.connect(self.sig_value_changed)

    def _on_none_box_toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(not checked)
        blank = self.date_edit.minimumDate()
        if checked:
            # Show a dash, not a greyed-out date that reads like a real one.
            if self.date_edit.date() != blank:
                self._remembered = self.date_edit.date()
            self.date_edit.setDate(blank)
        elif self.date_edit.date() == blank:
            self.date_edit.setDate(self._remembered)
        self.sig_value_changed.emit()

    def field_value(self) -> date | None:
        if self.none_box is not None and self.none_box.isChecked():
            return None
        value = self.date_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def set_field_value(self, value: Any) -> None:
        if value is not None:
            self.date_edit.setDate(QDate(value.year, value.month, value.day))
        if self.none_box is not None:
            self.none_box.setChecked(value is None)
            self._on_none_box_toggled(value is None)

    def field_problem(self) -> str | None:
        return None

    def field_text(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, date) else ""

    def focus_widgets(self) -> list[QWidget]:
        return [self.date_edit] + ([self.none_box] if self.none_box is not None else [])

    def set_accessible_name(self, name: str) -> None:
        self.setAccessibleName(name)
        self.date_edit.setAccessibleName(name)
        if self.none_box is not None:
            self.none_box.setAccessibleName(self.tr("{0}: none").format(name))


class BoolField(QCheckBox):
    sig_value_changed = Signal()
    """Ticked or unticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggled.connect(self._on_self_toggled)

    def _on_self_toggled(self, _checked: bool) -> None:
        self.sig_value_changed.emit()

    def field_value(self) -> bool:
        return self.isChecked()

    def set_field_value(self, value: Any) -> None:
        self.setChecked(bool(value))

    def field_problem(self) -> str | None:
        return None

    def field_text(self, value: Any) -> str:
        return self.tr("Yes") if value else self.tr("No")

    def focus_widgets(self) -> list[QWidget]:
        return [self]


class ChoiceField(QComboBox):
    """A choice among labelled values; a searchable one (foreign keys) filters its list as the user types."""

    sig_value_changed = Signal()
    """Another option was chosen, or the typed text changed."""

    def __init__(
        self, options: Sequence[tuple[str, Any]], *, searchable: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # Values live in a Python list, not in Qt item data: a StrEnum member would come back as a plain str.
        self._values: list[Any] = []
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)
        for label, value in options:
            self.addItem(label)
            self._values.append(value)
        if searchable:
            self.setEditable(True)
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = QCompleter(self.model(), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self.setCompleter(completer)
            self.editTextChanged.connect(self._on_self_edit_text_changed)
        self.currentIndexChanged.connect(self._on_self_current_index_changed)

    def _on_self_edit_text_changed(self, _text: str) -> None:
        self.sig_value_changed.emit()

    def _on_self_current_index_changed(self, _index: int) -> None:
        self.sig_value_changed.emit()

    def _typed_index(self) -> int:
        """The option the field stands on: for a searchable field, the one whose label is the typed text."""
        if not self.isEditable():
            return self.currentIndex()
        text = self.currentText().strip()
        if not text:
            return self._values.index(None) if None in self._values else -1
        return self.findText(text, Qt.MatchFlag.MatchFixedString)

    def field_value(self) -> Any:
        index = self._typed_index()
        return self._values[index] if index >= 0 else None

    def set_field_value(self, value: Any) -> None:
        if value is None and None not in self._values:
            self.setCurrentIndex(-1)  # nothing chosen yet: a required picker on a new record
            return
        if value not in self._values:
            # A value no option offers (a row since removed): keep it visible rather than silently change it.
            self.addItem(f"#{value}")
            self._values.append(value)
        self.setCurrentIndex(self._values.index(value))
        line = self.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # long labels show their start, not their end

    def field_problem(self) -> str | None:
        if self.isEditable() and self.currentText().strip() and self._typed_index() < 0:
            return self.tr("Choose one of the listed values.")
        return None

    def field_text(self, value: Any) -> str:
        return self.itemText(self._values.index(value)) if value in self._values else ""

    def focus_widgets(self) -> list[QWidget]:
        return [self]


def _parse_whole_number(text: str) -> int:
    cleaned = text.replace(",", "")
    if not _WHOLE_NUMBER.fullmatch(cleaned):
        raise ValueError(_translate("Enter a whole number."))
    return int(cleaned)


def _parse_time(text: str) -> time:
    found = _TIME_OF_DAY.fullmatch(text.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise ValueError(_translate("Enter a time of day such as 10:00."))
    return time(int(found[1]), int(found[2]))


def _render_time(value: time) -> str:
    return value.strftime("%H:%M")


def _text_options(
    spec: FieldSpec, options: Sequence[tuple[int, str]], nullable: bool, blank_label: str
) -> list[tuple[str, Any]]:
    blank: list[tuple[str, Any]] = [(blank_label, None)] if nullable else []
    if spec.kind == "enum" and spec.enum is not None:
        return blank + [(QCoreApplication.translate("enum", member.label), member) for member in spec.enum]
    return blank + [(label, row_id) for row_id, label in options]


def make_field(
    spec: FieldSpec,
    *,
    options: Sequence[tuple[int, str]] = (),
    nullable: bool = False,
    blank_label: str = "",
    parent: QWidget | None = None,
) -> QWidget:
    """The widget that edits `spec`: `options` are (id, label) for a foreign-key picker; `nullable` says a blank
    is stored as NULL (a blank option, shown as `blank_label`, for pickers; None for blank text) rather than ""."""
    kind = spec.widget_kind
    widget: QWidget
    if kind == "text":
        widget = LineField(str, str, blank=None if nullable else "", parent=parent)
    elif kind == "int":
        widget = LineField(_parse_whole_number, str, blank=None, numeric=True, parent=parent)
    elif kind == "money":
        widget = LineField(parse_money, format_money, blank=None, numeric=True, parent=parent)
    elif kind == "multiline":
        widget = TextAreaField(parent)
    elif kind == "fte":
        widget = FteField(parent)
    elif kind == "time":
        widget = LineField(_parse_time, _render_time, blank=None, parent=parent)
        widget.setPlaceholderText(QCoreApplication.translate("FieldEditor", "hh:mm"))
    elif kind in ("date", "optional_date"):
        widget = DateField(optional=kind == "optional_date", parent=parent)
    elif kind == "bool":
        widget = BoolField(parent)
    else:
        searchable = kind == "fk" and len(options) > SEARCHABLE_FROM
        widget = ChoiceField(_text_options(spec, options, nullable, blank_label), searchable=searchable, parent=parent)
    label = spec.shown_label
    if isinstance(widget, DateField):
        widget.set_accessible_name(label)
    else:
        widget.setAccessibleName(label)
    if spec.help:
        widget.setToolTip(QCoreApplication.translate("FieldSpec", spec.help))
    return widget


def as_editor(widget: QWidget) -> FieldEditor:
    """The field API of a widget made by `make_field` (every one of them implements FieldEditor)."""
    assert hasattr(widget, "field_value"), widget
    return widget  # type: ignore[return-value]


def with_message_line(key: str, widget: QWidget) -> tuple[QWidget, QLabel]:
    """The field with a hidden message line under it, for the validation message shown next to what was typed."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    # A text box has a highest height: when the form gives its row more, it stays under its label, not centred.
    box.setAlignment(Qt.AlignmentFlag.AlignTop)
    box.addWidget(widget)
    message = QLabel()
    message.setObjectName(f"message_{key}")
    message.setWordWrap(True)
    message.hide()
    box.addWidget(message)
    return holder, message
