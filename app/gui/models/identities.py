"""Your signing identities and the certificates you trust, as a table: who, key, fingerprint, trusted here."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QFont, QFontDatabase

from app.gui.models.items import Index
from app.ops import identity as ops
from app.ops.identity import IdentityRow


class IdentitiesModel(QAbstractTableModel):
    """Your identities and the certificates you trust, one row each; reloaded after every change."""

    HEADERS = ("Name", "Organisation", "Key", "Trusted here", "Signs this case", "SHA-256 fingerprint")
    FINGERPRINT = 5

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IdentityRow] = []
        self._case_signer = ""

    def reload(self, case_signer: str = "") -> None:
        """Read the identities again; ``case_signer`` is the fingerprint the open case chose."""
        self.beginResetModel()
        self._rows = ops.identity_rows()
        self._case_signer = case_signer
        self.endResetModel()

    def row_value(self, row: int) -> IdentityRow:
        return self._rows[row]

    def row_of(self, fingerprint: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.fingerprint == fingerprint), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{row.name}, {row.organisation}" if row.organisation else row.name]
            lines += [f"E-mail: {row.email}"] if row.email else []
            lines += [f"Label: {row.label}"] if row.label else []
            lines += [f"Valid until {row.not_valid_after}", f"Trusted here: {row.why}",
                      f"SHA-256 fingerprint:\n{row.fingerprint}"]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.FontRole and column == self.FINGERPRINT:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if role == Qt.ItemDataRole.FontRole and self._signs_case(row):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _signs_case(self, row: IdentityRow) -> bool:
        return row.own and row.fingerprint == self._case_signer

    def _text(self, row: IdentityRow, column: int) -> str:
        if column == 0:
            return row.name if row.own else f"{row.name} (certificate only)"
        if column == 1:
            return row.organisation
        if column == 2:
            return row.key_type
        if column == 3:
            return "yes" if row.trusted else "no"
        if column == 4:
            return "yes" if self._signs_case(row) else ""
        return row.fingerprint
