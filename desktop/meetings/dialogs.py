"""Small questions the meeting workspace asks: which meeting confirms the minutes, who attends, and why reopen."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ChoiceDialog(QDialog):
    """Pick one of a few options (the confirming meeting, the alternate attending)."""

    def __init__(
        self,
        title: str,
        explanation: str,
        label: str,
        options: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.choice = QComboBox()
        self.choice.setAccessibleName(label)
        for value, text in options:
            self.choice.addItem(text, value)
        text = QLabel(explanation)
        text.setWordWrap(True)
        form = QFormLayout()
        caption = QLabel(label)
        caption.setBuddy(self.choice)
        form.addRow(caption, self.choice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(bool(options))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @property
    def chosen(self) -> int | None:
        value = self.choice.currentData()
        return int(value) if value is not None else None


class ReasonDialog(QDialog):
    """Ask why confirmed minutes are reopened; OK stays disabled until a reason is typed."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QLabel(explanation)
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(self.tr("Why the confirmed record must change"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        caption = QLabel(self.tr("Reason:"))
        caption.setBuddy(self.reason)
        form.addRow(caption, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def _on_reason_text_changed(self, text: str) -> None:
        self.ok_button.setEnabled(bool(text.strip()))
