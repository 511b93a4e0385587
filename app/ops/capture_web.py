"""Capture web pages into the case: the capture program loads each URL, this op stores what it wrote.

Each URL becomes one evidence group, stored in one transaction with one
custody entry (``web-captured``): for a captured page, the full-page
screenshot is the exhibit and the viewport screenshot, MHTML, PDF, WARC,
certificate chain, DNS answers and capture record are its files; for a page
that could not be captured (no such host, refused connection, TLS failure,
timeout, a download instead of a page) the capture record is the evidence,
with whatever else was received. One URL's failure never stops the others.

The program runs a few URLs at a time (:data:`URLS_PER_PROCESS`) and is
started again for the next ones, so that memory stays flat over a long batch
and a crash costs one page at most. A cancel kills it with its browser and
removes its work folder: nothing is left behind; the pages stored before
the cancel stay in the case.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app import __version__
from app.capture.addresses import url_problem
from app.capture.job import (
    CAPTURE_FILE,
    EVENT_DONE,
    EVENT_FINISHED,
    EVENT_STAGE,
    FILE_ROLES,
    CaptureJob,
)
from app.capture.job import (
    CaptureOptions as CaptureOptions,  # re-exported: the front ends build options here
)
from app.capture.launch import CaptureProcess, engine_available
from app.capture.record import CaptureRecord, write_json
from app.core.changes import Changes
from app.core.errors import EvidenceError, OperationCancelled
from app.core.model import ItemKind, ParseStatus
from app.core.reporting import NULL_REPORTER, Reporter
from app.core.urls import refang
from app.ops.describe import default_description
from app.store import CaseFile

URLS_PER_PROCESS = 1  # a browser of its own for each page (see the README for the cost)
START_TIMEOUT = 60.0  # seconds for the browser to start
STEP_MARGIN = 90.0  # seconds of silence beyond the page timeout and settle time before the program is killed
LOG_TAIL = 600
TOOL = "evbundle web capture"


@dataclass(frozen=True)
class CapturedFile:
    """One file the capture program wrote for a URL, and how it is stored."""

    path: Path
    role: str  # what the file is within its group: "screenshot-full", "warc"…
    kind: ItemKind
    name: str
    original_name: str
    source_path: str
    record: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    description: str | None = None


@dataclass
class CaptureReport:
    """What became of each URL: stored (captured or failed, both evidence) or refused (never visited)."""

    captured: list[int] = field(default_factory=list)  # main item ids of captured pages
    failed: list[tuple[str, str, int]] = field(default_factory=list)  # (url, reason, item id) kept as evidence
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason): nothing stored

    @property
    def ok(self) -> bool:
        return not self.failed and not self.refused

    @property
    def changes(self) -> Changes:
        return Changes.to_case(items=True, exhibits=True) if self.captured or self.failed else Changes()


def parse_url_list(text: str) -> list[str]:
    """URLs one per line (or separated by spaces); ``#`` comments, blank lines and duplicates dropped.

    Defanged forms (``hxxp://bad[.]com``) are restored; a bare name gets ``http://`` (the browser
    follows the site's own redirect to https, and the redirect is recorded)."""
    urls: list[str] = []
    for line in text.splitlines():
        kept = line.split("#", 1)[0] if not re.match(r"^\s*https?://", line, re.I) else line
        for word in kept.split():
            url = refang(word.strip().strip("<>\"'"))
            if not url:
                continue
            if "://" not in url:
                url = f"http://{url}"
            try:
                if not urlsplit(url).path:
                    url += "/"
            except ValueError:
                pass  # not a URL at all: capture_urls refuses it, saying why
            if url not in urls:
                urls.append(url)
    return urls


def capture_urls(case: CaseFile, urls: Sequence[str], options: CaptureOptions | None = None,
                 reporter: Reporter | None = None, *, urls_per_process: int = URLS_PER_PROCESS,
                 net_log: Path | None = None) -> CaptureReport:
    """Capture each URL in turn and store it as evidence; returns what became of each."""
    reporter = reporter or NULL_REPORTER
    options = options or CaptureOptions()
    report = CaptureReport()
    wanted: list[str] = []
    for url in urls:
        problem = url_problem(url)
        if problem:
            report.refused.append((url, problem))
        else:
            wanted.append(url)
    total = len(wanted)
    if not total:
        return report
    if not engine_available():  # before anything is visited or stored: a missing engine is not a failed page
        raise EvidenceError("Web capture needs the capture engine (QtWebEngine), which is not installed with "
                            "this copy of evbundle. Install the evbundle-capture-engine package (on Windows, "
                            "the capture engine installer) and try again; nothing was captured or stored.")
    with tempfile.TemporaryDirectory(prefix="evbundle-capture-") as work_name:
        work = Path(work_name)
        position = 0
        while position < total:
            batch = wanted[position:position + max(1, urls_per_process)]
            job = CaptureJob(urls=tuple(batch), out_dir=work, options=options, operator=case.actor,
                             app_version=__version__, first_index=position + 1,
                             net_log=str(net_log.with_suffix(f".{position + 1}.json")) if net_log else "")
            done = _run(case, job, work, report, reporter, position, total)
            position += max(done, 1)
    return report


def _run(case: CaseFile, job: CaptureJob, work: Path, report: CaptureReport, reporter: Reporter,
         position: int, total: int) -> int:
    """One run of the capture program; returns how many of its URLs were settled (stored, failed, refused)."""
    job_path = work / f"job-{job.first_index:04d}.json"
    job.write(job_path)
    log_path = work / "capture-program.log"
    process = CaptureProcess(job_path, log_path)
    settled = 0
    current = job.first_index
    limit = START_TIMEOUT
    try:
        for event in process.events():
            if reporter.cancelled():
                raise OperationCancelled(f"Capture cancelled; the {len(report.captured) + len(report.failed)} "
                                         "page(s) stored before it are kept.")
            if event is None:
                break
            if not event:
                if time.monotonic() - process.last_event_at > limit:
                    process.kill()  # stuck: the URL it was on is recorded as failed below
                    break
                continue
            kind = event.get("event")
            limit = job.options.timeout + job.options.wait + STEP_MARGIN
            if kind == EVENT_STAGE:
                current = int(event.get("index", current))
                url = job.urls[current - job.first_index]
                reporter.progress(position + settled, total, f"{url}: {event.get('stage', '')}")
            elif kind == EVENT_DONE:
                folder = job.folder(int(event["index"]))
                _store(case, folder, report, reporter)
                shutil.rmtree(folder, ignore_errors=True)
                settled += 1
                reporter.progress(position + settled, total, "")
            elif kind == EVENT_FINISHED and not job.net_log:
                process.kill()  # every file is written and stored: no need to wait for Chromium's shutdown
                break
    except BaseException:
        process.kill()
        process.close()
        raise
    code = process.close()
    if settled < len(job.urls):  # the program stopped (crashed, killed as stuck) before this URL was done
        url = job.urls[settled]
        folder = job.folder(job.first_index + settled)
        reason = (f"the capture browser stopped before the page was captured (exit code {code}); "
                  f"its last messages: {_tail(log_path)}")
        _write_failure(folder, url, reason, job)
        _store(case, folder, report, reporter)
        shutil.rmtree(folder, ignore_errors=True)
        settled += 1
    return settled


def _store(case: CaseFile, folder: Path, report: CaptureReport, reporter: Reporter) -> None:
    """Store one URL's folder as an evidence group (or note a refusal, which stores nothing)."""
    try:
        data = json.loads((folder / CAPTURE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"the capture program wrote no readable capture record ({exc})", path=folder) from exc
    url = str(data.get("requested_url", ""))
    outcome = str(data.get("outcome", "failed"))
    if outcome == "refused":
        report.refused.append((url, str(data.get("error", ""))))
        return
    files = {role: folder / name for role, name in FILE_ROLES.items() if (folder / name).is_file()}
    captured = outcome == "captured" and "screenshot-full" in files
    main_role = "screenshot-full" if captured else "record"
    stamp = _stamp(str(data.get("captured_at") or data.get("started_at") or ""))
    prefix = f"{_slug(url)}-{stamp}"
    facts = _exhibit_record(data)
    metadata = {"url": url, "final_url": str(data.get("final_url", "")),
                "captured_at": str(data.get("captured_at") or data.get("started_at") or ""),
                "captured_by": str((data.get("environment") or {}).get("operator", case.actor)),
                "tool": _tool(data), "tool_version": __version__}
    kind = ItemKind.WEB_CAPTURE if captured else ItemKind.WEB_CAPTURE_FAILED
    name = str(data.get("title") or "") or url
    main = CapturedFile(
        path=files[main_role], role=main_role, kind=kind, name=name[:300],
        original_name=f"{prefix}-{files[main_role].name}", source_path=url, record=facts, metadata=metadata,
        description=default_description(kind, name, facts, metadata) if captured else None,
    )
    parts = [CapturedFile(path=path, role=role, kind=ItemKind.WEB_CAPTURE_FILE, name=f"{name[:200]} ({role})",
                         original_name=f"{prefix}-{path.name}", source_path=url, record={"role": role},
                         metadata={"url": url, "captured_at": metadata["captured_at"]})
             for role, path in files.items() if role != main_role]
    details = {"url": url, "final_url": data.get("final_url", ""), "outcome": outcome,
               "error": data.get("error", ""), "server_ip": data.get("server_ip", ""),
               "certificate_sha256": ((data.get("tls") or {}).get("certificate") or {}).get(
                   "sha256_fingerprint", "")}
    ids = _store_group(case, main, parts, details, reporter)
    if captured:
        report.captured.append(ids[0])
    else:
        report.failed.append((url, str(data.get("error", "")) or "failed", ids[0]))


def _store_group(case: CaseFile, main: CapturedFile, parts: list[CapturedFile], details: dict[str, Any],
                 reporter: Reporter) -> list[int]:
    """One URL's files in one transaction: each hashed as it is copied in; the main file the item (an exhibit
    when its kind is one), the others its children; its record lists every file with its hash under
    ``"group"``; one custody entry names them all. The item ids, main item first."""
    members = [main, *parts]
    with case.transaction() as tx:
        digests = []
        for member in members:
            with open(member.path, "rb") as stream:
                digests.append(tx.store_object(stream, reporter=reporter))
        group = [{"role": m.role, "file": m.original_name, "sha256": d.sha256, "size": d.size}
                 for m, d in zip(members, digests)]
        ids = [tx.add_item(kind=main.kind, digests=digests[0], name=main.name, original_name=main.original_name,
                           source_path=main.source_path, parse_status=ParseStatus.OK,
                           record={**(main.record or {}), "group": group}, metadata=main.metadata,
                           description=main.description)]
        for member, member_digests in zip(parts, digests[1:]):
            ids.append(tx.add_item(kind=member.kind, digests=member_digests, name=member.name,
                                   original_name=member.original_name, source_path=member.source_path,
                                   parse_status=ParseStatus.OK, record=member.record, metadata=member.metadata,
                                   parent_id=ids[0], description=member.description))
        tx.record_web_capture(ids[0], digests[0].sha256, {**details, "items": ids, "files": group})
    return ids


def _exhibit_record(data: dict[str, Any]) -> dict[str, Any]:
    """The capture record as the item keeps it: everything but the long lists (those stay in capture.json)."""
    record = {k: v for k, v in data.items() if k not in ("requests", "console", "options", "environment")}
    record["request_count"] = len(data.get("requests") or [])
    record["failed_requests"] = sum(1 for r in data.get("requests") or [] if r.get("error"))
    record["console_messages"] = len(data.get("console") or [])
    record["environment"] = data.get("environment") or {}
    record["options"] = data.get("options") or {}
    return record


def _write_failure(folder: Path, url: str, reason: str, job: CaptureJob) -> None:
    """A capture record written by the op when the program could not write one itself."""
    folder.mkdir(parents=True, exist_ok=True)
    existing = folder / CAPTURE_FILE
    if existing.is_file():
        return
    record = CaptureRecord(requested_url=url, options=job.options.to_json(),
                           environment={"app": f"evbundle {__version__}", "operator": job.operator})
    record.fail("browser", reason)
    from app.core.custody import utc_now

    record.started_at = record.finished_at = utc_now()
    record.files["record"] = CAPTURE_FILE
    write_json(existing, record.to_json())


def _tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(none)"
    lines = [line for line in text.splitlines() if line.strip() and "dbus" not in line]
    return " | ".join(lines)[-LOG_TAIL:] or "(none)"


def _tool(data: dict[str, Any]) -> str:
    browser = data.get("browser") or {}
    if browser.get("chromium"):
        return f"{TOOL} (QtWebEngine {browser.get('qtwebengine', '')}, Chromium {browser['chromium']})"
    return TOOL


def _slug(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "page").lower()
    if parts.port:
        host += f"-{parts.port}"
    return re.sub(r"[^a-z0-9.-]+", "-", host)[:60]


def _stamp(iso: str) -> str:
    digits = re.sub(r"[^0-9T]", "", iso[:19])
    return f"{digits}Z" if len(digits) == 15 else "undated"
