"""Grab every page and dialog of the window on a case, for a person to look at (not a test).

    .venv/bin/evbundle demo /tmp/demo-out
    .venv/bin/python tests/gui/look_pages.py /tmp/demo-out/*.evcase [OUT_FOLDER] [WIDTHxHEIGHT]

Runs offscreen in a fresh EVBUNDLE_HOME on a copy of the case (the case itself is never changed).
Writes one PNG per page, with the filters, selections and dialogs a user would open (default
/tmp/look-pages, 1366x768; try 1024x700 for a small laptop screen). A bundle (.zip) beside the
case is verified in the Verify dialog.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["EVBUNDLE_HOME"] = tempfile.mkdtemp(prefix="evbundle-look-")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.gui.app import build_window, configure_application
from app.gui.dialogs.about import about_box
from app.gui.dialogs.add_domains import AddDomainsDialog
from app.gui.dialogs.capture import CaptureDialog
from app.gui.dialogs.lookup import LookupDialog
from app.gui.window import MainWindow


def pump(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(window: MainWindow, ms: int = 300) -> None:
    """Let background work (queries, previews) finish, then paint."""
    for _ in range(100):
        pump(100)
        if not window.operations.is_busy():
            break
    pump(ms)


def main(argv: list[str]) -> int:
    source = Path(argv[1])
    out = Path(argv[2] if len(argv) > 2 else "/tmp/look-pages")
    width, height = (int(n) for n in (argv[3] if len(argv) > 3 else "1366x768").split("x"))
    out.mkdir(parents=True, exist_ok=True)
    case = Path(tempfile.mkdtemp(prefix="evbundle-look-case-")) / source.name
    shutil.copy(source, case)
    app = QApplication(argv[:1])
    configure_application(app)

    def grab(widget: QWidget, name: str) -> None:
        widget.show()
        pump(150)
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png", f"{widget.width()}x{widget.height()}")

    window = build_window(None)
    window.resize(width, height)
    grab(window, "00-welcome")
    window.open_case(case)
    settle(window)
    for index, name in enumerate(("domains", "screenshots", "spam", "exhibits", "documents")):
        window.tabs.setCurrentIndex(index)
        settle(window, 800)
        grab(window, f"{index + 1:02d}-{name}")
    domains = window.domains_page
    window.tabs.setCurrentWidget(domains)
    domains.search.setText("no-such-name")
    domains.problem.setCurrentIndex(1)
    settle(window, 600)
    grab(window, "01b-domains-filtered")
    domains.search.clear()
    domains.problem.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.screenshots_page)
    window.screenshots_page.select_row(0)
    settle(window)
    grab(window, "02b-screenshots-selected")
    window.tabs.setCurrentWidget(window.spam_page)
    window.spam_page.view.selectRow(0)
    settle(window)
    grab(window, "03b-spam-selected")
    documents = window.documents_page
    window.tabs.setCurrentWidget(documents)
    documents.view.selectRow(0)
    settle(window, 1500)
    grab(window, "05b-documents-selected")
    documents.left_tabs.setCurrentIndex(1)
    settle(window, 1500)
    grab(window, "05c-documents-rule-5-2")
    documents.left_tabs.setCurrentIndex(0)

    verify = window.open_verify_dialog()
    grab(verify, "10-verify")
    bundle = source.with_suffix(".zip")
    if bundle.is_file():
        verify.verify(bundle)
        settle(window, 500)
        grab(verify, "11-verify-report")
    verify.close()
    identities = window.open_identities_dialog()
    settle(window)
    grab(identities, "12-identities")
    identities.close()
    preferences = window.open_preferences_dialog()
    if preferences is not None:
        grab(preferences, "13-preferences")
        preferences.close()
    for name, dialog in (("14-capture", CaptureDialog(window)), ("15-add-domains", AddDomainsDialog(window)),
                         ("16-lookup", LookupDialog(12, window)), ("17-about", about_box(window))):
        grab(dialog, name)
        dialog.close()
    window.operations.cancel_all()
    window.operations.wait()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
