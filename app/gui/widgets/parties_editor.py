"""The parties as the caption names them: plaintiffs, then defendants, each with its entity form.

Left, the parties in caption order; right, the selected one's facts: its side, name, entity
form ("a Washington corporation"), whether it is not yet identified (a Doe, with a description
of what it did: "controlling a computer botnet thereby injuring Microsoft and its customers"),
and what the evidence may show of it (aliases, e-mail addresses, organisations, postal
addresses, one a line). The caption line each party will print is shown under the form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Party, PartyRole
from app.gui.commands.edits import case_order

LISTS = (("aliases", "Aliases:"), ("emails", "E-mail addresses:"), ("organisations", "Organisations:"),
         ("addresses", "Postal addresses:"))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class PartiesEditor(QWidget):
    """Edit a list of parties in place; :meth:`parties` gives it back in caption order (new ones with id 0)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parties: list[Party] = []
        self._showing = -1
        self._loading = False
        self.dirty = False  # the user changed something here
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentRowChanged.connect(self._show)
        self.add_plaintiff = QPushButton("Add plaintiff")
        self.add_plaintiff.clicked.connect(lambda: self.add(PartyRole.PLAINTIFF))
        self.add_defendant = QPushButton("Add defendant")
        self.add_defendant.clicked.connect(lambda: self.add(PartyRole.DEFENDANT))
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(self.remove_current)
        self.up = QPushButton("Up")
        self.up.setToolTip("Earlier in the caption, on its side")
        self.up.clicked.connect(lambda: self.move_party(-1))
        self.down = QPushButton("Down")
        self.down.setToolTip("Later in the caption, on its side")
        self.down.clicked.connect(lambda: self.move_party(+1))

        self.role = QComboBox()
        self.role.addItem("Plaintiff", PartyRole.PLAINTIFF.value)
        self.role.addItem("Defendant", PartyRole.DEFENDANT.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Fictional Corporation, or John Does 1-22")
        self.entity_form = QLineEdit()
        self.entity_form.setPlaceholderText("a Washington corporation; an individual")
        self.doe = QCheckBox("Not yet identified (a Doe defendant)")
        self.description = QLineEdit()
        self.description.setPlaceholderText("controlling a computer botnet thereby injuring Fictional Corporation")
        self.lists: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.addRow("Side:", self.role)
        form.addRow("Name:", self.name)
        form.addRow("Entity form:", self.entity_form)
        form.addRow("", self.doe)
        form.addRow("Doe description:", self.description)
        for key, label in LISTS:
            box = QPlainTextEdit()
            box.setTabChangesFocus(True)
            box.setPlaceholderText("one a line")
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 12)
            self.lists[key] = box
            form.addRow(label, box)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setToolTip("How the caption will name this party")
        self.form_box = QWidget()
        form_layout = QVBoxLayout(self.form_box)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(form)
        form_layout.addWidget(self.caption)
        form_layout.addStretch(1)

        buttons = QHBoxLayout()
        for button in (self.add_plaintiff, self.add_defendant):
            buttons.addWidget(button)
        moves = QHBoxLayout()
        for button in (self.up, self.down, self.remove):
            moves.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        left.addLayout(moves)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addWidget(self.form_box, 3)

        for widget in (self.name, self.entity_form, self.description):
            widget.textEdited.connect(self._edited)
        self.doe.toggled.connect(self._edited)
        self.role.activated.connect(lambda _i: self._edited())
        for box in self.lists.values():
            box.textChanged.connect(self._edited)
        self._refresh_list()

    def set_parties(self, parties: Sequence[Party]) -> None:
        """Show these parties (the case's), nothing changed yet."""
        self._parties = case_order(list(parties))
        self.dirty = False
        self._showing = -1
        self._refresh_list(0 if self._parties else -1)

    def parties(self) -> list[Party]:
        """The parties as edited, in caption order (new ones have id 0)."""
        self._store()
        return case_order(self._parties)

    def problem(self) -> str:
        """Why the parties cannot be kept as they are, or ""."""
        for party in self.parties():
            if not party.name.strip():
                return "Every party needs a name (or remove the party)."
            if party.doe and not party.description.strip():
                return f"Say what the Doe defendants \u201c{party.name}\u201d did (their description in the caption)."
        return ""

    # -- editing -------------------------------------------------------------------------

    def add(self, role: PartyRole) -> None:
        self._store()
        party = Party(0, role, "", doe=False)
        self._parties = case_order([*self._parties, party])
        self.dirty = True
        self._refresh_list(self._parties.index(party))
        self.name.setFocus()
        self.edited.emit()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._parties):
            del self._parties[row]
            self.dirty = True
            self._showing = -1
            self._refresh_list(min(row, len(self._parties) - 1))
            self.edited.emit()

    def move_party(self, step: int) -> None:
        self._store()
        row = self.list.currentRow()
        to = row + step
        if not (0 <= row < len(self._parties) and 0 <= to < len(self._parties)):
            return
        if self._parties[to].role is not self._parties[row].role:
            return  # plaintiffs stay before defendants
        self._parties[row], self._parties[to] = self._parties[to], self._parties[row]
        self.dirty = True
        self._showing = -1
        self._refresh_list(to)
        self.edited.emit()

    def _edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self._store()
        ordered = case_order(self._parties)
        if any(a is not b for a, b in zip(ordered, self._parties)):  # moved to the other side: plaintiffs first
            party = self._parties[self._showing]
            self._parties = ordered
            self._showing = -1
            self._refresh_list(next(i for i, p in enumerate(ordered) if p is party))
        self._refresh_labels()
        self.edited.emit()

    def _store(self) -> None:
        """Keep what the form shows in the party it shows."""
        row = self._showing
        if not 0 <= row < len(self._parties) or self._loading:
            return
        lists = {key: _lines(box.toPlainText()) for key, box in self.lists.items()}
        self._parties[row] = replace(
            self._parties[row], role=PartyRole(str(self.role.currentData())), name=self.name.text(),
            entity_form=self.entity_form.text(), doe=self.doe.isChecked(), description=self.description.text(),
            aliases=lists["aliases"], emails=lists["emails"], organisations=lists["organisations"],
            addresses=lists["addresses"])

    def _show(self, row: int) -> None:
        self._store()
        self._showing = row
        party = self._parties[row] if 0 <= row < len(self._parties) else None
        self._loading = True
        self.form_box.setEnabled(party is not None)
        self.role.setCurrentIndex(max(0, self.role.findData(party.role.value)) if party else 0)
        self.name.setText(party.name if party else "")
        self.entity_form.setText(party.entity_form if party else "")
        self.doe.setChecked(bool(party and party.doe))
        self.description.setText(party.description if party else "")
        for key, box in self.lists.items():
            box.setPlainText("\n".join(getattr(party, key)) if party else "")
        self._loading = False
        self._refresh_labels()

    def _refresh_list(self, select: int = -1) -> None:
        self._loading = True
        self.list.clear()
        for party in self._parties:
            self.list.addItem(QListWidgetItem(self._line(party)))
        self._loading = False
        self._showing = -1
        if select >= 0:
            self.list.setCurrentRow(select)
        else:
            self._show(-1)
        self._refresh_labels()

    def _refresh_labels(self) -> None:
        for row, party in enumerate(self._parties):
            item = self.list.item(row)
            if item is not None:
                item.setText(self._line(party))
        row = self.list.currentRow()
        current = self._parties[row] if 0 <= row < len(self._parties) else None
        self._enable(row, current)

    def _enable(self, row: int, party: Party | None) -> None:
        self.description.setEnabled(bool(party and party.doe))
        self.caption.setText(f"Caption: {party.caption_name}" if party and party.name.strip() else "")
        self.remove.setEnabled(party is not None)
        self.up.setEnabled(party is not None and row > 0 and self._parties[row - 1].role is party.role)
        self.down.setEnabled(party is not None and row + 1 < len(self._parties)
                             and self._parties[row + 1].role is party.role)

    @staticmethod
    def _line(party: Party) -> str:
        side = "Plaintiff" if party.role is PartyRole.PLAINTIFF else "Defendant"
        return f"{side}: {party.name.strip() or '(no name yet)'}"
