"""Export a spam sample's attachments for a malware analyst, in the only shape that cannot bite.

Each attachment is written as ``<sha256>.bin`` with mode 0600 (read and
write for the owner, never executable), whatever name the sender gave it,
so nothing can be started by a double-click, an ``open`` call or a shell
glob. A ``manifest.tsv`` beside them maps each hash to the declared name and
the type its bytes show. The export is logged in the custody log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import EvidenceError
from app.core.files import write_atomic
from app.core.model import ItemKind
from app.sources.attachments import attachment_payloads
from app.sources.sniff import sniff_type
from app.store import CaseFile

FILE_MODE = 0o600
MAIL_KINDS = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)


@dataclass(frozen=True)
class ExportedAttachment:
    path: Path
    declared_name: str
    sha256: str
    size: int
    sniffed_type: str


def export_attachments(case: CaseFile, item_id: int, folder: Path) -> list[ExportedAttachment]:
    """Write the attachments of one message to ``folder`` as ``<sha256>.bin`` (mode 0600) with a manifest."""
    item = case.item(item_id)
    if item.kind not in MAIL_KINDS:
        raise EvidenceError(f"item {item_id} is a {item.kind.label.lower()}, not an email", path=case.path)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    exported: list[ExportedAttachment] = []
    for name, payload in attachment_payloads(case.read_object(item.sha256)):
        sha256 = hashlib.sha256(payload).hexdigest()
        target = folder / f"{sha256}.bin"
        _write_private(target, payload)
        exported.append(ExportedAttachment(target, name, sha256, len(payload), sniff_type(payload)))
    lines = ["sha256\tsize\tsniffed_type\tdeclared_name"]
    lines += [f"{a.sha256}\t{a.size}\t{a.sniffed_type}\t{_one_line(a.declared_name)}" for a in exported]
    _write_private(folder / "manifest.tsv", ("\n".join(lines) + "\n").encode("utf-8"))
    case.record_attachments_exported(
        item_id, item.sha256,
        {"folder": str(folder), "count": len(exported), "sha256": [a.sha256 for a in exported]},
    )
    return exported


def _write_private(target: Path, data: bytes) -> None:
    """Atomic write with mode 0600 from the first byte (no window where the file is wider open)."""
    write_atomic(target, data, FILE_MODE)


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)
