"""What the capture browser must never do: contact anything else, open a download, reach a private
address unasked, or leave anything behind when cancelled."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from app.capture.job import CaptureOptions
from app.core.errors import EvidenceError, OperationCancelled
from app.core.model import CaseInfo, ItemKind
from app.ops import capture_web
from app.ops.capture_web import capture_urls
from app.store import CaseFile

from .site import Site, serve

FAST = CaptureOptions(allow_private=True, wait=0.2)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve(tmp_path) as running:
        yield running


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as opened:
        yield opened


def test_the_browser_contacts_nothing_but_the_page_and_what_it_asks_for(
        site: Site, case: CaseFile, tmp_path: Path) -> None:
    """Chromium's own log of every connection (NetLog): every request, lookup and TCP connection is to the
    test site. (Chromium also asks the system which local address would route to 2001:4860:4860::8888, a
    UDP connect that sends nothing; the log shows no UDP data sent at all.)"""
    report = capture_urls(case, [site.start], FAST, net_log=tmp_path / "net.json")
    assert len(report.captured) == 1
    log = json.loads((tmp_path / "net.1.json").read_text())
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    seen: dict[str, set[str]] = {}
    for event in log["events"]:
        params = event.get("params") or {}
        value = params.get("url") or params.get("address") or params.get("host")
        if value:
            seen.setdefault(names[event["type"]], set()).add(str(value))
    assert seen["URL_REQUEST_START_JOB"] and all(
        u.startswith(f"https://127.0.0.1:{site.port}/") for u in seen["URL_REQUEST_START_JOB"])
    assert seen["TCP_CONNECT_ATTEMPT"] == {f"127.0.0.1:{site.port}"}
    assert all("127.0.0.1" in h for h in seen.get("HOST_RESOLVER_MANAGER_REQUEST", set()))
    assert "UDP_BYTES_SENT" not in {names[e["type"]] for e in log["events"]}


class _CancelWhen:
    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.seen = False

    def progress(self, done: int, total: int, stage: str = "") -> None:
        self.seen = self.seen or stage.endswith(self.stage)

    def cancelled(self) -> bool:
        return self.seen


def test_a_cancel_kills_the_browser_and_leaves_nothing_behind(
        site: Site, case: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "temp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    started: list[int] = []

    class Recorded(capture_web.CaptureProcess):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            started.append(self.process.pid)

    monkeypatch.setattr(capture_web, "CaptureProcess", Recorded)
    with pytest.raises(OperationCancelled):
        capture_urls(case, [site.start, site.page], CaptureOptions(allow_private=True, wait=30.0),
                     _CancelWhen("settling"))
    assert len(started) == 1
    assert _alive_in_group(started[0]) == []  # the program and every browser helper it started: dead
    assert list(work.iterdir()) == []  # the work folder, its job and the page's files: all gone
    assert case.count_items() == 0 and not [e for e in case.custody() if e.action == "web-captured"]


def _alive_in_group(group: int) -> list[str]:
    """Processes of a process group that still run (a killed process its parent has not reaped yet is a
    zombie: dead, holding nothing; this sandbox's init never reaps them)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            alive.append(stat.parent.name)
    return alive


def test_a_download_is_kept_in_the_warc_only_and_never_opened(site: Site, case: CaseFile) -> None:
    url = f"https://127.0.0.1:{site.port}/download.bin"
    report = capture_urls(case, [url], FAST)
    ((failed_url, reason, item_id),) = report.failed
    assert failed_url == url and "download" in reason
    record = case.item(item_id).record
    assert record["downloads"][0]["suggested_name"] == "invoice.exe"
    warc = next(p for p in case.children(item_id) if p.record["role"] == "warc")
    bodies = {r.rec_headers.get_header("WARC-Target-URI"): (r.rec_headers, r.content_stream().read())
              for r in ArchiveIterator(io.BytesIO(case.read_object(warc.sha256))) if r.rec_type == "response"}
    headers, body = bodies[url]
    assert body.startswith(b"MZ\x90\x00not really a program")
    assert "a download" in headers.get_header("WARC-Evbundle-Note")


def test_private_addresses_are_refused_unless_allowed(site: Site, case: CaseFile) -> None:
    report = capture_urls(case, [site.start, "file:///etc/passwd"], CaptureOptions(wait=0.2))
    assert [url for url, _ in report.refused] == ["file:///etc/passwd", site.start]
    assert "use --allow-private" in report.refused[1][1]
    assert site.requests == []  # never visited
    assert case.count_items() == 0


def test_without_javascript_no_script_runs(site: Site, case: CaseFile) -> None:
    report = capture_urls(case, [site.page], CaptureOptions(allow_private=True, wait=0.2, javascript=False))
    (item_id,) = report.captured
    record = case.item(item_id).record
    assert record["options"]["javascript"] is False
    assert "/inserted.png" not in site.requests and "/img.png" in site.requests
    assert case.item(item_id).kind is ItemKind.WEB_CAPTURE


def test_a_server_that_never_answers_is_a_failed_capture_after_the_timeout(case: CaseFile) -> None:
    import socket

    with socket.socket() as silent:  # accepts the connection, then says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        report = capture_urls(case, [url], CaptureOptions(allow_private=True, wait=0.2, timeout=2.0))
    ((failed_url, reason, item_id),) = report.failed
    assert failed_url == url and reason == "the server did not answer within 2 s"
    assert case.item(item_id).record["failed_step"] == "load"


def test_a_crashed_capture_program_is_a_failed_capture_and_the_batch_goes_on(
        case: CaseFile, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from app.capture import launch

    crash = "import sys; print('{\"event\": \"ready\"}', flush=True); print('boom', file=sys.stderr); sys.exit(3)"
    monkeypatch.setattr(launch, "child_command", lambda job: [sys.executable, "-c", crash])
    report = capture_urls(case, ["https://a.example/", "https://b.example/"], FAST)
    assert [url for url, _, _ in report.failed] == ["https://a.example/", "https://b.example/"]
    assert all("stopped before the page was captured (exit code 3)" in reason and "boom" in reason
               for _, reason, _ in report.failed)
    assert len(case.items(ItemKind.WEB_CAPTURE_FAILED)) == 2


def test_without_the_capture_engine_nothing_is_visited_or_stored(
        case: CaseFile, monkeypatch: pytest.MonkeyPatch) -> None:
    """A packaged app without its capture engine component says so, rather than storing failed captures."""
    monkeypatch.setattr(capture_web, "engine_available", lambda: False)
    before = len(case.custody())
    with pytest.raises(EvidenceError, match="capture engine .* not installed"):
        capture_urls(case, ["https://example.com/"], FAST)
    assert case.count_items() == 0 and len(case.custody()) == before
