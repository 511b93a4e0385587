"""Web captures as a WACZ 1.1.1 package, which ReplayWeb.page opens and replays offline.

A WACZ is a zip: the WARC files under ``archive/``, a CDXJ index under
``indexes/``, the list of pages under ``pages/pages.jsonl``, and
``datapackage.json`` naming every file with its SHA-256 and size (a
Frictionless Data Package). ``datapackage-digest.json`` holds the hash of
``datapackage.json`` and, when asked, a signature of it (see
:mod:`.wacz_sign`). The WARC and index entries are stored uncompressed, as
the specification requires, so that a replay tool can read one record by
its offset without unpacking the rest.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.core.files import atomic_output

from .cdxj import index_lines

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entry times: the package's own dates are inside it

Signer = Callable[[str, str], dict[str, str]]  # (hash text, created) -> signedData


@dataclass(frozen=True)
class WaczPage:
    """One captured page: its WARC (read twice: copied, then indexed) and what pages.jsonl says of it."""

    warc_name: str  # file name under archive/
    open_warc: Callable[[], BinaryIO]
    url: str
    captured_at: str  # ISO 8601 UTC
    title: str = ""


@dataclass(frozen=True)
class WaczResult:
    path: Path
    sha256: str
    pages: int
    signed: bool


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _resource(path: str, data_hash: str, size: int) -> dict[str, object]:
    return {"name": path.rsplit("/", 1)[-1].lower(), "path": path, "hash": f"sha256:{data_hash}", "bytes": size}


def write_wacz(out: Path, pages: Sequence[WaczPage], *, title: str, created: str, software: str,
               description: str = "", signer: Signer | None = None) -> WaczResult:
    """Write the package to ``out`` (through a temporary file beside it, renamed when complete)."""
    resources: list[dict[str, object]] = []
    index: list[str] = []
    with atomic_output(out, suffix=".part") as temp:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_STORED, allowZip64=True) as package:
            for page in pages:
                path = f"archive/{page.warc_name}"
                digest, size = hashlib.sha256(), 0
                with page.open_warc() as source, package.open(_entry(path), "w", force_zip64=True) as target:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        digest.update(block)
                        size += len(block)
                        target.write(block)
                resources.append(_resource(path, digest.hexdigest(), size))
                with page.open_warc() as source:
                    index.extend(index_lines(source, page.warc_name))
            pages_data = _pages_jsonl(pages)
            index_data = ("\n".join(sorted(index)) + "\n").encode("utf-8") if index else b""
            for path, data in (("pages/pages.jsonl", pages_data), ("indexes/index.cdx", index_data)):
                package.writestr(_entry(path), data)
                resources.append(_resource(path, hashlib.sha256(data).hexdigest(), len(data)))
            datapackage = {
                "profile": "data-package", "wacz_version": WACZ_VERSION, "title": title,
                "description": description, "created": created, "modified": created, "software": software,
                "resources": resources,
            }
            if pages:
                datapackage["mainPageURL"] = pages[0].url
                datapackage["mainPageDate"] = pages[0].captured_at
            package_bytes = json.dumps(datapackage, indent=2, ensure_ascii=False).encode("utf-8")
            package.writestr(_entry("datapackage.json"), package_bytes)
            hash_text = f"sha256:{hashlib.sha256(package_bytes).hexdigest()}"
            digest_doc: dict[str, object] = {"path": "datapackage.json", "hash": hash_text}
            if signer is not None:
                digest_doc["signedData"] = signer(hash_text, created)
            package.writestr(_entry("datapackage-digest.json"),
                             json.dumps(digest_doc, indent=2, ensure_ascii=False).encode("utf-8"))
        with open(temp, "rb") as written:
            sha256 = hashlib.file_digest(written, "sha256").hexdigest()
    return WaczResult(path=out, sha256=sha256, pages=len(pages), signed=signer is not None)


def _pages_jsonl(pages: Sequence[WaczPage]) -> bytes:
    lines = [json.dumps(PAGES_HEADER)]
    for page in pages:
        entry = {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"{page.url} {page.captured_at}").hex, "url": page.url,
                 "ts": page.captured_at}
        if page.title:
            entry["title"] = page.title
        lines.append(json.dumps(entry, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")
