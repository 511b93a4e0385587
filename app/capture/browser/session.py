"""Capture one URL: load it in a fresh page, scroll, settle, then save everything a court asks about.

The order matters and is deliberate: DNS answers first (and the private-address
check), then the load with every request and response recorded, a scroll
through the page in viewport steps so that lazy content loads, the settle
time, then the viewport and full-page screenshots, MHTML, the printed PDF,
the certificate chain, and last the WARC and the capture record. Whatever
fails is recorded in ``capture.json`` with the step it failed at: a failed
capture is evidence too.
"""

from __future__ import annotations

import base64
import io
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QMarginsF, QSize
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.capture.addresses import private_reason, url_problem
from app.capture.certificates import describe, pem_chain
from app.capture.dns_answers import DnsAnswers, resolve
from app.capture.environment import server_clock_offset
from app.capture.job import FILE_ROLES, CaptureOptions
from app.capture.netlog import Exchange, NetworkLog
from app.capture.record import CaptureRecord, write_json
from app.capture.warc import write_warc

from .devtools import TOKEN_EXPRESSION, DevTools, DevToolsError, pause, wait_until
from .page import CapturePage, Facts, make_profile, private_address

TILE_HEIGHT = 4096  # the full-page screenshot is taken in tiles this tall and joined
MAX_PAGE_HEIGHT = 60_000  # CSS pixels; beyond this the screenshot stops (the record says so)
MAX_PAGE_WIDTH_FACTOR = 3  # at most this many viewports wide
SCROLL_STEP_PAUSE = 0.05
SCROLL_TIME_LIMIT = 20.0
QUIET_TIME_LIMIT = 5.0  # after the settle time, wait at most this long for requests still running
BODY_LIMIT = 64 * 1024 * 1024
WARC_1_1_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class CaptureFailed(Exception):
    """The step that failed and why; the capture record keeps both."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


class PageCapture:
    """One URL into one folder. :meth:`run` never raises for the page's sake: it returns the record."""

    def __init__(self, port: int, options: CaptureOptions, folder: Path, *, browser: dict[str, str],
                 environment: dict[str, Any], stage: Any) -> None:
        self.port = port
        self.options = options
        self.folder = folder
        self.browser = browser
        self.stage = stage  # stage(name): tells the op what is happening
        self.facts = Facts()
        self.log = NetworkLog()
        self.record = CaptureRecord(options=options.to_json(), environment=environment)
        self.devtools: DevTools | None = None
        self.main_request = ""
        self.load_state: bool | None = None
        self._profile: Any = None
        self._guard: Any = None
        self._page: CapturePage | None = None
        self._view: QWebEngineView | None = None

    # -- the whole capture -----------------------------------------------------------------

    def run(self, url: str) -> CaptureRecord:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = self.record
        record.requested_url = url
        record.started_at = _now()
        try:
            problem = url_problem(url)
            if problem:
                raise CaptureFailed("refused", problem)
            host = urlsplit(url).hostname or ""
            self.stage("dns")
            answers = resolve(host, servers=self.options.dns_servers, port=self.options.dns_port)
            self._save_dns(answers)
            reason = private_reason(host, answers.addresses)
            if reason and not self.options.allow_private:
                raise CaptureFailed("refused", f"{reason}; use --allow-private to capture it")
            self._profile, self._guard = make_profile(self.options, self.facts, self.folder / ".downloads")
            page = self._page = CapturePage(self._profile, self.facts)
            self._view = QWebEngineView()
            self._view.setPage(page)
            self._view.resize(QSize(*self.options.viewport))
            self._view.show()
            page.loadFinished.connect(self._load_finished)
            self._attach(page)
            self._load(url)
            self._scroll()
            self._settle()
            self._screenshots()
            self._snapshot()
            self._pdf(page)
            self._describe_page(page)
        except CaptureFailed as failed:
            record.fail(failed.step, failed.reason)
        except DevToolsError as exc:
            record.fail("browser", str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug here must not be recorded as a good capture
            traceback.print_exc()  # to the program's log, which the op keeps for diagnostics
            record.fail("browser", f"the capture program failed ({type(exc).__name__}: {exc})")
        finally:
            self._finish()
        return record

    # -- steps ---------------------------------------------------------------------------------

    def _attach(self, page: CapturePage) -> None:
        token = uuid.uuid4().hex
        marked: list[object] = []
        # The application world runs even with the page's JavaScript off; the DOM it marks is shared.
        page.runJavaScript(f"{TOKEN_EXPRESSION} = '{token}'", QWebEngineScript.ScriptWorldId.ApplicationWorld,
                           marked.append)
        if not wait_until(lambda: bool(marked), 15.0):
            raise CaptureFailed("browser", "the browser did not open a page")
        devtools = DevTools(self.port)
        devtools.attach(token)
        self.devtools = devtools
        devtools.on_event(self._event)
        devtools.call("Network.enable", {"maxTotalBufferSize": 256 * 1024 * 1024,
                                         "maxResourceBufferSize": BODY_LIMIT, "maxPostDataSize": 1024 * 1024})
        devtools.call("Page.enable")
        version = devtools.call("Browser.getVersion")
        self.browser["user_agent"] = str(version.get("userAgent", ""))
        self.browser["devtools_protocol"] = str(version.get("protocolVersion", ""))

    def _load_outcome(self) -> bool | None:
        """What the page's loadFinished said (None until it has): read through a call, as it changes meanwhile."""
        return self.load_state

    def _load(self, url: str) -> None:
        assert self.devtools is not None
        self.stage("loading")
        self.load_state = None
        try:
            navigated = self.devtools.call("Page.navigate", {"url": url}, timeout=self.options.timeout)
        except DevToolsError as exc:
            if self.devtools.lost:
                raise
            raise CaptureFailed("load", f"the server did not answer within {self.options.timeout:g} s") from exc
        self.main_request = str(navigated.get("loaderId", ""))
        if navigated.get("isDownload"):
            self._wait_for_downloads()
            raise CaptureFailed("load", "the URL answered with a download, not a page (its bytes are in the WARC)")
        error = str(navigated.get("errorText") or "")
        if error:
            raise CaptureFailed("load", error)
        if not wait_until(lambda: self._load_outcome() is not None, self.options.timeout):
            self.record.notes.append(f"the page had not finished loading after {self.options.timeout:g} s; "
                                     "it was captured as it stood")
        elif self._load_outcome() is False:
            main = self.log.latest(self.main_request)
            if main is None or not main.has_response:
                raise CaptureFailed("load", (main.error if main and main.error else "the page did not load"))
            self.record.notes.append("the browser reported the load as unfinished or failed")

    def _scroll(self) -> None:
        """Scroll down a viewport at a time so that lazy images and infinite lists load, then back up."""
        self.stage("scrolling")
        started = time.monotonic()
        viewport_height = self.options.viewport[1]
        position, steps = 0, 0
        height = self._content_size()[1]
        while position + viewport_height < height and time.monotonic() - started < SCROLL_TIME_LIMIT:
            position += viewport_height
            steps += 1
            # scroll, and read the height again: an endless list grows as it is scrolled
            height = int(self._evaluate(f"window.scrollTo(0, {position}); "
                                        "document.documentElement.scrollHeight") or height)
            pause(SCROLL_STEP_PAUSE)  # time for lazy loaders (IntersectionObserver) to start their requests
        self._evaluate("window.scrollTo(0, 0)")
        self.record.page["scroll_steps"] = steps

    def _settle(self) -> None:
        self.stage("settling")
        pause(self.options.wait)
        quiet = wait_until(lambda: not self._requests_running(), QUIET_TIME_LIMIT)
        if not quiet:
            self.record.notes.append(f"{len(self.log.unfinished())} request(s) were still running when the page "
                                     "was captured")

    def _screenshots(self) -> None:
        assert self.devtools is not None
        self.stage("screenshot")
        self.record.captured_at = _now()
        viewport = self.devtools.call("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
        self._write("screenshot-viewport", base64.b64decode(viewport["data"]))
        width, height = self._content_size()
        width = max(1, min(width, self.options.viewport[0] * MAX_PAGE_WIDTH_FACTOR))
        cut = height > MAX_PAGE_HEIGHT
        height = max(1, min(height, MAX_PAGE_HEIGHT))
        tiles = []
        for top in range(0, height, TILE_HEIGHT):
            clip = {"x": 0, "y": top, "width": width, "height": min(TILE_HEIGHT, height - top), "scale": 1}
            shot = self.devtools.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                                 "clip": clip, "optimizeForSpeed": True},
                                      timeout=60.0)
            tiles.append(base64.b64decode(shot["data"]))
        full = tiles[0] if len(tiles) == 1 else _join_tiles(tiles)
        self._write("screenshot-full", full)
        self.record.page.update(width=width, height=height, viewport=list(self.options.viewport),
                                screenshot_cut_at=MAX_PAGE_HEIGHT if cut else None)

    def _snapshot(self) -> None:
        assert self.devtools is not None
        self.stage("saving")
        try:
            mhtml = self.devtools.call("Page.captureSnapshot", {"format": "mhtml"}, timeout=60.0)
        except DevToolsError as exc:
            self.record.notes.append(f"no MHTML snapshot: {exc}")
            return
        self._write("mhtml", str(mhtml.get("data", "")).encode("utf-8", errors="surrogateescape"))

    def _pdf(self, page: CapturePage) -> None:
        """The page as the browser prints it (Letter, portrait); DevTools' printToPDF is not in QtWebEngine."""
        path = self.folder / FILE_ROLES["pdf"]
        done: list[bool] = []
        page.pdfPrintingFinished.connect(lambda _path, ok: done.append(ok))
        layout = QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait,
                             QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
        page.printToPdf(str(path), layout)
        if not wait_until(lambda: bool(done), 60.0) or not done[0] or not path.exists():
            self.record.notes.append("the browser could not print the page as PDF")
            path.unlink(missing_ok=True)
            return
        self.record.files["pdf"] = path.name

    def _describe_page(self, page: CapturePage) -> None:
        record = self.record
        record.title = page.title()
        record.final_url = page.url().toString()
        chain = [e for e in self.log.chain(self.main_request) if e.is_network]
        record.redirects = [{"url": e.url, "status": e.status, "server_ip": e.remote_ip,
                             "location": _header(e, "location")} for e in chain if e.redirected]
        main = chain[-1] if chain else None
        if main is None or not main.has_response:
            return
        record.final_url = main.url
        record.http_status = main.status
        record.server_ip = main.remote_ip
        record.server_port = main.remote_port
        record.protocol = main.protocol
        record.mime_type = main.mime_type
        record.server_clock_offset_seconds = server_clock_offset(
            _header(main, "date"), datetime.now(UTC))
        if main.remote_ip and private_address(main.remote_ip) and not self.options.allow_private:
            raise CaptureFailed("refused", f"the page was served from the private address {main.remote_ip}")
        if main.url.startswith("https:"):
            self._certificate(main)

    def _certificate(self, main: Exchange) -> None:
        assert self.devtools is not None
        security = main.security or {}
        tls: dict[str, Any] = {
            key: security.get(source) for key, source in (
                ("protocol", "protocol"), ("cipher", "cipher"), ("key_exchange", "keyExchange"),
                ("key_exchange_group", "keyExchangeGroup"), ("certificate_transparency",
                                                             "certificateTransparencyCompliance"))
            if security.get(source)
        }
        origin = f"{urlsplit(main.url).scheme}://{urlsplit(main.url).netloc}"
        try:
            names = self.devtools.call("Network.getCertificate", {"origin": origin}).get("tableNames") or []
        except DevToolsError as exc:
            names = []
            tls["certificate_error"] = str(exc)
        chain = [base64.b64decode(name) for name in names]
        if chain:
            self._write("certificate-chain", pem_chain(chain))
            tls["certificate"] = describe(chain[0])
            tls["chain"] = [{"subject": d.get("subject", ""), "issuer": d.get("issuer", ""),
                             "sha256_fingerprint": d["sha256_fingerprint"]} for d in map(describe, chain)]
        self.record.tls = tls

    # -- the end: bodies, WARC, record ------------------------------------------------------

    def _finish(self) -> None:
        record = self.record
        devtools = self.devtools
        if devtools is not None and devtools.connected:
            wait_until(lambda: devtools.pending_callbacks() == 0, 15.0)
        self._read_downloads()
        exchanges = self.log.exchanges()
        record.requests = [e.summary() for e in exchanges]
        if self.options.allow_private is False:
            reached = sorted({e.remote_ip for e in exchanges if e.remote_ip and private_address(e.remote_ip)})
            if reached:
                record.notes.append("the page made the browser reach the private address(es) "
                                    + ", ".join(reached))
        if any(e.has_response for e in exchanges):
            info = {"software": f"{record.environment.get('app', 'evbundle')} "
                                f"(QtWebEngine {self.browser.get('qtwebengine', '')}, "
                                f"Chromium {self.browser.get('chromium', '')})",
                    "format": "WARC File Format 1.1",
                    "conformsTo": WARC_1_1_SPEC,
                    "operator": str(record.environment.get("operator", "")),
                    "description": f"Capture of {record.requested_url}"}
            with open(self.folder / FILE_ROLES["warc"], "wb") as stream:
                write_warc(stream, exchanges, info)
            record.files["warc"] = FILE_ROLES["warc"]
        record.certificate_errors = [{k: v for k, v in e.items() if k != "chain_pem"}
                                     for e in self.facts.certificate_errors]
        if self.facts.certificate_errors and "certificate-chain" not in record.files:
            self._write("certificate-chain", self.facts.certificate_errors[0]["chain_pem"].encode("ascii"))
        record.popups = self.facts.popups
        record.blocked = self.facts.blocked
        record.permissions = self.facts.permissions
        record.console = self.facts.console
        record.downloads = [{k: v for k, v in d.items() if k != "file"} for d in self.facts.downloads]
        record.browser = dict(self.browser)
        record.finished_at = _now()
        record.files["record"] = FILE_ROLES["record"]
        write_json(self.folder / FILE_ROLES["record"], record.to_json())

    # -- helpers -------------------------------------------------------------------------------

    def _event(self, method: str, params: dict[str, Any]) -> None:
        finished = self.log.handle(method, params)
        if finished is not None and self.devtools is not None and finished.has_response:
            exchange = finished

            def keep(result: dict[str, Any] | None, error: str) -> None:
                if result is None:
                    exchange.body_note = f"body not available from the browser ({error})"
                    return
                data = result.get("body", "")
                encoded = result.get("base64Encoded")
                exchange.body = base64.b64decode(data) if encoded else str(data).encode("utf-8")

            self.devtools.send("Network.getResponseBody", {"requestId": exchange.request_id}, keep)

    def _load_finished(self, ok: bool) -> None:
        self.load_state = ok

    def _requests_running(self) -> bool:
        return any(not e.finished and not e.download for e in self.log.unfinished())

    def _content_size(self) -> tuple[int, int]:
        assert self.devtools is not None
        metrics = self.devtools.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        return int(size.get("width", self.options.viewport[0])), int(size.get("height", self.options.viewport[1]))

    def _evaluate(self, expression: str) -> Any:
        assert self.devtools is not None
        try:
            result = self.devtools.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        except DevToolsError as exc:
            self.record.notes.append(f"could not scroll the page ({exc})")
            return None
        return (result.get("result") or {}).get("value")

    def _write(self, role: str, data: bytes) -> None:
        name = FILE_ROLES[role]
        (self.folder / name).write_bytes(data)
        self.record.files[role] = name

    def _save_dns(self, answers: DnsAnswers) -> None:
        write_json(self.folder / FILE_ROLES["dns"], answers.to_json())
        self.record.files["dns"] = FILE_ROLES["dns"]
        self.record.dns = {"host": answers.host, "addresses": answers.addresses, "resolver": answers.resolver,
                           "note": answers.note}

    def _wait_for_downloads(self) -> None:
        wait_until(lambda: bool(self.facts.downloads)
                   and all(d["state"] != "started" for d in self.facts.downloads), self.options.timeout)

    def _read_downloads(self) -> None:
        """A download's bytes become its response body in the WARC; the file is removed at once."""
        for download in self.facts.downloads:
            path = Path(download["file"])
            if not path.exists():
                continue
            data = path.read_bytes()
            path.unlink()
            download["bytes"] = len(data)
            matches = [e for e in self.log.exchanges() if e.url == download["url"] and e.has_response]
            if matches:
                matches[-1].body = data
                matches[-1].download = True
        downloads = self.folder / ".downloads"
        if downloads.is_dir():
            for leftover in downloads.iterdir():
                leftover.unlink()
            downloads.rmdir()

    def close(self) -> None:
        """Close the page, its view and its profile (in that order: Qt warns otherwise). Called after the
        op was told the capture is done, so that it stores the files while this runs."""
        if self.devtools is not None:
            self.devtools.close()
            self.devtools.deleteLater()
        if self._view is not None:
            self._view.close()
            self._view.setPage(None)  # type: ignore[arg-type]
            self._view.deleteLater()
        if self._page is not None:
            self._page.deleteLater()
        pause(0.01)
        if self._profile is not None:
            self._profile.deleteLater()
        pause(0.01)
        self._view = self._page = self._profile = self._guard = None


def _header(exchange: Exchange, name: str) -> str:
    for key, value in exchange.raw_response_headers or exchange.response_headers:
        if key.lower() == name:
            return value
    return ""


def _join_tiles(tiles: list[bytes]) -> bytes:
    """Full-page tiles stacked into one PNG (Pillow; no resampling, pixels as the browser drew them)."""
    from PIL import Image

    images = [Image.open(io.BytesIO(t)) for t in tiles]
    width = max(i.width for i in images)
    joined = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        joined.paste(image.convert("RGB"), (0, top))
        top += image.height
    out = io.BytesIO()
    joined.save(out, "PNG")
    return out.getvalue()
