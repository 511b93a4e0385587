"""The capture record (``capture.json``): every fact of one capture, success or failure.

It is written by the capture program, stored as evidence with the other
files, and read back by ops into the exhibit's record (face page, declaration
paragraph). The field names are the record's public format: ``format`` names
its version.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECORD_FORMAT = "evbundle-web-capture/1"


@dataclass
class CaptureRecord:
    requested_url: str = ""
    final_url: str = ""
    title: str = ""
    outcome: str = "captured"  # "captured", "failed" or "refused"
    failed_step: str = ""  # where a failed capture stopped: refused, browser, load…
    error: str = ""
    http_status: int | None = None
    server_ip: str = ""
    server_port: int | None = None
    protocol: str = ""
    mime_type: str = ""
    redirects: list[dict[str, Any]] = field(default_factory=list)
    started_at: str = ""
    captured_at: str = ""  # when the screenshots were taken
    finished_at: str = ""
    server_clock_offset_seconds: float | None = None
    tls: dict[str, Any] = field(default_factory=dict)
    certificate_errors: list[dict[str, Any]] = field(default_factory=list)
    dns: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    popups: list[dict[str, str]] = field(default_factory=list)
    blocked: list[dict[str, str]] = field(default_factory=list)
    permissions: list[dict[str, str]] = field(default_factory=list)
    downloads: list[dict[str, Any]] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    browser: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # role -> file name in the capture's folder

    @property
    def ok(self) -> bool:
        return self.outcome == "captured"

    def fail(self, step: str, reason: str) -> None:
        self.outcome = "refused" if step == "refused" else "failed"
        self.failed_step = step
        self.error = reason

    def to_json(self) -> dict[str, Any]:
        data = {"format": RECORD_FORMAT}
        data.update({name: getattr(self, name) for name in self.__dataclass_fields__})
        return data


def write_json(path: Path, value: Any) -> None:
    """Pretty, sorted, UTF-8 JSON with a final newline, flushed to disk (the op reads it next)."""
    data = (json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
