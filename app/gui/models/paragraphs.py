"""The declaration's editable paragraphs as a table: section, place, state and words.

The rows are what ``app.ops.paragraphs.current_paragraphs`` returns (drafted from the
evidence, with counsel's edits laid over them), loaded in the background by the
documents page and handed in with :meth:`ParagraphsModel.set_paragraphs`. The model
never reads the case itself, so it never blocks the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.gui.palette import attention

if TYPE_CHECKING:
    from app.ops.paragraphs import DeclarationParagraph

KeyRole = Qt.ItemDataRole.UserRole + 1  # the paragraph's key, for the ops functions


COLUMNS = ("Section", "Place", "State", "Paragraph")


def section_names() -> dict[str, str]:
    """The declaration's sections in the user's words (read from the drafting rules when first asked)."""
    from app.ops.paragraphs import SECTION_NAMES

    return SECTION_NAMES



Index = QModelIndex | QPersistentModelIndex


def state_word(p: DeclarationParagraph) -> str:
    """How counsel left the paragraph, in their words."""
    if p.removed:
        return "left out"
    if not p.drafted:
        return "added"
    return "edited" if p.edited else "drafted"


class ParagraphsModel(QAbstractTableModel):
    """Read-only rows of declaration paragraphs, in print order, removed ones shown struck out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DeclarationParagraph] = []
        self._places: list[int] = []  # 1-based place within the section (what "move" takes)

    # -- data in ----------------------------------------------------------------------

    def set_paragraphs(self, paragraphs: Sequence[DeclarationParagraph]) -> None:
        """Show a fresh list (after a load or an edit)."""
        self.beginResetModel()
        self._rows = list(paragraphs)
        counts: dict[str, int] = {}
        self._places = []
        for p in self._rows:
            counts[p.section] = counts.get(p.section, 0) + 1
            self._places.append(counts[p.section])
        self.endResetModel()

    def paragraph(self, row: int) -> DeclarationParagraph | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        """The row showing paragraph ``key``, or -1."""
        for row, p in enumerate(self._rows):
            if p.key == key:
                return row
        return -1

    def place(self, row: int) -> int:
        """The paragraph's 1-based place within its section."""
        return self._places[row]

    def section_size(self, section: str) -> int:
        return sum(1 for p in self._rows if p.section == section)

    def paragraphs(self) -> list[DeclarationParagraph]:
        return list(self._rows)

    # -- Qt model ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return section_names().get(p.section, p.section)
            if column == 1:
                return str(self._places[index.row()])
            if column == 2:
                return state_word(p)
            if column == 3:
                return " ".join(p.text.split())  # one line in the table; the editor shows it whole
            return None
        if role == KeyRole:
            return p.key
        if role == Qt.ItemDataRole.FontRole and p.removed:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and p.removed:
            palette = QApplication.palette()
            return QBrush(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        if role == Qt.ItemDataRole.BackgroundRole and column == 2 and (p.edited or not p.drafted) \
                and not p.removed:
            return attention()  # counsel's words stand out from the draft
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
