"""Link to exhibit…: the declarant's statement that an exhibit shows a domain belongs in the order.

The pre-filing review blocks while a listed domain has no exhibit behind it ("no exhibit shows
that it belongs in the order"). When the evidence cannot show it by itself (the domain was found
in the malware's configuration, say), the declarant says so: the declaration prints "it was
<statement>" and cites the exhibit. What ``app.ops.support.add_support`` keeps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import plain_label
from app.gui.widgets.screen_fit import fit_to_screen

EXAMPLE = "e.g. found in the malware's configuration file"


class LinkExhibitDialog(QDialog):
    """Choose the exhibit (``exhibits``: (item id, "Exhibit 3: …") in filing order) and give the statement."""

    def __init__(self, names: Sequence[str], exhibits: Sequence[tuple[int, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        count = f"{len(names):,} domains" if len(names) != 1 else names[0]
        self.setWindowTitle("Link to exhibit")
        self.exhibit = QComboBox()
        for item_id, label in exhibits:
            self.exhibit.addItem(label, item_id)
        about = next((i for i, (_id, label) in enumerate(exhibits) if any(n in label for n in names)), -1)
        if about >= 0:  # an exhibit that names the domain is the likely one
            self.exhibit.setCurrentIndex(about)
        self.note = QLineEdit()
        self.note.setPlaceholderText(EXAMPLE)
        self.note.setMaxLength(500)
        form = QFormLayout()
        form.addRow("Exhibit:", self.exhibit)
        form.addRow("It was:", self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Link")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.note.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(
            f"Which exhibit shows that {count} belong{'s' if len(names) == 1 else ''} in the order, and how? "
            "The declaration prints your statement (\"it was …\") and cites the exhibit; the link is kept "
            "with the case and logged, and Edit → Undo takes it back."))
        layout.addLayout(form)
        if not exhibits:
            layout.addWidget(plain_label("The case has no exhibits yet: add the evidence first."))
        layout.addWidget(self.buttons)
        self._update()
        fit_to_screen(self, 620, 220)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.note.text().strip()) and self.exhibit.count() > 0)

    def item_id(self) -> int:
        return int(self.exhibit.currentData() or 0)
