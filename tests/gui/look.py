"""Grab the window, one PNG per page, for a person to look at (not a test).

    EVBUNDLE_HOME=$(mktemp -d) QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/look.py CASE.evcase [OUT_PREFIX]

Without a case argument it grabs the welcome page only. Writes OUT_PREFIX-<page>.png
(default /tmp/gui).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.gui.app import build_window, configure_application  # noqa: E402
from app.gui.dialogs.add_domains import AddDomainsDialog
from app.gui.dialogs.new_case import NewCaseDialog
from app.gui.dialogs.passphrase import PassphraseDialog  # noqa: E402


def main(argv: list[str]) -> int:
    app = QApplication(argv[:1])
    configure_application(app)
    case = Path(argv[1]) if len(argv) > 1 else None
    prefix = argv[2] if len(argv) > 2 else "/tmp/gui"
    window = build_window(case)
    window.resize(1200, 720)
    window.show()
    app.processEvents()
    window.grab().save(f"{prefix}-welcome.png" if case is None else f"{prefix}-0-open.png")
    if case is not None:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            app.processEvents()
            name = window.tabs.tabText(index).split(" ")[0].lower()
            path = f"{prefix}-{index + 1}-{name}.png"
            window.grab().save(path)
            print(path)
    grab_dialogs(window, prefix)
    window.close()
    return 0


def grab_dialogs(window: QWidget, prefix: str) -> None:
    """The dialogs, filled in as a user would, each grabbed on its own."""
    new_case = NewCaseDialog(Path.home(), window)
    new_case.title.setText("Fictional Corp. v. John Does 1-22")
    new_case.declarant.setText("Jordan Sample")
    new_case.accept()  # shows the missing-folder or existing-file problem, if any
    domains = AddDomainsDialog(window)
    domains.text.setPlainText("bad-example.com\nhxxp://c2[.]example.net/gate.php\n")
    first = PassphraseDialog(first_use=True, parent=window)
    first.problem.setText("The two passphrases differ.")
    for name, dialog in (("new-case", new_case), ("add-domains", domains), ("passphrase", first)):
        dialog.show()
        QApplication.processEvents()
        dialog.grab().save(f"{prefix}-dialog-{name}.png")
        print(f"{prefix}-dialog-{name}.png")
        dialog.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
