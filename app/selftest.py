"""``evbundle --self-test``: prove that this installation works as a whole, in a few seconds.

Meant for the frozen app above all (a packaged build can lack a data file, a Qt plugin or a
shared library that a source checkout has), and run the same way from source. Everything
happens in a fresh temporary home (``EVBUNDLE_HOME``), so the user's cases, identities and
settings are never read or touched, and offscreen unless ``QT_QPA_PLATFORM`` says otherwise:

1. the fictional sample case is built, its evidence imported, signed and sealed;
2. the case file is re-hashed and its custody chain checked;
3. the bundle is verified, trusting the sample's throwaway signer;
4. the whole filing set is rendered in PDF and DOCX, and each file is opened again with
   pikepdf or python-docx;
5. the main window opens on the case and shows each page; the Documents page renders its
   preview with QtPdf, and one page of it is drawn;
6. a page served on 127.0.0.1 is captured into the sample case, when the capture engine is
   installed (:func:`web_capture_step`).

Each step prints its time; the exit status is 0 only when every step worked. This module
never imports Qt itself: the window steps come from ``app.gui.selftest_window``, imported
only when they run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.cli.exitcodes import EXIT_FAILED, EXIT_OK


@dataclass
class SelfTest:
    """What the steps share: the temporary home, the work folder and what earlier steps made."""

    home: Path
    work: Path
    made: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One check: ``run`` returns a short line saying what it saw, or raises."""

    name: str
    run: Callable[[SelfTest], str]
    needs: str = ""  # the name under ``made`` that an earlier step must have left


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    detail: str
    ok: bool


# -- the steps that need no Qt --------------------------------------------------------------------


def sample_case_step(test: SelfTest) -> str:
    from app.ops.demo import run_demo

    result = run_demo(test.work / "sample")
    test.made["demo"] = result
    return (f"{result.items} items, {result.domains} domains; "
            f"{result.build.bundle.name} ({result.build.bundle.stat().st_size:,} bytes)")


def case_check_step(test: SelfTest) -> str:
    from app.ops.case import CaseFile

    with CaseFile.open(test.made["demo"].case_path) as case:
        problems = case.check()
        count = case.count_items()
    if problems:
        raise AssertionError("; ".join(str(p) for p in problems))
    return f"all {count} items match their hashes; custody chain intact"


def verify_step(test: SelfTest) -> str:
    from app.bundle.verify import verify_bundle

    demo = test.made["demo"]
    report = verify_bundle(demo.build.bundle, trusted_fingerprints=[demo.build.fingerprint],
                           require_trusted=True)
    if not report.ok:
        raise AssertionError(report.to_text())
    return f"{report.payload_files} payload files, {report.custody_entries} custody entries, signer trusted"


def filing_set_step(test: SelfTest) -> str:
    from app.ops.case import CaseFile
    from app.ops.filing import FORMATS, export_filing_set

    out = test.work / "filing-set"
    with CaseFile.open(test.made["demo"].case_path) as case:
        result = export_filing_set(case, out, formats=FORMATS)
    pdfs = sorted(p for p in result.files if p.suffix == ".pdf")
    docxs = sorted(p for p in result.files if p.suffix == ".docx")
    missing_pdf = [p.name for p in docxs if not p.with_suffix(".pdf").exists()]
    if not docxs or missing_pdf or not any(p.stem == "01-declaration" for p in docxs):
        raise AssertionError(f"documents missing: DOCX {len(docxs)}, without their PDF: {missing_pdf}")
    pages = sum(_pdf_pages(p) for p in pdfs)
    paragraphs = sum(_docx_paragraphs(p) for p in docxs)
    return f"{len(pdfs)} PDF ({pages} pages) and {len(docxs)} DOCX ({paragraphs} paragraphs) reopened"


def _pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        if not pdf.pages:
            raise AssertionError(f"{path.name}: no pages")
        return len(pdf.pages)


def _docx_paragraphs(path: Path) -> int:
    import docx

    with zipfile.ZipFile(path) as archive:
        if archive.testzip() is not None:
            raise AssertionError(f"{path.name}: a damaged zip member")
    count = len(docx.Document(str(path)).paragraphs)
    if count == 0:
        raise AssertionError(f"{path.name}: no paragraphs")
    return count


# -- the steps that need Qt (imported only when they run) -----------------------------------------


def window_step(test: SelfTest) -> str:
    from app.gui.selftest_window import open_window_and_pages

    return open_window_and_pages(test)


def preview_step(test: SelfTest) -> str:
    from app.gui.selftest_window import render_preview

    return render_preview(test)


SELF_TEST_PAGE = (b"<!doctype html><html><head><meta charset='utf-8'><title>evbundle self-test</title></head>"
                  b"<body style='font: 32px sans-serif'><p id='p'>captured</p>"
                  b"<script>document.getElementById('p').textContent += ' and ran';</script></body></html>")


