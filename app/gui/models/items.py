"""Table models over the case's evidence: screenshots, spam, exhibits and the custody log.

Each model holds a snapshot (a list of frozen ``Item`` or ``CustodyEntry``
values) read from the store, and columns that turn one row into text. A
model reloads when the window tells it the items changed; it never writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontDatabase

from app.core.custody import CustodyEntry
from app.core.model import Item, ItemKind, ParseStatus
from app.sources.categories import category_label
from app.sources.visible import reveal_invisible

if TYPE_CHECKING:
    from app.ops.case import CaseFile

Index = QModelIndex | QPersistentModelIndex


Row = TypeVar("Row")


RowIdRole = Qt.ItemDataRole.UserRole  # the item id (or custody sequence number)


SortRole = Qt.ItemDataRole.UserRole + 1  # a value that sorts the column naturally


SPAM_KINDS = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)


STATUS_TEXT = {
    ParseStatus.OK: "Read",
    ParseStatus.PARTIAL: "Read with defects",
    ParseStatus.FAILED: "Unreadable (original kept)",
}


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its heading, the text shown, and optionally a sort key and a monospace font."""

    title: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    monospace: bool = False


class SnapshotTableModel(QAbstractTableModel, Generic[Row]):
    """A read-only table over a list of rows loaded from the case in one go."""

    columns: Sequence[Column[Any]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._case: CaseFile | None = None
        self._rows: list[Row] = []

    def set_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self) -> None:
        """Read the rows again from the case."""
        self.beginResetModel()
        self._rows = self.load(self._case) if self._case is not None else []
        self.endResetModel()

    def load(self, case: CaseFile) -> list[Row]:
        raise NotImplementedError

    def row_value(self, row: int) -> Row:
        return self._rows[row]

    def row_id(self, value: Row) -> int:
        return int(value.id)  # type: ignore[attr-defined]  # every row but the custody log's, which overrides this

    # -- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        value, column = self._rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(value)
        if role == SortRole:
            return column.sort_key(value) if column.sort_key is not None else column.text(value)
        if role == RowIdRole:
            return self.row_id(value)
        if role == Qt.ItemDataRole.FontRole and column.monospace:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return None


def human_size(size: int) -> str:
    """1536 → "1.5 KB": sizes as people read them (the exact bytes are in the tooltip of the file)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size:,} bytes"


def exhibit_sort(item: Item) -> int:
    return item.exhibit_number if item.exhibit_number is not None else 1_000_000_000 + item.id


def dimensions(item: Item) -> str:
    """Width × height from what the image reader recorded, or blank."""
    record = item.record or {}
    width, height = record.get("width"), record.get("height")
    if width is None and isinstance(record.get("size"), (list, tuple)) and len(record["size"]) == 2:
        width, height = record["size"]
    return f"{width} × {height}" if width and height else ""


def utc_time(value: Any) -> str:
    """"2026-10-14T15:22:08.123456Z" → "2026-10-14 15:22:08" (the column heading says UTC).

    Text that is not an ISO 8601 time (a spam's broken Date header) is shown as found.
    """
    text = _text(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def spam_date(item: Item) -> str:
    """The sent date in UTC when it could be read; otherwise the Date header as found."""
    if item.record.get("date_utc"):
        return utc_time(item.record["date_utc"])
    return _text(item.record.get("date"))


def spam_category(item: Item) -> str:
    """The user's confirmed category, or the keyword suggestion marked as such."""
    confirmed = _text((item.metadata or {}).get("category"))
    if confirmed:
        return category_label(confirmed)
    suggested = _text(item.record.get("suggested_category"))
    return f"{category_label(suggested)} (suggested)" if suggested else ""


def status_text(item: Item) -> str:
    text = STATUS_TEXT.get(item.parse_status, item.parse_status.value)
    return f"{text}: {item.parse_error}" if item.parse_error else text


class ScreenshotsModel(SnapshotTableModel[Item]):
    columns = (
        Column("Exhibit", lambda i: i.exhibit_label, exhibit_sort),
        Column("File", lambda i: i.original_name),
        Column("Size", lambda i: human_size(i.size), lambda i: i.size),
        Column("Width × Height", dimensions),
        Column("SHA-256", lambda i: i.sha256, monospace=True),
        Column("URL", lambda i: _text((i.metadata or {}).get("url"))),
    )

    def load(self, case: CaseFile) -> list[Item]:
        """Screenshots, and the pages the app's own browser captured (their full-page screenshots)."""
        return sorted(case.items(ItemKind.SCREENSHOT) + case.items(ItemKind.WEB_CAPTURE), key=exhibit_sort)


class SpamModel(SnapshotTableModel[Item]):
    """Emails and the messages cut from mailboxes (the mailbox file itself is not spam to show)."""

    columns = (
        Column("Exhibit", lambda i: i.exhibit_label, exhibit_sort),
        Column("Subject", lambda i: reveal_invisible(_text(i.record.get("subject")) or f"(no subject) {i.name}")),
        Column("From", lambda i: reveal_invisible(_text(i.record.get("from")))),
        Column("Date (UTC)", spam_date),
        Column("Domains", lambda i: _text(i.record.get("domains"))),
        Column("Category", spam_category),
        Column("Status", status_text),
    )

    def load(self, case: CaseFile) -> list[Item]:
        items = [item for kind in SPAM_KINDS for item in case.items(kind)]
        return sorted(items, key=exhibit_sort)


class ExhibitsModel(SnapshotTableModel[Item]):
    """Every exhibit in filing order, whatever its kind."""

    columns = (
        Column("Exhibit", lambda i: i.exhibit_label, exhibit_sort),
        Column("Kind", lambda i: i.kind.label),
        Column("Name", lambda i: i.name),
        Column("Acquired (UTC)", lambda i: utc_time(i.acquired_at)),
        Column("By", lambda i: i.acquired_by),
        Column("SHA-256", lambda i: i.sha256, monospace=True),
    )

    def load(self, case: CaseFile) -> list[Item]:
        return [item for _number, item, _description in case.exhibits()]


class CustodyModel(SnapshotTableModel[CustodyEntry]):
    """The custody log, oldest first, as it will appear in ``custody.jsonl``."""

    columns = (
        Column("#", lambda e: str(e.seq), lambda e: e.seq),
        Column("When (UTC)", lambda e: utc_time(e.at), lambda e: e.at),
        Column("Who", lambda e: e.actor),
        Column("What", lambda e: e.action),
        Column("Item", lambda e: "" if e.item_id is None else str(e.item_id), lambda e: e.item_id or 0),
        Column("Entry hash", lambda e: e.entry_hash, monospace=True),
    )

    def load(self, case: CaseFile) -> list[CustodyEntry]:
        return case.custody()

    def row_id(self, value: CustodyEntry) -> int:
        return value.seq
