"""The capture engine's own check: ``evbundle-capture --probe`` loads a page in QtWebEngine.

Run by ``packaging/capture_program.py`` (the engine component's executable) to show the engine
works where it is installed, without a job file or a server: it loads a small page from memory
(no network), reads its DOM back through JavaScript and prints one line; exit status 0 when the
page loaded and read back as written. ``evbundle --self-test`` goes further and captures a page
through the whole chain (``app/selftest.py``).
"""

import os
import sys
import time

PAGE = ("<!doctype html><html><head><title>evbundle capture engine</title></head>"
        "<body><p id='p'>loaded</p><script>document.getElementById('p').textContent += ' and ran';</script>"
        "</body></html>")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses root with its sandbox
    start = time.perf_counter()
    from PySide6.QtCore import QTimer, QUrl, qVersion
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    profile = QWebEngineProfile()  # off the record: nothing written to disk
    page = QWebEnginePage(profile)
    result: dict[str, object] = {}

    def loaded(ok: bool) -> None:
        result["loaded"] = ok
        page.runJavaScript("document.title + ' | ' + document.getElementById('p').textContent", 0, read)

    def read(value: object) -> None:
        result["text"] = value
        app.quit()

    page.loadFinished.connect(loaded)
    QTimer.singleShot(60_000, app.quit)
    page.setHtml(PAGE, QUrl("about:blank"))
    app.exec()
    page.deleteLater()  # the page goes before its profile, as QtWebEngine asks
    seconds = time.perf_counter() - start
    expected = "evbundle capture engine | loaded and ran"
    if result.get("text") != expected:
        print(f"capture engine: FAILED after {seconds:.1f} s: {result}", flush=True)
        return 1
    print(f"capture engine: QtWebEngine (Qt {qVersion()}) loaded a page and ran its script in {seconds:.1f} s",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