def web_capture_step(test: SelfTest) -> str:
    """Capture a page served on 127.0.0.1 into the sample case, through the capture engine.

    The engine (QtWebEngine) is a separately installed component in a packaged build: without it
    the step says so and passes, unless ``--require-capture`` was given.
    """
    import http.server
    import threading

    from app.capture.launch import engine_available
    from app.ops.capture_web import CaptureOptions, capture_urls
    from app.ops.case import CaseFile

    if not engine_available():
        if test.made.get("require_capture"):
            raise AssertionError("the capture engine is not installed")
        return "skipped: the capture engine (a separate component) is not installed"
    if "demo" not in test.made:
        raise AssertionError("not run: an earlier step did not make the demo")

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(SELF_TEST_PAGE)))
            self.end_headers()
            self.wfile.write(SELF_TEST_PAGE)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/self-test.html"
        with CaseFile.open(test.made["demo"].case_path) as case:
            report = capture_urls(case, [url], CaptureOptions(allow_private=True, wait=0.2))
            if not report.captured:
                raise AssertionError(f"the page was not captured: {report.failed or report.refused}")
            files = len(case.children(report.captured[0])) + 1
    finally:
        server.shutdown()
        server.server_close()
    return f"{url} captured: {files} files stored as one exhibit"


STEPS: tuple[Step, ...] = (
    Step("sample case: imported, signed, sealed", sample_case_step),
    Step("case file: hashes and custody chain", case_check_step, needs="demo"),
    Step("bundle verified", verify_step, needs="demo"),
    Step("filing set rendered (PDF and DOCX)", filing_set_step, needs="demo"),
    Step("main window and each page", window_step, needs="demo"),
    Step("document preview (QtPdf)", preview_step, needs="window"),
    Step("web capture", web_capture_step),
)


def run_steps(test: SelfTest, steps: Sequence[Step], *, out: Any = None,
              verbose: bool = False) -> list[StepResult]:
    """Run each step, printing its time as it finishes; a step whose input is missing is failed."""
    out = out or sys.stdout
    results = []
    for step in steps:
        start = time.perf_counter()
        try:
            if step.needs and step.needs not in test.made:
                raise AssertionError(f"not run: an earlier step did not make the {step.needs}")
            detail, ok = step.run(test), True
        except Exception as exc:  # noqa: BLE001 - every failure is reported, and the next step runs
            detail, ok = f"{type(exc).__name__}: {exc}", False
            if verbose:
                traceback.print_exc(file=out)
        seconds = time.perf_counter() - start
        results.append(StepResult(step.name, seconds, detail, ok))
        print(f"{'ok' if ok else 'FAILED':<6} {seconds:6.2f} s  {step.name}: {detail}", file=out, flush=True)
    return results


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="evbundle --self-test",
        description="Check that this installation works: sample case, sealing, verification, documents, "
        "window and preview, in a temporary home (your own cases, keys and settings are not used).",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary home and print where it is")
    parser.add_argument("--no-gui", action="store_true", help="leave out the window and preview steps")
    parser.add_argument("--require-capture", action="store_true",
                        help="fail when web capture or its engine is missing")
    parser.add_argument("--verbose", action="store_true", help="print a traceback for each failure")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] = ()) -> int:
    """Run every step in a fresh temporary home; 0 when all worked, 1 otherwise."""
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="evbundle-self-test-"))
    previous_home = os.environ.get("EVBUNDLE_HOME")
    os.environ["EVBUNDLE_HOME"] = str(home / "home")
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    print(f"evbundle {__version__} self-test ({frozen}: {sys.executable}; "
          f"Qt platform {os.environ['QT_QPA_PLATFORM']}; home {home})", flush=True)
    test = SelfTest(home=home, work=home / "work")
    test.work.mkdir()
    test.made["require_capture"] = args.require_capture
    steps = [s for s in STEPS if not (args.no_gui and s.run in (window_step, preview_step))]
    start = time.perf_counter()
    try:
        results = run_steps(test, steps, verbose=args.verbose)
    finally:
        if "window" in test.made:
            from app.gui.selftest_window import close_window

            close_window(test)
        if previous_home is None:
            os.environ.pop("EVBUNDLE_HOME", None)
        else:
            os.environ["EVBUNDLE_HOME"] = previous_home
        if args.keep:
            print(f"kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    failed = [r.name for r in results if not r.ok]
    total = time.perf_counter() - start
    if failed:
        print(f"self-test FAILED in {total:.1f} s: {', '.join(failed)}", flush=True)
        return EXIT_FAILED
    print(f"self-test passed: {len(results)} steps in {total:.1f} s", flush=True)
    return EXIT_OK
