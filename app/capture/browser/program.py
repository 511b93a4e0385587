"""The capture program: ``python -m app.capture JOB.json`` (packaged: ``evbundle-capture JOB.json``).

It reads the job, starts a QtWebEngine browser offscreen (never a window on
the investigator's screen), captures each URL into its own folder and prints
one JSON event per line on the pipe it was given as standard output. Chromium
and Qt print their own messages too; those go to standard error, which the op
keeps in a log file, so the event pipe carries only events.

Chromium is told to contact nothing but the pages asked for: no component
updates, background networking, sync, domain reliability reports, safe-browsing
pings, DNS-over-HTTPS upgrade or proxy (a proxy would stand between the site
and the record, and a recording proxy would even replace its certificate).
Software rendering (``--disable-gpu``) and a device scale of 1 make the same
page give the same pixels on every machine.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any, TextIO

CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-pings",
    "--mute-audio",
    "--password-store=basic",
    "--use-mock-keychain",
    "--autoplay-policy=user-gesture-required",
    "--disable-features=DnsOverHttps,MediaRouter,OptimizationHints,Translate,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying,InterestFeedContentSuggestions",
    # No web page (which always sends an Origin) may open a DevTools WebSocket: only this program, which
    # sends none. Qt would add "--remote-allow-origins=*" otherwise.
    "--remote-allow-origins=http://evbundle-capture.invalid",
)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (the browser takes it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def configure_environment(port: int, net_log: str = "") -> None:
    """Set what QtWebEngine reads at start-up; must run before anything imports Qt."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the capture browser is never shown
    os.environ["QTWEBENGINE_REMOTE_DEBUGGING"] = f"127.0.0.1:{port}"
    flags = list(CHROMIUM_FLAGS)
    if net_log:  # tests: Chromium's own log of every connection, to prove what was contacted
        flags += [f"--log-net-log={net_log}", "--net-log-capture-mode=Default"]
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    # Chromium refuses to start its sandbox as root (containers, CI). Only then, and only for this
    # program, is the sandbox turned off; as any other user it stays on.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    else:
        os.environ.pop("QTWEBENGINE_DISABLE_SANDBOX", None)
    os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false;qt.qpa.*=false")


def _event_stream() -> TextIO:
    """The pipe for events: a copy of standard output, which itself is then pointed at standard error."""
    sys.stdout.flush()
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return events


def main(argv: list[str]) -> int:
    """Run one job; the exit code is 0 when the run finished (whatever each page's outcome), 2 otherwise."""
    if len(argv) != 1:
        print("usage: python -m app.capture JOB.json", file=sys.stderr)
        return 2
    from app.capture.job import EVENT_DONE, EVENT_FINISHED, EVENT_READY, EVENT_STAGE, CaptureJob, event_line

    job = CaptureJob.read(Path(argv[0]))
    events = _event_stream()

    def emit(kind: str, **values: Any) -> None:
        events.write(event_line(kind, **values) + "\n")
        events.flush()

    port = free_port()
    configure_environment(port, job.net_log)
    from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must load before the application
    from PySide6.QtWidgets import QApplication

    from app.capture.environment import environment

    from .session import PageCapture

    app = QApplication([sys.argv[0] if sys.argv else "evbundle-capture"])
    app.setApplicationName("evbundle-capture")
    browser = {"engine": "QtWebEngine", "qtwebengine": str(qWebEngineVersion()),
               "chromium": str(qWebEngineChromiumVersion()), "rendering": "software (--disable-gpu)",
               "platform": "offscreen"}
    emit(EVENT_READY, chromium=browser["chromium"], qtwebengine=browser["qtwebengine"], port=port)
    for offset, url in enumerate(job.urls):
        index = job.first_index + offset
        folder = job.folder(index)
        capture = PageCapture(
            port, job.options, folder, browser=dict(browser),
            environment=environment(browser, app_version=job.app_version, operator=job.operator),
            stage=lambda name, index=index: emit(EVENT_STAGE, index=index, stage=name),
        )
        emit(EVENT_STAGE, index=index, stage="starting", url=url)
        record = capture.run(url)
        emit(EVENT_DONE, index=index, folder=str(folder), ok=record.ok, outcome=record.outcome,
             error=record.error)
        if offset == len(job.urls) - 1:
            emit(EVENT_FINISHED)  # before the last page is closed: the op may stop the program at once
        capture.close()
    if not job.urls:
        emit(EVENT_FINISHED)
    events.close()
    app.processEvents()
    return 0
