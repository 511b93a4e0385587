"""Make DOCX files reproducible: fixed core-property dates and a zip with fixed entry metadata.

python-docx stamps "now" into docProps/core.xml and the zip entries; two
renders of the same case must instead be byte-identical, so both are taken
from the case's bundle date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def bundle_datetime(date: str) -> dt.datetime:
    """Midnight UTC of a YYYY-MM-DD bundle date (2000-01-01 when unset or unreadable)."""
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def fix_core_properties(doc: Any, date: str, *, title: str = "", author: str = "",
                        subject: str = "") -> None:
    """Set a python-docx Document's core properties, every date from the bundle date."""
    props = doc.core_properties
    moment = bundle_datetime(date).replace(tzinfo=None)
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.title = title
    props.author = author
    props.subject = subject
    props.last_modified_by = author
    props.comments = ""
    props.keywords = ""


def normalise_docx(data: bytes, date: str = "") -> bytes:
    """Rewrite a DOCX zip with entries in their original order, fixed times and modes.

    ``[Content_Types].xml`` stays first, as Office expects. ``date`` is accepted for
    symmetry with the PDF side; zip times are fixed at the DOS epoch (1980), the
    earliest a zip can hold, so they never depend on the clock.
    """
    del date
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename), compresslevel=9)
    return out.getvalue()


def package_entries(doc: Any) -> list[tuple[str, bytes]]:
    """A python-docx Document's package as (member name, bytes) in python-docx's own order
    (``[Content_Types].xml`` first), without zipping it: ``zip_entries`` then compresses
    each part once instead of twice (python-docx's save, then ``normalise_docx``)."""
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    collected = _Collected()
    # python-docx's own writer steps, into a collector instead of a zip (see the module's docstring)
    PackageWriter._write_content_types_stream(collected, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(collected, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(collected, parts)  # type: ignore[arg-type]
    return collected.entries


class _Collected:
    """Stands in for python-docx's zip writer and keeps what it is given."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


def zip_entries(entries: list[tuple[str, bytes]]) -> bytes:
    """A DOCX zip of ``entries`` in order, with fixed times and modes (see ``normalise_docx``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, data, compresslevel=6)
    return out.getvalue()
