"""The pre-filing review's problems (``app.ops.review.Problem``), one a row, for the review dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QStyle

Index = QModelIndex | QPersistentModelIndex


class ProblemsModel(QAbstractListModel):
    """The problems, one a row: an icon for how serious, the sentence, where to fix it in the tooltip."""

    def __init__(self, problems: Sequence[Any], style: QStyle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems = list(problems)
        self._icons = {"blocking": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                       "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.problems):
            return None
        problem = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return problem.message
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(problem.severity, self._icons["warning"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{'Blocks a final filing' if problem.severity == 'blocking' else 'Worth a look'} " \
                   f"({problem.code})"
        return None
