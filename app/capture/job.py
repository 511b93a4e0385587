"""What ops ask of the capture program, and what it answers: a job file in, JSON lines out.

The job is a JSON file (URLs, options, output folder); the program writes one
folder per URL (``0001/``, ``0002/``…) and prints one JSON object per line on
its standard output, so that the op can show progress and store each page as
soon as it is done. Nothing here imports Qt.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

JOB_VERSION = 1
CAPTURE_FILE = "capture.json"  # the capture record, in every URL's folder, success or not

# Names of the files a capture folder may hold, by role (the order is the order they are stored in).
FILE_ROLES: dict[str, str] = {
    "screenshot-full": "screenshot-full.png",
    "screenshot-viewport": "screenshot-viewport.png",
    "mhtml": "page.mhtml",
    "pdf": "page.pdf",
    "warc": "traffic.warc.gz",
    "certificate-chain": "certificate-chain.pem",
    "dns": "dns.json",
    "record": CAPTURE_FILE,
}


@dataclass(frozen=True)
class CaptureOptions:
    """How each page is loaded. The defaults are what the CLI and the GUI use."""

    wait: float = 2.0  # settle time in seconds after the load and the scroll, before anything is captured
    javascript: bool = True
    user_agent: str = ""  # "" keeps the browser's own
    viewport: tuple[int, int] = (1280, 800)  # CSS pixels; the device scale is fixed at 1
    allow_private: bool = False  # loopback and private addresses are refused unless this is set
    timeout: float = 30.0  # the longest wait for a page to load
    accept_language: str = "en-US,en;q=0.9"
    dns_servers: tuple[str, ...] = ()  # () asks the system's resolvers
    dns_port: int = 53

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["viewport"] = list(self.viewport)
        data["dns_servers"] = list(self.dns_servers)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaptureOptions:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "viewport" in values:
            width, height = values["viewport"]
            values["viewport"] = (int(width), int(height))
        if "dns_servers" in values:
            values["dns_servers"] = tuple(values["dns_servers"])
        return cls(**values)


@dataclass(frozen=True)
class CaptureJob:
    """One run of the capture program: the URLs in order, where to write, how, and by whom."""

    urls: tuple[str, ...]
    out_dir: Path
    options: CaptureOptions = field(default_factory=CaptureOptions)
    operator: str = ""  # who asked for the capture (the case's actor)
    app_version: str = ""
    first_index: int = 1  # the number of the first URL's folder (a batch is split over several runs)
    net_log: str = ""  # tests only: Chromium's NetLog of every connection, to check what was contacted

    def write(self, path: Path) -> None:
        data = {
            "version": JOB_VERSION, "urls": list(self.urls), "out_dir": str(self.out_dir),
            "options": self.options.to_json(), "operator": self.operator, "app_version": self.app_version,
            "first_index": self.first_index, "net_log": self.net_log,
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> CaptureJob:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != JOB_VERSION:
            raise ValueError(f"job file version {data.get('version')!r}, expected {JOB_VERSION}")
        return cls(
            urls=tuple(str(u) for u in data["urls"]), out_dir=Path(data["out_dir"]),
            options=CaptureOptions.from_json(data.get("options") or {}), operator=str(data.get("operator", "")),
            app_version=str(data.get("app_version", "")), first_index=int(data.get("first_index", 1)),
            net_log=str(data.get("net_log", "")),
        )

    def folder(self, index: int) -> Path:
        """The folder of the URL numbered ``index`` (counted from ``first_index``)."""
        return self.out_dir / f"{index:04d}"


# -- events: one JSON object per line on the program's standard output ------------------------

EVENT_READY = "ready"  # the browser is up: {"chromium": ..., "qtwebengine": ...}
EVENT_STAGE = "stage"  # {"index", "stage"}: loading, scrolling, settling, screenshot, saving
EVENT_DONE = "done"  # {"index", "ok", "folder", "error"}: the folder is complete, whatever happened
EVENT_FINISHED = "finished"  # the run is over; the program exits


def event_line(kind: str, **values: Any) -> str:
    """One event as the line the program prints."""
    return json.dumps({"event": kind, **values}, ensure_ascii=False, sort_keys=True)


def parse_event(line: str) -> dict[str, Any] | None:
    """The event on a line of the program's output, or None for anything else (library noise)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("event"), str) else None
